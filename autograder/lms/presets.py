"""The LMS a course uses (``c.Lms.preset``): how its download is read and what goes back to it.

``generic``
    The course's own naming, read with ``c.FileNameCollectorPlugin.named_regexp`` (the sample
    class's ``<student>__<UTC time>__<notebook>``); lateness from that time against nbgrader's due
    date. Out: nbgrader's grades CSV and ``<student>/<notebook>.html`` pages.
``canvas``
    Canvas's "Download Submissions" zip (:mod:`autograder.lms.canvas`); lateness is Canvas's
    ``LATE`` mark. Out: Canvas's gradebook import CSV (``exports/canvas-grades.csv``) and the pages
    in a folder per student (``<name>_<Canvas id>/``).
``moodle``
    Moodle's "Download all submissions" zip, in folders or not (:mod:`autograder.lms.moodle`);
    lateness from the grading worksheet put next to it. Out: the grading worksheet to upload
    (``exports/<assignment>-moodle-grading-worksheet.csv``) and the feedback-files zip
    (``exports/<assignment>-moodle-feedback.zip``).

Every preset also writes nbgrader's own grades CSV (``exports/grades.csv``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from traitlets import Dict, Enum
from traitlets.config import Configurable

from autograder.lms import canvas, moodle
from autograder.lms.roster import LmsFile, load_roster

PRESETS = ("generic", "canvas", "moodle")


class Lms(Configurable):
    """The LMS that submissions come from and results go back to."""

    preset = Enum(PRESETS, default_value="generic",
                  help="How LMS downloads are read and what is exported back: 'generic' (the file names of "
                       "c.FileNameCollectorPlugin.named_regexp), 'canvas' or 'moodle'.").tag(config=True)
    assignment_titles = Dict(help="nbgrader assignment -> its title in the LMS (default: the same name).").tag(config=True)
    assignment_ids = Dict(help="nbgrader assignment -> the LMS's id for it (Canvas: the number in the "
                               "assignment's address), for the grade export's column.").tag(config=True)

    def title(self, assignment: str) -> str:
        return str(self.assignment_titles.get(assignment, assignment))


def read_download_file(preset: str, path: str, relative: str, named_regexp: str) -> LmsFile | None:
    """One unpacked file of a download, read the way ``preset``'s LMS names it (None: not a
    submission file of this LMS's layout). ``relative`` is its path inside the download as the LMS
    wrote it (inside the zip): only its first part can say who handed the file in, since below it
    is a student's own upload. ``path`` is where the generic preset's regular expression looks."""
    if preset == canvas.NAME:
        return canvas.read_file_name(relative) if len(PurePosixPath(relative).parts) == 1 else None
    if preset == moodle.NAME:
        return moodle.read_path(relative)
    try:
        match = re.match(named_regexp, path) if named_regexp else None
    except re.error:
        return None
    if not match or not {"student_id", "file_id"} <= set(match.groupdict()):
        return None
    found = match.groupdict()
    return LmsFile(student_id=found["student_id"], file_id=found["file_id"], lms="generic",
                   timestamp=found.get("timestamp"))


# --- out --------------------------------------------------------------------------------------------

def _scores(course, assignment: str) -> tuple[dict[str, float], float]:
    """student -> points of ``assignment`` in the gradebook, and its points possible."""
    from nbgrader.api import MissingEntry

    with course.gradebook() as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return {}, 0.0
        maximum = float(found.max_score or 0)
        return {submission.student_id: float(submission.score or 0)
                for submission in gradebook.assignment_submissions(assignment)}, maximum


def export_lms_grades(course, lms: Lms) -> list[Path]:
    """The preset's grade files for the LMS (none for ``generic``: nbgrader's CSV is its own)."""
    roster = load_roster(course.root)
    written = []
    if lms.preset == canvas.NAME:
        assignments, students, scores = [], {}, {}
        for assignment in course.assignments:
            entries = {student: entry for student, entry in roster.get(assignment, {}).items() if entry.lms == canvas.NAME}
            if not entries:
                # A column Canvas has no submissions for would, without an id, create a new
                # assignment in its gradebook on import.
                continue
            by_student, maximum = _scores(course, assignment)
            title = lms.title(assignment)
            assignments.append((title, lms.assignment_ids.get(assignment), maximum))
            for student, entry in entries.items():
                students.setdefault(entry.lms_id, entry.name or student)
                if student in by_student:
                    scores[(entry.lms_id, title)] = by_student[student]
        if students:
            target = course.exports_dir / "canvas-grades.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(canvas.grades_csv(assignments, students, scores), encoding="utf-8")
            written.append(target)
    elif lms.preset == moodle.NAME:
        for assignment in course.assignments:
            entries = {student: entry for student, entry in roster.get(assignment, {}).items() if entry.lms == moodle.NAME}
            if not entries:
                continue
            by_student, maximum = _scores(course, assignment)
            rows = [(entry, by_student.get(student), maximum, _comment(by_student.get(student), maximum))
                    for student, entry in entries.items()]
            target = course.exports_dir / f"{assignment}-moodle-grading-worksheet.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(moodle.worksheet_csv(rows), encoding="utf-8")
            written.append(target)
    return written


def _comment(score: float | None, maximum: float) -> str:
    if score is None:
        return "채점되지 않았습니다 (not graded)."
    return f"자동 채점 {score:g}/{maximum:g}점. 자세한 내용은 피드백 파일을 보세요 (see the feedback file)."


def feedback_archive_path(course, lms: Lms, assignment: str) -> Path:
    """Where the feedback pages of an assignment's LMS students are packed."""
    names = {canvas.NAME: f"{assignment}-canvas-feedback.zip", moodle.NAME: f"{assignment}-moodle-feedback.zip"}
    return course.exports_dir / names.get(lms.preset, f"{assignment}-feedback.zip")


def feedback_archive(course, lms: Lms, assignment: str, pages: dict[str, list[Path]]) -> Path:
    """Pack the feedback pages of students who handed in through the LMS, in the preset's layout."""
    roster = load_roster(course.root).get(assignment, {})
    archive = feedback_archive_path(course, lms, assignment)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for student, files in sorted(pages.items()):
            entry = roster.get(student)
            for page in files:
                packed.write(page, feedback_member(lms.preset, entry, student, page.name))
    return archive


def feedback_member(preset: str, entry: LmsFile | None, student: str, page_name: str) -> str:
    if preset == moodle.NAME and entry is not None and entry.lms == moodle.NAME and entry.folder:
        return moodle.feedback_member(entry, page_name)
    if preset == canvas.NAME and entry is not None and entry.lms == canvas.NAME:
        return f"{canvas.feedback_folder(entry, student)}/{page_name}"
    return f"{student}/{page_name}"
