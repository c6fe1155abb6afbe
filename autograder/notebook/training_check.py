"""The learn-kernel notebook's cells: a check of the training before submission, and the score.

``check_training`` runs the student's ``edge_target`` and ``learn_kernel`` on the image they can
see, the way grading runs them on the hidden ones (``exercises.learned_kernel.run_training``: the
same seeding, determinism and time limit), and says what came back: the target's line, the
learned filter, where it responds, how far the loss got and how long it took. ``grade_learned_kernel`` is the graded cell: the same extraction and judgement as trusted
grading, in the student's kernel.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from autograder.contract import LEARN_SCORE_CELL
from autograder.exercises.learned_kernel import run_training
from autograder.exercises.messages import explain_error
from autograder.i18n import DEFAULT_LANGUAGE, Catalogue, resolve_language
from autograder.scoring.correlate import cross_correlate_valid
from autograder.scoring.figure import png_data_uri
from autograder.scoring.images import true_edge_mask
from autograder.scoring.training_messages import training_message
from autograder.scoring.training_metrics import convergence_factor, target_line
from autograder.scoring.training_rubric import CONVERGENCE_FULL, DIVERGENCE_GROWTH, TIME_LIMIT_SECONDS
from autograder.scoring.verdict import format_kernel

VISIBLE_SEED = 0  # the training seed of the check on the visible image
SLOW_SHARE = 1 / 3  # of the time limit: past it, the check warns that grading may cut the training

CHECK_MESSAGES = Catalogue({
    "target_ok": {"ko": "목표 맵: {shape} 모양, 가장 강한 줄은 {line_ko} {index} (이 이미지의 경계는 행 {edge_row}).",
                  "en": "Target: shape {shape}, strongest line {line_en} {index} (this image's edge is row {edge_row})."},
    "target_problem": {"ko": "목표 맵 문제: {detail}. edge_target은 (49, 49) 맵을 돌려주어야 합니다.",
                       "en": "Target problem: {detail}. edge_target must return a (49, 49) map."},
    "result": {"ko": "학습한 필터: {kernel}; 손실 기록 {steps}개: {first:.3g} → {last:.3g}.",
               "en": "Learned filter: {kernel}; {steps} losses: {first:.3g} → {last:.3g}."},
    "result_problem": {"ko": "learn_kernel의 결과를 읽을 수 없습니다: {detail}.",
                       "en": "learn_kernel's result cannot be read: {detail}."},
    "localisation": {"ko": "이 이미지에서 {found}/{total}개 열의 가장 강한 반응이 실제 경계 행에 있습니다.",
                     "en": "On this image, {found} of {total} columns have their strongest response on the edge row."},
    "convergence": {"ko": "수렴: 최저 손실까지의 차이가 ×{factor} 줄었습니다 (채점에서는 ×{full:g} 이상이면 만점).",
                    "en": "Convergence: the gap to the lowest loss shrank ×{factor} (grading gives full marks from "
                          "×{full:g})."},
    "seconds": {"ko": "학습 시간: {seconds:.1f}초 (채점은 학습마다 {limit:g}초까지 기다립니다).",
                "en": "Training time: {seconds:.1f} s (grading waits {limit:g} s per training)."},
    "slow": {"ko": "⚠ 학습이 느립니다: 채점하는 컴퓨터에서는 {limit:g}초를 넘겨 중단될 수 있습니다. step이나 epoch를 "
                   "줄이세요.",
             "en": "⚠ The training is slow: on the grading machine it may pass {limit:g} s and be stopped. Use "
                   "fewer steps or epochs."},
    "visible_case": {"ko": "보이는 이미지", "en": "the visible image"},
    "figure_alt": {"ko": "왼쪽: 손실의 변화. 가운데: 학습한 필터와 보이는 이미지. 오른쪽: 그 이미지에 대한 필터의 반응 "
                         "(점: 열마다 가장 강한 반응, 선: 실제 경계).",
                   "en": "Left: the loss. Middle: the learned filter and the visible image. Right: the filter's "
                         "response to that image (dots: each column's strongest response; line: the true edge)."},
    "score_later": {"ko": "점수는 아래 채점 셀이 숨은 이미지로 계산합니다.",
                    "en": "The score is computed by the graded cell below, on hidden images."},
}, words={"line": {"horizontal": {"ko": "행", "en": "row"}, "vertical": {"ko": "열", "en": "column"},
                   "none": {"ko": "없음", "en": "none"}}})


def grade_learned_kernel(edge_target, learn_kernel, out_of: float = 10) -> float:
    """The graded cell: run the hidden trainings, show the verdict, return the points for nbgrader."""
    from autograder.exercises import run_hidden_check

    judgement = run_hidden_check(LEARN_SCORE_CELL, {"edge_target": edge_target, "learn_kernel": learn_kernel})
    try:
        from IPython.display import HTML, display
    except ImportError:  # outside Jupyter: plain text
        print(judgement.text)
    else:
        display(HTML(judgement.html))
    return judgement.points(out_of)


def columns_on_edge(image: np.ndarray, kernel: np.ndarray, edge_row: int) -> tuple[int, int]:
    """(columns whose strongest ``|response|`` is on output row ``edge_row``, all columns)."""
    response = np.abs(cross_correlate_valid(image, kernel))
    return int((response.argmax(axis=0) == edge_row).sum()), int(response.shape[1])


@dataclass(frozen=True)
class TrainingCheck:
    """What the student's functions did on the visible image (not graded)."""

    lines: tuple[str, ...]
    image: np.ndarray
    edge_row: int
    language: str
    kernel: np.ndarray | None = None
    curves: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return "\n".join(self.lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        parts = [f"<p>{html.escape(line)}</p>" for line in self.lines]
        if self.curves or self.kernel is not None:
            from autograder.scoring.training_figure import draw_training_figure

            png = draw_training_figure(self.curves, self.kernel, self.image,
                                       true_edge_mask(self.image.shape[0], self.edge_row + 1, "horizontal"),
                                       self.language)
            alt = html.escape(CHECK_MESSAGES.message("figure_alt", self.language))
            parts.append(f'<img src="{png_data_uri(png)}" alt="{alt}">')
        return "".join(parts)


def _problem(run: dict, case: str, language: str) -> str | None:
    """The line that says why a training gave nothing to look at, or None."""
    status = run.get("status")
    function = run.get("function", "learn_kernel")
    if status == "error":
        error = run.get("error", "?")
        return training_message("case_error", language, case=case, function=function, error=error,
                                explanation=explain_error(error, language) or "")
    if status != "ok":
        return training_message(f"case_{status}", language, case=case, function=function, limit=TIME_LIMIT_SECONDS)
    first, last = run.get("loss_first"), run.get("loss_last")
    if run.get("losses_finite") is False or run.get("kernel_problem") == "not_finite":
        return training_message("case_diverged", language, case=case, how=training_message("diverged_nan", language))
    if first is not None and last is not None and last > DIVERGENCE_GROWTH * max(first, 1e-300):
        return training_message("case_diverged", language, case=case,
                                how=training_message("diverged_grew", language, first=first, last=last))
    if "kernel" not in run or "loss_first" not in run:
        detail = run.get("result_problem") or run.get("kernel_problem") or run.get("losses_problem") or "?"
        return CHECK_MESSAGES.message("result_problem", language, detail=detail)
    return None


def check_training(edge_target, learn_kernel, image, edge_row: int, language: str = DEFAULT_LANGUAGE) -> TrainingCheck:
    """Train once on ``image`` (the transposed lecture image) with the student's target; say what
    came back. Never raises."""
    language = resolve_language(language)
    image = np.asarray(image, dtype=np.float64).reshape(50, 50)
    say = CHECK_MESSAGES.message
    lines, curves = [], {}
    run = run_training(image, edge_row, VISIBLE_SEED, edge_target, learn_kernel)
    if "target" in run:
        orientation, index, _ = target_line(run["target"])
        lines.append(say("target_ok", language, shape="(49, 49)", line=orientation, index=index, edge_row=edge_row))
    elif "target_problem" in run:
        lines.append(say("target_problem", language, detail=run["target_problem"]))
    kernel = None
    problem = _problem(run, say("visible_case", language), language)
    if problem is not None:
        lines.append(problem)
    else:
        kernel = run["kernel"]
        curves["1"] = (run["steps"], run["losses"])
        lines.append(say("result", language, kernel=format_kernel(np.round(kernel, 4)), steps=run["steps"],
                         first=run["loss_first"], last=run["loss_last"]))
        found, total = columns_on_edge(image, kernel, edge_row)
        lines.append(say("localisation", language, found=found, total=total))
        if "target" in run:
            factor = convergence_factor(image, run["target"], kernel)
            lines.append(say("convergence", language, factor=f"{factor:.3g}", full=CONVERGENCE_FULL))
    seconds = run["seconds"]
    lines.append(say("seconds", language, seconds=seconds, limit=TIME_LIMIT_SECONDS))
    if seconds > SLOW_SHARE * TIME_LIMIT_SECONDS:
        lines.append(say("slow", language, limit=TIME_LIMIT_SECONDS))
    lines.append(say("score_later", language))
    return TrainingCheck(tuple(lines), image, edge_row, language, kernel, curves)
