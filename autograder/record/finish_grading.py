"""The last autograde step: the notebook's grades are saved, so its grading is finished.

Pairs with the marker that ``SandboxedExecute`` leaves while a notebook is graded (see
``recovery``), and records the ``graded`` event of the progress record (``progress``).
"""

from __future__ import annotations

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.record.progress import GradingProgress
from autograder.record.recovery import mark_finished


class FinishGrading(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        if "student" in info and "assignment" in info:
            mark_finished(CourseDirectory(config=self.config).root, info["student"], info["assignment"])
        GradingProgress(config=self.config).record("graded", resources)
        return nb, resources
