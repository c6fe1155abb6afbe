"""Moodle: the assignment's "Download all submissions" zip in; its grading worksheet and its
feedback-files zip out.

Sources (Moodle's own code, moodle/moodle):

- The download (``mod/assign/classes/downloader.php``, before 4.1 ``locallib.php``
  ``download_submissions``): each student's prefix is ``clean_filename(<full name with "_" made
  " "> + "_" + <participant id>)``; with "Download submissions in folders" (the default) a file is
  ``<prefix>_assignsubmission_file/<file>`` (``..._file_/`` before 4.1), without it
  ``<prefix>_assignsubmission_file_<file>``. The participant id is the assignment's own
  (``assign_user_mapping``), not the user's id, and under blind marking the name is "Participant".
  The download says nothing about lateness.
- The grading worksheet (``mod/assign/gradingtable.php``, ``gradingoptionsform``: "Download
  grading worksheet"): columns ``Identifier`` (``Participant <id>``), ``Full name``, ..., ``Status``
  (pieces joined by " - ", a late one reading ``<time> late``), ``Grade``, ``Maximum Grade``, ...,
  ``Last modified (grade)``, ``Feedback comments``. Put the worksheet (a ``.csv`` file, downloaded
  in English) next to the download to have Moodle's lateness taken; uploading it back
  (``mod/assign/feedback/offline/importgradeslib.php``) needs ``Identifier``, ``Grade`` and
  ``Last modified (grade)``, matched by name; feedback comments go in ``Feedback comments``.
- Feedback files (``mod/assign/feedback/file/importziplib.php``, "Upload multiple feedback files
  in a zip"): each path part is split on ``_`` and needs ``<name>_<participant id>_<plugin
  type>_<plugin>``, so the download's own folder names (or file-name prefixes) are reused.

A Moodle student's nbgrader id is their full name with spaces made ``-`` (the participant id is
per assignment), in one spelling (:func:`autograder.lms.names.id_from_name`: NFC, no invisible
characters, a long name cut and ended with a hash); two participants whose names give one id are
refused, both named (:mod:`autograder.collect.participants`).

Only the download's top level says who handed a file in: the first part of a file's path inside the
zip (its folder, or in a flat download its own name). A student's upload may hold folders of its own
(the file area keeps them), named as anything, even as another participant's folder: those are
the uploader's files, never read as someone else's. A name part that clean_filename left empty
(``_12345_assignsubmission_file/``) is a participant all the same, known by their id.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from autograder.lms.names import NAME_MAX_BYTES, fit_name_part, id_from_name
from autograder.lms.roster import LmsFile
from autograder.lms.spreadsheet import csv_text

NAME = "moodle"
# Moodle makes every "_" of the name a space before adding "_<participant id>", so the name part
# holds none (and may be empty).
PREFIX = re.compile(r"^(?P<name>[^_]*)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)")
IN_FOLDER = re.compile(PREFIX.pattern + r"_?$")
FLAT = re.compile(PREFIX.pattern + r"_(?P<file>.+)$")
WORKSHEET_COLUMNS = ("Identifier", "Full name", "Status", "Grade", "Maximum Grade", "Grade can be changed",
                     "Last modified (grade)", "Feedback comments")
PARTICIPANT = re.compile(r"(\d+)\s*$")
_UNITS = {"day": 86400, "hour": 3600, "min": 60, "sec": 1}
_DURATION = re.compile(r"(\d+)\s*(day|hour|min|sec)", re.IGNORECASE)


def student_id_for(name: str, participant: str) -> str:
    """The nbgrader id of a Moodle student: the full name, spaces made '-', safe characters only."""
    slug = id_from_name(name)
    return slug if slug and slug.lower() != "participant" else f"participant-{participant}"


def read_path(relative: str) -> LmsFile | None:
    """A file of the download by its path inside the download (the zip), as Moodle wrote it: the
    participant is read from the first part alone (None: not a file submission there)."""
    parts = PurePosixPath(relative.replace("\\", "/")).parts
    if len(parts) > 1:
        match = IN_FOLDER.match(parts[0])
        if match and match.group("plugin") == "file":
            return _entry(match, parts[-1], parts[0], folders=True)
        return None
    match = FLAT.match(parts[0]) if parts else None
    if match and match.group("plugin") == "file":
        return _entry(match, match.group("file"), parts[0][: match.start("file")].rstrip("_"), folders=False)
    return None


def other_submission_type(relative: str) -> bool:
    """Whether the file is the download's copy of another submission type (online text...)."""
    parts = PurePosixPath(relative.replace("\\", "/")).parts
    if not parts:
        return False
    match = IN_FOLDER.match(parts[0]) if len(parts) > 1 else FLAT.match(parts[0])
    return bool(match) and match.group("plugin") != "file"


