"""Grading refused before any student: no safe sandbox here, or the wrong course package."""


class GradingRefused(RuntimeError):
    """Nothing can be graded safely as things are; the message says what to change."""
