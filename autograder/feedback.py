"""The students' feedback page: our nbconvert template over nbgrader's, and each exercise's title.

``nbgrader generate_feedback`` renders every autograded notebook with nbconvert's HTMLExporter.
``nbgrader_config.py`` points that exporter at ``feedback_templates/week12_feedback``, which extends
nbgrader's own ``feedback`` template and adds an overview of the graded exercises at the top
(collected by ``autograder.preprocessors.ExerciseOverview``).

This module is imported by ``nbgrader_config.py``, which every grading process reads: it must stay
cheap to import (no nbgrader, no TensorFlow).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_NAME = "week12_feedback"
TEMPLATES_DIR = Path(__file__).resolve().parent / "feedback_templates"


@dataclass(frozen=True)
class ExerciseTitle:
    ko: str
    en: str


# The lab's numbers are its section numbers ("## 3. 필터를 직접 정하기..."), so a student can find
# the exercise in the notebook from the overview.
EXERCISE_TITLES: dict[str, ExerciseTitle] = {
    "test_step_image": ExerciseTitle("1. 실험용 이미지 (step image)", "Step image"),
    "test_lazy_weights": ExerciseTitle("2. Conv2D 가중치가 생기는 때", "When Conv2D creates its weights"),
    "test_set_filters": ExerciseTitle("3. 평균 필터와 엣지 필터 정하기", "Setting a mean and an edge filter"),
    "test_stacked_filters": ExerciseTitle("4. 필터를 두 번 겹쳐 쓰기", "Applying filters twice"),
    "test_keeps_edge": ExerciseTitle("4-2. 경계가 남는 조합", "Which combinations keep the edge"),
    "test_stride_padding": ExerciseTitle("5. 스트라이드와 패딩", "Stride and padding"),
    "test_pooling": ExerciseTitle("6. max / average 풀링", "Max and average pooling"),
    "test_parameter_sharing": ExerciseTitle("7. 매개변수 공유", "Parameter sharing"),
    "test_basic_unit": ExerciseTitle("8. CNN의 기본 단위", "The basic CNN unit"),
    "edge_kernel_score": ExerciseTitle("가로 경계를 찾는 2×2 필터", "A 2x2 filter for horizontal edges"),
}


def exercise_title(grade_id: str, source: str = "") -> ExerciseTitle:
    """The title of graded cell ``grade_id``: from ``EXERCISE_TITLES``, else the cell's first
    comment line (a course may add an exercise before adding its title), else the grade id."""
    if grade_id in EXERCISE_TITLES:
        return EXERCISE_TITLES[grade_id]
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and stripped.lstrip("#").strip():
            comment = stripped.lstrip("#").strip()
            return ExerciseTitle(comment, comment)
    return ExerciseTitle(grade_id, grade_id)


def nbgrader_templates_dir() -> Path:
    """nbgrader's formgrader templates (where its ``feedback`` template lives), found without
    importing nbgrader."""
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("nbgrader is not installed: the feedback template extends nbgrader's")
    return Path(list(spec.submodule_search_locations)[0]) / "server_extensions" / "formgrader" / "templates"


def template_dirs() -> list[str]:
    """``HTMLExporter.extra_template_basedirs``: ours first, then nbgrader's, where the
    ``feedback`` template named by our ``conf.json`` is found."""
    return [str(TEMPLATES_DIR), str(nbgrader_templates_dir())]


def template_search_paths() -> list[str]:
    """``HTMLExporter.extra_template_paths``: where Jinja looks up names our template uses.

    Our ``index.html.j2`` hides nbgrader's file of the same name, so it extends it by the path
    ``feedback/index.html.j2``, which needs nbgrader's templates folder on the search path. nbgrader
    itself puts Bootstrap's CSS folder here (``bootstrap.min.css`` is inlined into the page); setting
    this list replaces nbgrader's, so that folder is kept.
    """
    templates = nbgrader_templates_dir()
    bootstrap_css = templates.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    return [str(templates), str(bootstrap_css)]
