"""Re-export for notebooks released before ``autograder.notebook``: the lab's numpy reference."""

from autograder.exercises.lab_reference import *  # noqa: F401,F403
from autograder.exercises.lab_reference import STEP_IMAGE_SEED, lecture_step_image  # noqa: F401
