"""The course contract: the names every part of the package agrees on, and no answer.

Which assignments there are, their notebook files, the grade ids of the answer cells and graded
cells, the variables each graded cell reads, its points, whether it gives partial credit, and
its title in both languages. The notebook builders (``authoring``) write the notebooks from it;
the exercises, the feedback page, the class report and the sample class read it. It holds no
solution: the solution-bearing builders import it, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GradedCell:
    """A graded (autograded test) cell: what it reads and what it is worth."""

    grade_id: str
    answer_names: tuple[str, ...]  # the variables the cell's check reads (the first ones it needs)
    points: float
    title_ko: str
    title_en: str
    partial_credit: bool = False  # True: the cell returns a share of its points


@dataclass(frozen=True)
class Assignment:
    name: str
    notebook: str  # file name of its one notebook
    answer_cells: tuple[str, ...]  # grade ids of the cells students write in, in notebook order
    graded_cells: tuple[GradedCell, ...]

    @property
    def notebook_id(self) -> str:
        """The notebook's name as nbgrader's gradebook knows it (without ``.ipynb``)."""
        return self.notebook.removesuffix(".ipynb")

    @property
    def points(self) -> float:
        return sum(cell.points for cell in self.graded_cells)


# The lab's titles carry its section numbers ("## 3. 필터를 직접 정하기..."), so that a student
# can find the exercise in the notebook from the feedback page's overview.
LAB = Assignment(
    "week12-lab", "conv_lab.ipynb",
    ("step_image", "lazy_weights", "set_filters", "stacked_filters", "keeps_edge", "stride_padding",
     "pooling", "parameter_sharing", "basic_unit"),
    (
        GradedCell("test_step_image", ("XXX",), 2, "1. 실험용 이미지 (step image)", "Step image"),
        GradedCell("test_lazy_weights", ("n_weights_before", "n_weights_after", "kernel_shape", "bias_shape", "conv"),
                   2, "2. Conv2D 가중치가 생기는 때", "When Conv2D creates its weights"),
        GradedCell("test_set_filters", ("XXX0", "XXX1", "conv", "XXX"), 3,
                   "3. 평균 필터와 엣지 필터 정하기", "Setting a mean and an edge filter"),
        GradedCell("test_stacked_filters", ("twice", "XXX", "conv"), 2, "4. 필터를 두 번 겹쳐 쓰기", "Applying filters twice"),
        GradedCell("test_keeps_edge", ("keeps_edge",), 1, "4-2. 경계가 남는 조합",
                   "Which combinations keep the edge"),
        GradedCell("test_stride_padding", ("conv_output_size", "shape_stride2", "shape_same"), 2,
                   "5. 스트라이드와 패딩", "Stride and padding"),
        GradedCell("test_pooling", ("max_pool_2x2", "avg_pool_2x2", "pooled_max_keras", "pooled_avg_keras", "XXX"),
                   2, "6. max / average 풀링", "Max and average pooling"),
        GradedCell("test_parameter_sharing", ("n_dense_weights", "n_conv_weights", "n_conv_params_keras"), 2,
                   "7. 매개변수 공유", "Parameter sharing"),
        GradedCell("test_basic_unit", ("unit", "unit_output_shapes"), 2, "8. CNN의 기본 단위", "The basic CNN unit"),
    ),
)

# The homework: one answer cell ``edge_kernel`` that assigns the filter to ``kernel``, scored by
# ``edge_kernel_score`` (instructors' scripts rely on these three names).
HOMEWORK_ANSWER_CELL = "edge_kernel"
HOMEWORK_ANSWER_VARIABLE = "kernel"
HOMEWORK_SCORE_CELL = "edge_kernel_score"
HOMEWORK_TASK = "horizontal_edge"  # the scorer's task: the transposed image's horizontal edge
HOMEWORK = Assignment(
    "week12-homework", "edge_filter.ipynb", (HOMEWORK_ANSWER_CELL,),
    (GradedCell(HOMEWORK_SCORE_CELL, (HOMEWORK_ANSWER_VARIABLE,), 10, "가로 경계를 찾는 2×2 필터",
                "A 2x2 filter for horizontal edges", partial_credit=True),),
)

# The learn-kernel exercise: two answer cells, ``edge_target`` (builds the target edge map) and
# ``learn_kernel`` (trains the Conv2D), each defining the function of its name; one graded cell,
# ``learned_kernel_score``, runs them on hidden images. An assignment of its own, released after
# the homework's deadline: its feedback shows the intended filter, the homework's answer.
LEARN_TARGET_CELL = "edge_target"
LEARN_TRAINING_CELL = "learn_kernel"
LEARN_SCORE_CELL = "learned_kernel_score"
LEARN_KERNEL = Assignment(
    "week12-learn-kernel", "learn_kernel.ipynb", (LEARN_TARGET_CELL, LEARN_TRAINING_CELL),
    (GradedCell(LEARN_SCORE_CELL, ("edge_target", "learn_kernel"), 10, "학습으로 찾는 가로 경계 필터",
                "A horizontal edge filter, learned", partial_credit=True),),
)

ASSIGNMENTS: dict[str, Assignment] = {assignment.name: assignment for assignment in (LAB, HOMEWORK, LEARN_KERNEL)}
GRADED_CELLS: dict[str, GradedCell] = {cell.grade_id: cell for assignment in ASSIGNMENTS.values()
                                       for cell in assignment.graded_cells}
