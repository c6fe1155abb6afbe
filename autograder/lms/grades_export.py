"""``nbgrader export``'s CSV, safe to open in a spreadsheet (``c.ExportApp.plugin_class``).

nbgrader's own ``CsvExportPlugin`` joins the values with commas as they are: a name with a comma
shifts the columns, and one starting with ``=`` is a formula when the file is opened. This is the
same file (the same columns, rows and values, the same order) written through the course's one
CSV writer (:mod:`autograder.lms.spreadsheet`): quoted where needed, text that could start a
formula neutralised, numbers left numbers.
"""

from __future__ import annotations

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import CsvExportPlugin

from autograder.lms.spreadsheet import csv_text

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score")


class SpreadsheetSafeCsvExport(CsvExportPlugin):
    """nbgrader's CSV export, every cell through :func:`autograder.lms.spreadsheet.safe_cell`."""

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or "grades.csv"
        students = {str(item) for item in self.student}
        assignments = {str(item) for item in self.assignment}
        self.log.info("Exporting grades to %s", destination)
        rows = [list(COLUMNS)]
        for assignment in gradebook.assignments:
            if assignments and assignment.name not in assignments:
                continue
            for student in gradebook.students:
                if students and student.id not in students:
                    continue
                rows.append(_row(gradebook, assignment, student))
        with open(destination, "w", encoding="utf-8", newline="") as out:
            out.write(csv_text(rows))


def _row(gradebook: Gradebook, assignment, student) -> list:
    """One row as nbgrader's exporter fills it (no submission: a score of 0 and no time)."""
    try:
        submission = gradebook.find_submission(assignment.name, student.id)
    except MissingEntry:
        timestamp, raw, penalty, score = "", 0.0, 0.0, 0.0
    else:
        timestamp, raw, penalty = submission.timestamp, submission.score, submission.late_submission_penalty
        score = max(0.0, submission.score - penalty)
    values = [assignment.name, assignment.duedate, timestamp, student.id, student.last_name, student.first_name,
              student.email, raw, penalty, score, assignment.max_score]
    # nbgrader writes str() of each value (a datetime as "2026-05-25 14:59:00"); numbers stay numbers.
    return ["" if value is None else value if isinstance(value, (int, float)) else str(value) for value in values]
