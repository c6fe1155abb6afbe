"""The course's working folders, made safe by the course's start-up step (``autograder.start_up``).

Whatever wrote into ``submitted/`` (an LMS download unpacked by hand, a copy from elsewhere), the
next command that collects or grades first:

- drops every entry of ``submitted/``, ``autograded/`` and ``feedback/`` that is not a regular
  file or a folder (checked with ``lstat``), before nbgrader's copies could follow it;
- renames a notebook handed in under a common variant of its name (``Copy of X``, ``X (1)``...)
  to the expected name, when that is not there already;
- drops feedback pages that are not a released notebook's, so that what is released is exactly
  the pages of the released notebooks.

Each is recorded for its student in the collect report. Nothing here may stop nbgrader.
"""

from __future__ import annotations

import logging
from pathlib import Path

from autograder.collect.exchange import rename_variants
from autograder.collect.regular_files import drop_non_regular
from autograder.collect.report import record_problem, report_path

log = logging.getLogger("autograder.collect")


def released_notebooks(coursedir, assignment: str) -> list[str]:
    for step in (coursedir.release_directory, coursedir.source_directory):
        folder = Path(coursedir.format_path(step, ".", assignment))
        names = sorted(path.name for path in folder.glob("*.ipynb"))
        if names:
            return names
    return []


def _student_folders(coursedir, step: str) -> list[tuple[str, str, Path]]:
    """(student, assignment, folder) of every folder of ``step``, by ``c.CourseDirectory``'s layout."""
    import glob
    import re

    pattern = re.compile(coursedir.format_path(step, "(?P<student_id>[^/]+)", "(?P<assignment_id>[^/]+)",
                                               escape=True) + "$")
    found = []
    for path in sorted(glob.glob(coursedir.format_path(step, "*", "*"))):
        match = pattern.match(path)
        if match and Path(path).is_dir() and not Path(path).is_symlink():
            found.append((match.group("student_id"), match.group("assignment_id"), Path(path)))
    return found


def keep_course_safe(config, root: str | Path, run_id: str = "") -> None:
    from nbgrader.coursedir import CourseDirectory

    try:
        coursedir = CourseDirectory(config=config, root=str(root))
        report = report_path(coursedir.root)
        steps = (coursedir.submitted_directory, coursedir.autograded_directory, coursedir.feedback_directory)
        for step in steps:
            top = Path(coursedir.format_path(step, ".", "."))
            for dropped in drop_non_regular(top):
                parts = dropped.relative_to(top).parts
                record_problem(report, "dropped", parts[0], parts[1] if len(parts) > 2 else "",
                               f"{dropped.relative_to(top)} in {step}/ is not a regular file (a link, a device, "
                               "a FIFO); removed before anything copied it", log, run_id=run_id)
        for student, assignment, folder in _student_folders(coursedir, coursedir.submitted_directory):
            expected = released_notebooks(coursedir, assignment)
            if expected:
                rename_variants(folder, expected, lambda kind, detail, s=student, a=assignment:
                                record_problem(report, kind, s, a, detail, log, run_id=run_id) if kind == "renamed" else None)
        for student, assignment, folder in _student_folders(coursedir, coursedir.feedback_directory):
            stems = {Path(name).stem for name in released_notebooks(coursedir, assignment)}
            for page in folder.glob("*.html"):
                if stems and page.stem not in stems:
                    page.unlink()
                    record_problem(report, "dropped", student, assignment,
                                   f"feedback page {page.name} is not a released notebook's; removed", log, run_id=run_id)
    except Exception:  # noqa: BLE001 - the course's checks must never stop nbgrader itself
        log.exception("checking the course folders failed")