def _entry(match, file_name: str, folder: str, folders: bool) -> LmsFile:
    name, participant = match.group("name"), match.group("participant")
    return LmsFile(student_id=student_id_for(name, participant), file_id=file_name, lms=NAME, name=name,
                   lms_id=participant, folder=folder, folders=folders)


def seconds_late(status: str) -> float | None:
    """How late a worksheet's Status says (``... - 2 hours 3 mins late - ...``), or None if not late."""
    for piece in str(status).split(" - "):
        piece = piece.strip()
        if piece.lower().endswith(" late"):
            return float(sum(int(amount) * _UNITS[unit.lower()] for amount, unit in _DURATION.findall(piece)))
    return None


def read_worksheet(text: str) -> dict[str, tuple[str, float | None]]:
    """participant id -> (its Status, seconds late or None), from a grading worksheet's text."""
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not rows.fieldnames or "Identifier" not in rows.fieldnames or "Status" not in rows.fieldnames:
        return {}
    found = {}
    for row in rows:
        match = PARTICIPANT.search(row.get("Identifier") or "")
        if match:
            found[match.group(1)] = (row.get("Status") or "", seconds_late(row.get("Status") or ""))
    return found


def find_worksheets(folders: list[Path]) -> dict[str, tuple[str, float | None]]:
    """What the grading worksheets (``*.csv``) in ``folders`` say, by participant id."""
    found = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*.csv")) if Path(folder).is_dir() else ():
            try:
                found.update(read_worksheet(path.read_text(encoding="utf-8-sig", errors="replace")))
            except OSError:
                continue
    return found


def worksheet_csv(rows: list[tuple[LmsFile, float | None, float, str]], when: datetime | None = None) -> str:
    """The grading worksheet to upload: (student, grade or None, maximum, feedback comment) rows.

    Moodle's import (``mod/assign/feedback/offline/importgradeslib.php``, ``init`` and ``next``)
    reads only ``Identifier`` ("Participant " cut off, the rest the participant id), ``Grade``,
    ``Last modified (grade)`` and the feedback columns; ``Full name`` is for the person reading
    the file, so a name that would start a spreadsheet formula is neutralised there
    (:mod:`autograder.lms.spreadsheet`) without changing what Moodle imports. Grades stay numbers."""
    when = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M:%S")
    body = [[f"Participant {entry.lms_id}", entry.name, "", "" if grade is None else f"{grade:g}",
             f"{maximum:g}", "Yes", when, comment]
            for entry, grade, maximum, comment in sorted(rows, key=lambda row: int(row[0].lms_id or 0))]
    return csv_text([list(WORKSHEET_COLUMNS), *body])


def feedback_member(entry: LmsFile, page_name: str) -> str:
    """Where a feedback page goes in the feedback-files zip: the student's download folder (or
    file-name prefix), so that Moodle finds the participant in it. Moodle's import
    (``importziplib.php``, ``is_valid_filename_for_import``) splits a path part on "_" and knows
    the participant by the number after the first "_" alone, so a name part too long for a file
    name (255 bytes) is cut: the folder still names that one participant."""
    folder = entry.folder
    if entry.folders:
        if len(folder.encode("utf-8")) > NAME_MAX_BYTES:
            folder = fit_name_part(entry.name, folder[len(entry.name):])
        return f"{folder}/{page_name}"
    flat = f"{folder}_{page_name}"
    if len(flat.encode("utf-8")) > NAME_MAX_BYTES:
        flat = fit_name_part(entry.name, flat[len(entry.name):])
    return flat
