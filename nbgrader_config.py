"""nbgrader configuration for the week-12 convolution course.

The repository root is the course root: run every nbgrader command from here.
"""

import os

from autograder.trusted.recovery import discard_unfinished_grading

c = get_config()  # noqa: F821 -- injected by traitlets when nbgrader loads this file

# A grading run that was killed part-way left half-written autograded/ folders that nbgrader would
# skip: discard them so that those students are graded again (grades are updated, never doubled).
discard_unfinished_grading(os.path.dirname(os.path.abspath(__file__)))

c.CourseDirectory.course_id = "dl-week12-conv"
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.solution_directory = "solutions"
# release/, submitted/, autograded/, feedback/ and gradebook.db are nbgrader's defaults and are
# generated (and git-ignored).

# Importing TensorFlow and building Keras layers takes longer than nbgrader's default 30 s per
# cell on a loaded 2-core machine.
c.Execute.timeout = 120

# nbgrader zeroes a test cell that wrote anything to stderr. TensorFlow, absl and Python warnings
# write there on their own, so a correct answer could lose its points to a log line. Grades are
# decided by errors (failed assertions) and by the partial-credit value a cell returns, never by
# stderr: nbgrader's own IgnorePattern drops every stderr stream before grades are saved.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# Trusted grading: student code runs in a bubblewrap sandbox (no network, no course files, a
# non-root user, memory/CPU/time/process/file-size limits); only plain-data answers come out, and
# every grade is computed from them in a fresh process outside the sandbox. SandboxedExecute takes
# the place of nbgrader's Execute; the other steps are nbgrader's own defaults. If no sandbox can
# be made, grading stops with an explanation unless allow_unsandboxed is set to True.
c.Autograde.autograde_preprocessors = [
    "autograder.preprocessors.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "autograder.preprocessors.FinishGrading",
]
c.SandboxedExecute.cell_timeout = 120
c.SandboxedExecute.allow_unsandboxed = False

# Language of the kernel autograder's feedback: "ko" (Korean, this course's default) or "en".
c.KernelFeedback.language = "ko"

# Worked solutions (nbgrader's solution step, written to solutions/): the answers stay in, hidden
# tests are stripped, and the notebooks are not executed so that the files are reproducible and a
# test can tell when they are out of date.
c.GenerateSolution.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ClearHiddenTests",
]
