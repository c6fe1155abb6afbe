"""What the course's notebooks import, and nothing else: keep these names stable.

Released notebooks are in students' hands for weeks, so every name here stays importable as it
is; the rest of the package may move. A notebook's set-up cell takes::

    STEP_IMAGE_SEED, lecture_step_image, use_korean_font, visible, startup_chatter_hidden

from here (through ``_week12_tools``, which falls back to the copies the notebook carries when the
course package is not installed, see :mod:`autograder.notebook.offline`). The lab's graded cells
call the visible tests (``visible.step_image(XXX)``, ...), the homework's cells ``visible_check``
and ``grade_edge_kernel``, the learn-kernel notebook's ``check_training`` and
``grade_learned_kernel``, and the source notebooks' hidden tests ``run_hidden_check``. Notebooks
released before this module existed import the same functions from ``autograder.lab.checks``,
``autograder.lab.reference``, ``autograder.plotting`` and ``autograder.homework``, which stay as
re-exports of these; notebooks released before the visible tests moved here import
``check_step_image_shape``.
"""

from autograder.exercises import run_hidden_check
from autograder.exercises.lab_checks import check_step_image_shape
from autograder.exercises.lab_reference import STEP_IMAGE_SEED, lecture_step_image
from autograder.exercises.lab_visible import IN_NOTEBOOK as visible
from autograder.notebook.filter_check import grade_edge_kernel, visible_check
from autograder.notebook.plotting import use_korean_font
from autograder.notebook.training_check import check_training, grade_learned_kernel
from autograder.startup_chatter import startup_chatter_hidden

__all__ = ["STEP_IMAGE_SEED", "lecture_step_image", "use_korean_font", "visible", "startup_chatter_hidden",
           "check_step_image_shape", "visible_check", "grade_edge_kernel", "check_training", "grade_learned_kernel",
           "run_hidden_check"]
