"""Who is who in the LMS, per assignment: kept when collecting, read by the exports and the summary.

The course's own ``.week12/lms-roster.json``: for each assignment and nbgrader student id, what
the LMS's download said about that student (:class:`LmsFile` minus the file): their name as the
LMS wrote it, the LMS's id for them, whether the LMS marked the work late (and by how much, when
it says), and the per-student folder name of the download (Moodle's feedback upload reuses it).
Collecting an assignment again replaces what it said about that assignment's students.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

ROSTER_PATH = Path(".week12") / "lms-roster.json"


@dataclass(frozen=True)
class LmsFile:
    """One file of an LMS download, as its preset reads the file's name."""

    student_id: str  # the nbgrader student id the preset derives from the LMS's naming
    file_id: str  # the file's name as handed in (the collector maps it to the expected notebook)
    lms: str = ""  # which LMS's download this is
    name: str = ""  # the student's name as the LMS wrote it
    lms_id: str = ""  # Canvas: the user id; Moodle: the assignment's participant id
    submission_file_id: str = ""  # Canvas: the attachment id of the file handed in
    folder: str = ""  # Moodle: the download's per-student folder (or file-name prefix)
    folders: bool = False  # Moodle: whether the download put each student in a folder
    late: bool | None = None  # what the LMS said; None: it says nothing about lateness
    seconds_late: float | None = None  # how late, when the LMS says
    lateness_source: str = ""  # where the LMS said it (the file name, the grading worksheet)
    timestamp: str | None = None  # the submission time, when the LMS's naming gives one

    def entry(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key not in ("file_id", "timestamp")}


def roster_path(course_root: Path) -> Path:
    return Path(course_root) / ROSTER_PATH


def load_roster(course_root: Path) -> dict[str, dict[str, LmsFile]]:
    """assignment -> student id -> what the LMS said (nothing when no LMS download was collected)."""
    try:
        data = json.loads(roster_path(course_root).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    known = {field.name for field in fields(LmsFile)}
    roster = {}
    for assignment, students in data.items() if isinstance(data, dict) else ():
        roster[assignment] = {student: LmsFile(file_id="", **{k: v for k, v in entry.items() if k in known})
                              for student, entry in students.items() if isinstance(entry, dict)}
    return roster


def save_assignment(course_root: Path, assignment: str, students: dict[str, LmsFile]) -> None:
    """Replace what the roster says about ``assignment`` (written atomically)."""
    path = roster_path(course_root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data = data if isinstance(data, dict) else {}
    except (FileNotFoundError, ValueError):
        data = {}
    data[assignment] = {student: entry.entry() for student, entry in sorted(students.items())}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lms-roster-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(temporary, path)
