"""``week12 report``: one self-contained HTML page on how the class did, for the instructor.

The page shows, from what grading left behind (``report_data``, read-only): the course, when the
page was made and how many students there are; the distribution of total scores per assignment;
the pass rate of every graded cell (``c.ClassReport.pass_fraction`` for partial-credit cells);
the homework filters grouped by what they do, with an example filter and its response to a hidden
test image per group; the filters the students' trainings learned, grouped the same way
(``report.learned``); identical unusual filters, worth a look (``report.analysis``); per
assignment, students whose own code is alike, with the evidence side by side
(``report.similarity``: a pointer for a person, no grade changes); and late submissions,
students without a grade and notebooks that failed to grade (``report.page``).
"""

from __future__ import annotations

from pathlib import Path

from autograder.course import Course
from autograder.settings import KernelFeedback
from autograder.report.data import load_class_data
from autograder.report.learned import learned_answers
from autograder.report.page import render_class_report

REPORT_NAME = "class-report.html"


def write_class_report(course_root: Path, out_path: Path | None = None) -> Path:
    """Write the report of the course at ``course_root`` (default ``reports/class-report.html``
    there), in the course's feedback language; returns the file written."""
    course = Course(Path(course_root))
    out_path = Path(out_path) if out_path is not None else course.reports_dir / REPORT_NAME
    data = load_class_data(course.root)
    data.learned = learned_answers(course.root, data.submissions)
    html = render_class_report(data, KernelFeedback(config=course.config).language)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    return out_path
