"""Old import path of the lab's checks (``autograder.lab.checks``, ``autograder.lab.reference``),
kept for notebooks released before ``autograder.notebook``: both re-export what moved to
``autograder.exercises``."""
