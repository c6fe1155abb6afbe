"""What the grader itself says in a graded cell: no answer, no judgement, the kernel died..."""

from __future__ import annotations

from autograder.i18n import Catalogue

GRADING_MESSAGES = Catalogue({
    "missing_answer": {
        "ko": "이 셀의 답을 읽지 못했습니다: 노트북이 이 셀까지 실행되지 않았거나 답을 저장하지 못했습니다 "
              "(could not read this cell's answer: the notebook did not get this far).",
        "en": "Could not read this cell's answer: the notebook did not get this far, or the answer could not "
              "be saved.",
    },
    "no_judge": {
        "ko": "이 채점 셀에는 신뢰할 수 있는 채점 방법이 등록되어 있지 않습니다 (no trusted judgement for this cell).",
        "en": "No trusted judgement is registered for this graded cell.",
    },
    "cannot_judge": {"ko": "답을 채점할 수 없습니다: {error}", "en": "The answer could not be judged: {error}"},
    "no_judgement": {"ko": "채점 결과가 없습니다 (no judgement).", "en": "No judgement came back."},
    "hidden_tests_passed": {"ko": "✓ 보이는 테스트와 숨은 테스트 통과 (visible and hidden tests passed)\n",
                            "en": "✓ visible and hidden tests passed\n"},
    "cell_error_explained": {"ko": "[이 셀은 오류로 멈췄습니다 — {explanation}. 아래는 Python의 오류 메시지입니다: {error}]\n",
                             "en": "[This cell stopped with an error — {explanation}. Python's error message follows: "
                                   "{error}]\n"},
    # --- what the sanitizing step set aside (release_cells.py) --------------------------------
    "set_aside_unknown": {
        "ko": "{cell}번째 셀의 nbgrader 정보(grade id '{grade_id}')는 배포한 과제에 없어서 무시했습니다; 이 셀은 일반 셀로 실행됩니다.",
        "en": "Cell {cell} carried nbgrader information (grade id '{grade_id}') that the released assignment does "
              "not have; it was ignored, and the cell ran as an ordinary cell.",
    },
    "set_aside_copy": {
        "ko": "{cell}번째 셀은 '{grade_id}' 셀의 복사본이라 채점에서는 무시했습니다(마지막 것만 채점); 일반 셀로 실행됩니다.",
        "en": "Cell {cell} is a copy of cell '{grade_id}': only the last one counts for grading; this one ran as an "
              "ordinary cell.",
    },
    "set_aside_restored": {
        "ko": "'{grade_id}' 셀의 nbgrader 설정이 바뀌어 있어 배포한 과제의 설정으로 되돌렸습니다.",
        "en": "The nbgrader settings of cell '{grade_id}' had been changed; the released assignment's were restored.",
    },
    "set_aside_missing": {
        "ko": "채점 셀 '{grade_id}'이(가) 지워져 있어 배포한 과제에서 다시 넣었습니다.",
        "en": "The graded cell '{grade_id}' had been deleted; it was put back from the released assignment.",
    },
    "kernel_died": {
        "ko": "커널이 셀 '{cell}' 실행 중에 종료되었습니다 (메모리 초과나 os._exit 등); 그 뒤의 셀은 실행되지 "
              "않았습니다 / the kernel died in cell '{cell}'",
        "en": "The kernel died in cell '{cell}' (out of memory, os._exit...); the cells after it did not run.",
    },
})
