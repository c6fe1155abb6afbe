"""The judge: a separate process that scores extracted answers; no student code ever runs in it.

``python -m autograder.judging.judge [--figure-cache DIR]`` reads one request per line on
standard input, ``{"answers": {grade_id: answer_json | null}, "settings": {...}}``, and answers
each with one line, ``{grade_id: <Judgement as a dict>}``. The grading process starts it once and
sends it every notebook's answers (``judge_client``): it only ever decodes untrusted JSON text
(``answers.codec``: no pickle, size-capped), it never executes anything a student wrote.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder.exercises import EXERCISES, JudgeSettings, Judgement, judge_answer
from autograder.judging.figure_cache import FigureCache
from autograder.judging.messages import GRADING_MESSAGES


def judge_all(answers: dict, settings: JudgeSettings = JudgeSettings()) -> dict[str, Judgement]:
    """Each graded cell's :class:`Judgement` from its extracted answer (JSON text, or None)."""
    results = {}
    language = settings.language
    for grade_id, answer in answers.items():
        exercise = EXERCISES.get(grade_id)
        if exercise is None:
            message = GRADING_MESSAGES.message("no_judge", language)
            judgement = Judgement(grade_id, 0.0, message, message)
        elif not isinstance(answer, str):
            message = GRADING_MESSAGES.message("missing_answer", language)
            judgement = Judgement(grade_id, 0.0, message, message, partial_credit=exercise.partial_credit)
        else:
            try:
                judgement = judge_answer(grade_id, answer, settings)
            except Exception as error:  # noqa: BLE001 - one bad answer must not sink the others
                message = GRADING_MESSAGES.message("cannot_judge", language, error=f"{type(error).__name__}: {error}")
                judgement = Judgement(grade_id, 0.0, message, message, partial_credit=exercise.partial_credit)
        results[grade_id] = judgement
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.judging.judge")
    parser.add_argument("--figure-cache", type=Path, default=None,
                        help="folder of drawn response figures, kept by content")
    args = parser.parse_args(argv)
    figures = FigureCache(args.figure_cache).png if args.figure_cache else None
    for line in sys.stdin:
        request = json.loads(line)
        settings = JudgeSettings.from_dict(request.get("settings") or {})
        settings = JudgeSettings(settings.language, settings.edge_weights, figures)
        judged = judge_all(request["answers"], settings)
        sys.stdout.write(json.dumps({grade_id: j.to_dict() for grade_id, j in judged.items()}) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
