"""nbgrader preprocessors of this course, one grading step per file (configured in nbgrader_config.py)."""

from autograder.preprocessors.exercise_overview import ExerciseOverview
from autograder.preprocessors.finish_grading import FinishGrading
from autograder.preprocessors.sandboxed_execute import SandboxedExecute

__all__ = ["ExerciseOverview", "FinishGrading", "SandboxedExecute"]
