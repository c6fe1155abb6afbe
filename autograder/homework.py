"""Re-export for notebooks released before ``autograder.notebook``: the homework's filter cells."""

from autograder.notebook.filter_check import VisibleCheck, grade_edge_kernel, visible_check  # noqa: F401
