"""Which student ids are safe to make folders from, and which notebook names are the expected ones.

A student id becomes a folder name (``submitted/<id>/...``), so ``..``, ``/`` or a leading dot
would write elsewhere in the course: only letters, digits and ``._@+-`` are accepted, starting with
a letter or digit, at most 64 characters and 192 bytes of UTF-8 (a file name takes 255 bytes; see
:mod:`autograder.lms.names`). A notebook handed in as ``Copy of X.ipynb``,
``X (1).ipynb``, ``X-1.ipynb`` (an LMS re-upload) or in other letter case is that notebook;
anything else is not, and is reported as such, never graded as zero in silence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from autograder.lms.names import ID_MAX_BYTES, ID_MAX_CHARS, utf8_length

SAFE_ID = re.compile(rf"[^\W_][\w.@+-]{{0,{ID_MAX_CHARS - 1}}}")
_COPY_OF = re.compile(r"^(copy of |copy_of_)+", re.IGNORECASE)
_NUMBERED = re.compile(r"(\s*\(\d+\)|[-_ ]\d+)$")


def safe_student_id(student_id: str) -> bool:
    return bool(SAFE_ID.fullmatch(student_id)) and ".." not in student_id and utf8_length(student_id) <= ID_MAX_BYTES


def expected_notebook(name: str, expected: Iterable[str]) -> str | None:
    """The expected notebook file ``name`` stands for (``name`` itself if it is one), else None."""
    expected = list(expected)
    if name in expected:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() != "ipynb":
        return None
    by_stem = {}
    for candidate in expected:
        by_stem.setdefault(candidate.rpartition(".")[0].lower(), []).append(candidate)
    stem = _COPY_OF.sub("", stem.strip())
    while True:  # "X (1)", then "X-1", ...: the first shape that names one expected notebook
        matches = by_stem.get(stem.lower(), [])
        if len(matches) == 1:
            return matches[0]
        shorter = _NUMBERED.sub("", stem)
        if shorter == stem:
            return None
        stem = shorter
