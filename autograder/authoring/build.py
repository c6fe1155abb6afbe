"""Write the source notebooks (nbgrader's source directory, ``assignments/``) from their builders."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.authoring import week12_homework, week12_lab, week12_learn_kernel

ASSIGNMENT_BUILDERS = (week12_lab, week12_homework, week12_learn_kernel)


def rendered_notebooks() -> dict[tuple[str, str], str]:
    """(assignment, notebook file name) -> notebook JSON text."""
    rendered = {}
    for module in ASSIGNMENT_BUILDERS:
        nb = module.build()
        nbformat.validate(nb)
        rendered[(module.ASSIGNMENT, module.NOTEBOOK)] = nbformat.writes(nb) + "\n"
    return rendered


def build_notebooks(course) -> list[Path]:
    """Rewrite the course's source notebooks that differ from their builders; returns them."""
    written = []
    for (assignment, notebook), text in rendered_notebooks().items():
        target = course.folder("source", assignment=assignment) / notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written
