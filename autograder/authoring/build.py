"""Write the source notebooks under ``assignments/`` from their builder modules."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.authoring import week12_homework, week12_lab

ASSIGNMENT_BUILDERS = (week12_lab, week12_homework)


def rendered_notebooks() -> dict[Path, str]:
    """Relative path under the course root -> notebook JSON text."""
    rendered = {}
    for module in ASSIGNMENT_BUILDERS:
        nb = module.build()
        nbformat.validate(nb)
        path = Path("assignments") / module.ASSIGNMENT / module.NOTEBOOK
        rendered[path] = nbformat.writes(nb) + "\n"
    return rendered


def build_notebooks(course_root: Path) -> list[Path]:
    written = []
    for relative, text in rendered_notebooks().items():
        target = course_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written
