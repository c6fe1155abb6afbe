"""Re-export for notebooks released before ``autograder.notebook``: the lab's value checks."""

from autograder.exercises.lab_checks import *  # noqa: F401,F403
from autograder.exercises.lab_checks import (COMPOSITIONS, EDGE_COLUMNS_AFTER_TWO_FILTERS,  # noqa: F401
                                             EDGE_KEPT_THRESHOLD, FLOAT32_ATOL)
