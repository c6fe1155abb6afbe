"""Runs in the student's kernel, in the sandbox: hand a graded cell's answer back as plain data.

A graded cell becomes a call to :func:`save`, which extracts the answers the cell needs
(``autograder.exercises``) and displays them as the cell's output, in a media type of our own
(:data:`ANSWER_MEDIA_TYPE`) that the runner takes out of the output stream. Nothing goes through
the file system, so a submission that fills its own job folder still has its answers read.
Whatever student code does to this module or to the display only changes the answers it hands
in; nothing here decides a grade.
"""

from __future__ import annotations

from autograder.answers.protocol import ANSWER_MEDIA_TYPE, capture_source

__all__ = ["ANSWER_MEDIA_TYPE", "capture_source", "save"]


def save(grade_id: str, namespace) -> None:
    from IPython.display import display

    from autograder.exercises import extract_answer

    display({ANSWER_MEDIA_TYPE: extract_answer(grade_id, namespace)}, raw=True)

