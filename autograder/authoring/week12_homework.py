"""The week-12 homework notebook: design a 2x2 filter for the transposed step image.

Contract relied on by instructors and scripts: the answer cell has nbgrader ``grade_id``
``edge_kernel`` and assigns the filter to a variable named ``kernel``.
"""

from autograder.authoring.cells import graded_tests, markdown, notebook, readonly_code, solution
from autograder.authoring.common import setup_cells
from autograder.contract import (GRADED_CELLS, HOMEWORK, HOMEWORK_ANSWER_CELL, HOMEWORK_ANSWER_VARIABLE,
                                 HOMEWORK_SCORE_CELL)
from autograder.scoring.rubric import EDGE_WEIGHTS, FLATNESS_FULL, LOCALISATION_FULL, SELECTIVITY_FULL

ASSIGNMENT = HOMEWORK.name
NOTEBOOK = HOMEWORK.notebook
ANSWER_GRADE_ID = HOMEWORK_ANSWER_CELL
ANSWER_VARIABLE = HOMEWORK_ANSWER_VARIABLE
SCORE_GRADE_ID = HOMEWORK_SCORE_CELL
SCORE_POINTS = GRADED_CELLS[HOMEWORK_SCORE_CELL].points


def build():
    return notebook([
        markdown("intro", """
            # 12주차 숙제: 전치된 이미지의 경계를 찾는 2×2 필터 설계

            강의에서 만든 이미지 `XXX` 는 왼쪽이 밝고 오른쪽이 어두워서 경계가 **세로**로 나 있었고,
            엣지 필터 `[[-1, 1], [-1, 1]]` 가 그 경계를 찾았습니다.

            이번에는 이미지를 전치(transpose)해서 봅니다: `plt.imshow(XXX.reshape(50, 50).T, cmap="gray")`.
            위쪽이 밝고 아래쪽이 어두우므로 경계가 **가로**로 나 있습니다.

            **과제.** 이 전치된 이미지의 경계(edge)를 찾아내는 `(2, 2)` conv 필터를 설계하세요.
            (코드 구현 없이 필터 값만 써도 됩니다.)
        """),
        *setup_cells(),
        readonly_code("show-transposed", """
            XXX = lecture_step_image(STEP_IMAGE_SEED).reshape(1, 50, 50, 1)  # 강의와 같은 이미지
            fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9, 4))
            ax0.imshow(XXX.reshape(50, 50), cmap="gray"); ax0.set_title("XXX (강의): 세로 경계")
            ax1.imshow(XXX.reshape(50, 50).T, cmap="gray"); ax1.set_title("XXX.T (숙제): 가로 경계")
            plt.show()
        """),
        markdown("rubric", f"""
            ## 채점 방법

            제출한 필터를 Keras `Conv2D` 와 같은 방식(valid cross-correlation)으로, 전치된 step image 여러 장에
            적용해 봅니다. 채점용 이미지는 잡음을 새로 뽑고, 경계의 높이와 밝은 쪽(위/아래)을 바꾼 것들입니다
            (밝기 차이 10, 잡음 표준편차 1).

            | 기준 | 비중 | 무엇을 보나 | 만점 기준, 감점 방식 |
            |---|---|---|---|
            | 위치 찾기 (localisation) | {EDGE_WEIGHTS["localisation"]:.0%} | 각 열에서 반응(절댓값)이 가장 큰 곳이 실제 경계 행인가 | 열의 {LOCALISATION_FULL:.0%} 이상이면 만점, 그 아래로는 비율에 비례 |
            | 평평한 곳 무반응 (flatness) | {EDGE_WEIGHTS["flatness"]:.0%} | 밝기가 일정한 곳에서는 반응이 없는가 (가중치의 합이 0에 가까운가) | 평평한 곳의 반응이 필터 세기의 {FLATNESS_FULL:.0%} 이하이면 만점, 100%에서 0점까지 직선으로 |
            | 방향 선택성 (orientation selectivity) | {EDGE_WEIGHTS["selectivity"]:.0%} | 가로 경계에는 강하게, 강의의 세로 경계에는 약하게 반응하는가 | 반응의 {SELECTIVITY_FULL:.0%} 이상이 가로 경계 쪽이면 만점, 반반(50%)에서 0점까지 직선으로 |

            만점 기준은 숨은 이미지에서 의도한 필터와 **구별할 수 없는** 필터가 만점을 받도록 정했습니다.
            감점은 동작이 눈에 띄게 달라지는 곳부터 시작합니다.
            필터에 상수를 곱하거나 부호를 바꿔도 점수는 같습니다. 답은 `kernel` 이라는 변수에
            `[[a, b], [c, d]]` 처럼 2×2로 쓰세요 (numpy 배열, `(2, 2, 1, 1)` 모양의 Keras kernel도 받습니다).
        """),
        solution(ANSWER_GRADE_ID, f"""
            ### BEGIN SOLUTION
            {ANSWER_VARIABLE} = [[-1.0, -1.0],
                      [1.0, 1.0]]
            ### END SOLUTION
        """),
        markdown("visible-check-md", """
            ### 제출 전 확인 (채점되지 않음)

            아래 셀은 답의 형식이 맞는지 확인하고, 위의 전치된 이미지 한 장에 필터를 적용한 결과를 보여 줍니다.
            점(●)은 각 열에서 반응이 가장 큰 행, 선은 실제 경계입니다.
        """),
        readonly_code("visible-check", """
            visible_check, = _week12_tools("visible_check")

            visible_check(kernel, XXX.reshape(50, 50).T)
        """),
        markdown("score-md", """
            ### 점수 (채점 셀)
        """),
        graded_tests(SCORE_GRADE_ID, SCORE_POINTS, f"""
            grade_edge_kernel, = _week12_tools("grade_edge_kernel")

            grade_edge_kernel({ANSWER_VARIABLE}, out_of={SCORE_POINTS})
        """),
    ])
