"""The nbgrader preprocessors of this course, by the names ``nbgrader_config.py`` uses.

Each is one grading step in a file of its own: ``AlignWithRelease``, ``CheckCellMetadataAlone``,
``SandboxedExecute`` and ``FinishGrading`` in ``autograder.grading``, ``ExerciseOverview`` and
``InertPage`` in ``autograder.feedback``. A course's configuration
names them here (``"autograder.preprocessors.SandboxedExecute"``), so they may move inside the
package without touching any course's ``nbgrader_config.py``.
"""

from autograder.feedback.inert_page import InertPage
from autograder.feedback.overview import ExerciseOverview
from autograder.record.finish_grading import FinishGrading
from autograder.sanitize.release_cells import AlignWithRelease, CheckCellMetadataAlone
from autograder.grading.sandboxed_execute import SandboxedExecute

__all__ = ["AlignWithRelease", "CheckCellMetadataAlone", "ExerciseOverview", "FinishGrading", "InertPage",
           "SandboxedExecute"]
