"""The last autograde step: the notebook's grades are saved, so its grading is finished.

Pairs with the marker that ``SandboxedExecute`` leaves while a notebook is graded (see
``autograder.trusted.recovery``). When the class-grading command runs nbgrader, it also names a
progress file (``PROGRESS_FILE_ENV``): one line per notebook whose grades are saved, which is
what its progress bar counts.
"""

from __future__ import annotations

import json
import os

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.trusted.recovery import mark_finished

PROGRESS_FILE_ENV = "WEEK12_PROGRESS_FILE"


class FinishGrading(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        if "student" in info and "assignment" in info:
            mark_finished(CourseDirectory(config=self.config).root, info["student"], info["assignment"])
        progress_file = os.environ.get(PROGRESS_FILE_ENV)
        if progress_file:
            with open(progress_file, "a", encoding="utf-8") as progress:
                progress.write(json.dumps({key: info.get(key) for key in ("student", "assignment", "notebook")}) + "\n")
        return nb, resources
