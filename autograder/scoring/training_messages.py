"""Every sentence a student reads about their training, in Korean and English.

The learn-kernel exercise's verdict (``training_rubric``) speaks through this catalogue, filled in
by the course's one mechanism (``autograder.i18n.Catalogue``). What the learned filter does is
said by the kernel scorer's own messages (``messages.py``), so a vertical filter is explained in
the same words whether it was designed (the homework) or learned (here).
"""

from __future__ import annotations

from autograder.i18n import Catalogue

# Where each hidden training's image comes from, for the students' eyes.
CASE_WORDS = {
    "hidden_top": {"ko": "숨은 이미지 1 (위가 밝음, 경계 행 {edge_row})",
                   "en": "hidden image 1 (bright top, edge row {edge_row})"},
    "hidden_bottom": {"ko": "숨은 이미지 2 (아래가 밝음, 경계 행 {edge_row})",
                      "en": "hidden image 2 (bright bottom, edge row {edge_row})"},
    "probe_mean": {"ko": "확인용 학습 (강의 방향의 이미지 + 평균 필터의 출력)",
                   "en": "check training (the lecture's orientation + the mean filter's output)"},
}

TRAINING_MESSAGES = Catalogue({
    "title": {"ko": "학습으로 찾은 가로 경계 필터: 채점 결과", "en": "A horizontal edge filter, learned: result"},
    "score_line": {"ko": "점수: {percent}", "en": "Score: {percent}"},
    "learned_kernel_line": {"ko": "숨은 이미지 1에서 학습한 필터: {kernel}",
                            "en": "Filter learned on hidden image 1: {kernel}"},
    "label_learned_edge": {"ko": "학습한 필터가 경계를 찾는가", "en": "The learned filters find the edge"},
    "label_convergence": {"ko": "학습이 끝까지 갔는가 (수렴)", "en": "The trainings converged"},
    "crit_learned_edge": {
        "ko": "숨은 이미지 {n}장에서 학습한 필터의 경계 점수(숙제와 같은 채점기: 위치 찾기, 평평한 곳 무반응, "
              "방향 선택성) 평균.",
        "en": "Mean edge score of the filters learned on {n} hidden images (the homework's scorer: "
              "localisation, flatness, orientation selectivity).",
    },
    "crit_convergence": {
        "ko": "학습마다 최저 손실까지의 차이가 평평한 반응(0 필터)일 때보다 몇 배 줄었는지: ×{full:g} 이상이면 "
              "만점, 그 아래는 로그 비례. 가장 덜 수렴한 학습: ×{factor}.",
        "en": "How many times smaller each training's gap to the lowest loss is than a flat response's "
              "(the zero filter): full marks from ×{full:g}, in proportion on a log scale below. "
              "Least converged training: ×{factor}.",
    },
    # --- why there is no score ---------------------------------------------------------------
    "missing_functions": {
        "ko": "{names}이(가) 정의되어 있지 않습니다. 답 셀을 실행했는지, 함수 이름이 맞는지 확인하세요 (0점).",
        "en": "{names} is not defined: run your answer cells and keep the function names (0 points).",
    },
    "not_learning": {
        "ko": "같은 시작값(seed)에서 서로 다른 이미지와 목표로 두 번 학습시켰는데 똑같은 필터 {kernel}이(가) "
              "나왔습니다. 함수가 받은 데이터에서 배우지 않고 정해진 필터를 돌려주는 것으로 보여 0점입니다. "
              "학습한 필터는 무엇으로 학습했느냐에 따라 달라져야 합니다.",
        "en": "Trained twice from the same start (seed) on different images and targets, your function "
              "returned the same filter {kernel} both times: it does not learn from the data it is given, "
              "so this earns 0 points. A learned filter depends on what it was trained on.",
    },
    "nothing_trained": {
        "ko": "숨은 학습이 하나도 끝나지 않아 점수가 없습니다.",
        "en": "None of the hidden trainings finished, so there is no score.",
    },
    # --- one training that fell short -------------------------------------------------------
    "case_error": {
        "ko": "{case}: {function}이(가) 오류로 멈췄습니다 — {explanation}. 오류 메시지: {error}",
        "en": "{case}: {function} stopped with an error — {explanation}. Error: {error}",
    },
    "case_timeout": {
        "ko": "{case}: {function}이(가) {limit:g}초 안에 끝나지 않아 중단했습니다 (끝나지 않는 반복이거나 step이 "
              "너무 많습니다). 채점은 학습마다 {limit:g}초까지 기다립니다; step이나 epoch 수를 줄이세요.",
        "en": "{case}: {function} did not finish within {limit:g} s and was stopped (an endless loop, or far "
              "too many steps). Grading waits {limit:g} s per training; use fewer steps or epochs.",
    },
    "case_skipped": {
        "ko": "{case}: 앞의 학습이 시간 제한에 걸려 실행하지 않았습니다.",
        "en": "{case}: not run, because an earlier training ran past the time limit.",
    },
    "case_interrupted": {
        "ko": "{case}: 채점 셀의 시간 제한으로 중단되었습니다.",
        "en": "{case}: stopped by the graded cell's time limit.",
    },
    "case_diverged": {
        "ko": "{case}: 학습이 발산했습니다 — {how}. 이 이미지에는 학습률이 너무 큽니다; 더 작은 학습률을 쓰세요.",
        "en": "{case}: the training diverged — {how}. The learning rate is too large for this image; use a "
              "smaller one.",
    },
    "diverged_grew": {"ko": "손실이 {first:.3g}에서 {last:.3g}(으)로 커졌습니다",
                      "en": "the loss grew from {first:.3g} to {last:.3g}"},
    "diverged_nan": {"ko": "손실이나 필터 값이 NaN 또는 무한대가 되었습니다",
                     "en": "the loss or the filter became NaN or infinite"},
    "case_bad_kernel": {
        "ko": "{case}: learn_kernel이 돌려준 필터를 2x2 필터로 읽을 수 없습니다 — {problem}",
        "en": "{case}: the filter learn_kernel returned cannot be read as a 2x2 filter — {problem}",
    },
    "case_bad_result": {
        "ko": "{case}: learn_kernel은 (kernel, losses) 두 값을 돌려주어야 합니다 ({detail}).",
        "en": "{case}: learn_kernel must return two values, (kernel, losses) ({detail}).",
    },
    "case_bad_losses": {
        "ko": "{case}: 손실 기록(losses)을 숫자 목록으로 읽을 수 없어 ({detail}) 학습이 끝까지 갔는지 확인할 수 "
              "없습니다 (이 학습의 수렴 점수 없음).",
        "en": "{case}: the loss history (losses) cannot be read as a list of numbers ({detail}), so the "
              "training cannot be shown to have converged (no convergence credit for it).",
    },
    "case_bad_target": {
        "ko": "{case}: edge_target이 (49, 49) 모양의 유한한 숫자 맵을 돌려주지 않아 ({detail}) 수렴을 잴 수 "
              "없습니다 (이 학습의 수렴 점수 없음).",
        "en": "{case}: edge_target did not return a (49, 49) map of finite numbers ({detail}), so convergence "
              "cannot be measured (no convergence credit for it).",
    },
    # --- how far the trainings got ----------------------------------------------------------
    "not_converged": {
        "ko": "{case}의 학습이 아직 끝나지 않았습니다: 최저 손실까지의 차이가 ×{factor}만 줄었습니다 (만점 "
              "×{full:g}). 학습률을 키우거나 step(epoch)을 늘리세요. 필터를 0에서 시작하면 "
              "(kernel_initializer=\"zeros\") 빨리 수렴합니다.",
        "en": "The training on {case} has not converged yet: the gap to the lowest loss shrank only ×{factor} "
              "(full marks from ×{full:g}). Use a larger learning rate or more steps (epochs); starting the "
              "filter at zero (kernel_initializer=\"zeros\") converges quickly.",
    },
    "converged": {
        "ko": "세 번의 학습 모두 끝까지 갔습니다 (최저 손실까지의 차이가 ×{factor} 이상 줄었습니다).",
        "en": "All three trainings converged (the gap to the lowest loss shrank at least ×{factor}).",
    },
    "target_other_line": {
        "ko": "{case}: 목표 맵이 {line_ko} {index}을(를) 표시하는데, 이 이미지의 경계는 행 {edge_row}입니다.",
        "en": "{case}: your target marks {line_en} {index}, but this image's edge is row {edge_row}.",
    },
    "target_no_line": {
        "ko": "{case}: 목표 맵에 뚜렷한 선이 없습니다 (가장 강한 줄도 전체의 {share}); 이 이미지의 경계는 "
              "행 {edge_row}입니다.",
        "en": "{case}: your target has no clear line (its strongest line holds {share} of it); this image's "
              "edge is row {edge_row}.",
    },
    "probe_learned": {
        "ko": "확인용 학습: 강의 방향의 이미지와 평균 필터의 출력으로 학습시키자 {kernel}을(를) 찾았습니다 "
              "(평균 필터는 [[0.25, 0.25], [0.25, 0.25]]).",
        "en": "Check training: given an image in the lecture's orientation and the mean filter's output, your "
              "function learned {kernel} (the mean filter is [[0.25, 0.25], [0.25, 0.25]]).",
    },
    # --- the table and the figure -----------------------------------------------------------
    "table_case": {"ko": "학습", "en": "Training"},
    "table_status": {"ko": "결과", "en": "Outcome"},
    "table_kernel": {"ko": "학습한 필터", "en": "Learned filter"},
    "table_edge": {"ko": "경계 점수", "en": "Edge score"},
    "table_convergence": {"ko": "수렴", "en": "Convergence"},
    "table_loss": {"ko": "손실 (처음 → 끝)", "en": "Loss (first → last)"},
    "table_steps": {"ko": "step", "en": "Steps"},
    "table_seconds": {"ko": "시간", "en": "Time"},
    "status_ok": {"ko": "학습함", "en": "trained"},
    "status_error": {"ko": "오류", "en": "error"},
    "status_timeout": {"ko": "시간 초과", "en": "timed out"},
    "status_skipped": {"ko": "실행 안 함", "en": "not run"},
    "status_interrupted": {"ko": "중단됨", "en": "interrupted"},
    "status_diverged": {"ko": "발산", "en": "diverged"},
    "status_unreadable": {"ko": "읽을 수 없음", "en": "unreadable"},
    "figure_caption": {
        "ko": "왼쪽: 학습마다 손실의 변화 (로그 눈금; 번호는 위 표의 순서). 가운데: 숨은 이미지 1에서 학습한 필터와, "
              "같은 크기로 맞춘 의도한 필터, 그 아래 숨은 이미지 1. 오른쪽: 학습한 필터의 숨은 이미지 1에 대한 반응 (점: "
              "열마다 가장 강한 반응, 선: 실제 경계).",
        "en": "Left: each training's loss (log scale; numbered as in the table above). Middle: the filter "
              "learned on hidden image 1 beside the intended filter at the same scale, hidden image 1 below. "
              "Right: the learned filter's response to hidden image 1 (dots: each column's strongest response; "
              "line: the true edge).",
    },
    "figure_losses": {"ko": "손실 (로그 눈금)", "en": "loss (log scale)"},
    "figure_steps": {"ko": "step", "en": "step"},
    "figure_learned": {"ko": "학습한 필터", "en": "learned"},
    "figure_intended": {"ko": "의도한 필터", "en": "intended"},
    "figure_response": {"ko": "숨은 이미지 1에 대한 반응", "en": "response to hidden image 1"},
    "figure_true_edge": {"ko": "실제 경계", "en": "true edge"},
    "figure_strongest": {"ko": "열마다 가장 강한 반응", "en": "strongest per column"},
}, words={
    "line": {"horizontal": {"ko": "행", "en": "row"}, "vertical": {"ko": "열", "en": "column"}},
})


def case_label(name: str, edge_row: int, language: str) -> str:
    """A hidden training's name for students (``'숨은 이미지 1 (위가 밝음, 경계 행 19)'``)."""
    words = CASE_WORDS.get(name)
    if words is None:
        return name
    return words["en" if language == "en" else "ko"].format(edge_row=edge_row)


def training_message(message_id: str, language: str, **fields) -> str:
    return TRAINING_MESSAGES.message(message_id, language, **fields)
