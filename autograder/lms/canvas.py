"""Canvas: its "Download Submissions" zip in, its gradebook import CSV out.

Sources (Canvas's own code, instructure/canvas-lms):

- The download (``lib/content_zipper.rb``, ``get_filename``): each file is
  ``<name>[_LATE]_<user id>_<attachment id>_<file name>`` where ``<name>`` is the student's sortable
  name lower-cased with everything but letters, digits and ``_`` removed (Hangul is kept, the comma
  and spaces go), ``LATE`` is there when Canvas counts the submission late (older versions wrote
  ``late``), and with anonymous grading the name is left out and the id is ``anon_<anonymous id>``.
  Two files of one name in one submission become ``x.ipynb`` and ``x-1.ipynb``
  (``Attachment.make_unique_filename``); a re-upload keeps the student's own file name.
- The gradebook import (``app/models/gradebook_importer.rb``): a header row starting
  ``Student, ID`` whose student columns end with ``Section`` (``SIS User ID`` and ``SIS Login ID``
  between them); one column per assignment, ``<title> (<assignment id>)`` (matched by id, else by
  exact title; an unknown title creates a new assignment); an optional ``Points Possible`` row
  (``check_for_non_student_row``: the first cell *includes* "Points Possible"); students matched
  by the Canvas user id in ``ID`` (``process_student``: ``row[1].to_i``), by name only when no id
  or SIS id matches; a grade cell is stripped and read as a number.
- Feedback: Canvas's bulk "Re-Upload Submissions" only takes annotated copies of the student's own
  file (``Assignment#generate_comments_from_files`` keeps the original's name and type), not a
  separate feedback page, so the feedback pages go out as a plain folder per student.

Canvas applies its own late policy to imported grades, so lateness is reported, not deducted here.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from autograder.lms.names import fit_name_part
from autograder.lms.roster import LmsFile
from autograder.lms.spreadsheet import csv_text

NAME = "canvas"
# <name>_[LATE_]<user id>_<attachment id>_<file>; no name and anon_<id> under anonymous grading.
FILE_NAME = re.compile(r"^(?:(?P<name>.*?)_)??(?:(?P<late>LATE|late)_)?(?P<user>anon_[0-9A-Za-z]+|\d+)"
                       r"_(?P<attachment>\d+)_(?P<file>.+)$")
STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def read_file_name(path: str) -> LmsFile | None:
    """A file of the download by its own name (Canvas writes every file at the download's top:
    :func:`autograder.lms.presets.read_download_file` reads no file inside a folder as Canvas's)."""
    match = FILE_NAME.match(PurePosixPath(path.replace("\\", "/")).name)
    if match is None:
        return None
    late = match.group("late") is not None
    return LmsFile(student_id=match.group("user"), file_id=match.group("file"), lms=NAME,
                   name=match.group("name") or "", lms_id=match.group("user"),
                   submission_file_id=match.group("attachment"), late=late,
                   lateness_source="Canvas (LATE in the download's file name)")


def assignment_column(title: str, lms_id: str | None) -> str:
    return f"{title} ({lms_id})" if lms_id else title


def grades_csv(assignments: list[tuple[str, str | None, float]], students: dict[str, str],
               scores: dict[tuple[str, str], float]) -> str:
    """The gradebook import file: ``assignments`` as (title, Canvas id, points possible),
    ``students`` Canvas user id -> name, ``scores`` (user id, title) -> points (absent: blank).

    Canvas finds each student by the user id in ``ID`` (digits, or ``anon_...``: never the start of
    a formula), so a name neutralised for the spreadsheet (:mod:`autograder.lms.spreadsheet`)
    changes no match; ``Points Possible`` is still in the first cell, and scores stay numbers."""
    rows = [[*STUDENT_COLUMNS, *(assignment_column(title, lms_id) for title, lms_id, _ in assignments)],
            ["    Points Possible", "", "", "", "", *(f"{points:g}" for _, _, points in assignments)]]
    for user_id, name in sorted(students.items(), key=lambda item: (item[1], item[0])):
        cells = [scores.get((user_id, title)) for title, _, _ in assignments]
        rows.append([name, user_id, "", "", "", *("" if value is None else f"{value:g}" for value in cells)])
    return csv_text(rows)


def feedback_folder(entry: LmsFile | None, student: str) -> str:
    """A student's folder in the feedback archive: the name and the Canvas id, as in the download
    (a name too long for a folder name is cut: the id keeps the folder that student's)."""
    if entry is None or not entry.lms_id:
        return student
    return fit_name_part(entry.name, f"_{entry.lms_id}") if entry.name else entry.lms_id
