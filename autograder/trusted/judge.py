"""A separate process that scores extracted answers; no student code ever runs in it.

``python -m autograder.trusted.judge`` reads one request per line on standard input,
``{"answers": {grade_id: answer_json | null}}``, and answers each with one line,
``{grade_id: {"fraction", "message", "html", "text", "partial_credit"}}``. The grading process
starts it once and sends it every notebook's answers: it only ever decodes untrusted JSON text
(``answers.codec``: no pickle, size-capped), it never executes anything a student wrote.
"""

from __future__ import annotations

import json
import sys

from autograder.exercises import EXERCISES, judge_answer
from autograder.exercises.base import Outcome

MISSING_ANSWER = ("이 셀의 답을 읽지 못했습니다: 노트북이 이 셀까지 실행되지 않았거나 답을 저장하지 못했습니다 "
                  "(could not read this cell's answer: the notebook did not get this far).")
NO_JUDGE = "이 채점 셀에는 신뢰할 수 있는 채점 방법이 등록되어 있지 않습니다 (no trusted judgement for this cell)."


def judge_all(answers: dict) -> dict:
    results = {}
    for grade_id, answer in answers.items():
        if grade_id not in EXERCISES:
            outcome = Outcome(0.0, NO_JUDGE)
        elif not isinstance(answer, str):
            outcome = Outcome(0.0, MISSING_ANSWER)
        else:
            try:
                outcome = judge_answer(grade_id, answer)
            except Exception as error:  # noqa: BLE001 - one bad answer must not sink the others
                outcome = Outcome(0.0, f"답을 채점할 수 없습니다: {type(error).__name__}: {error}")
        results[grade_id] = {"fraction": float(outcome.fraction), "message": outcome.message,
                             "html": outcome.html, "text": outcome.text,
                             "partial_credit": bool(EXERCISES[grade_id].partial_credit) if grade_id in EXERCISES else False}
    return results


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.write(json.dumps(judge_all(request["answers"])) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
