"""Reading back what a sandboxed run reported, which student code may have written or forged.

The runner's report is JSON lines on a pipe (``autograder.inside.runner``), at most
``limits.result_bytes`` of it; student code runs as the same user inside and could write lines of
its own or cut the report short. So every line is parsed on its own (a broken one is skipped),
only the expected graded cells' answers are kept, each at most ``MAX_ANSWER_BYTES``, and the
executed notebook at most ``max_notebook_bytes``; anything else is dropped. Forging a line is no
better than submitting that answer: what it says is judged like any other answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from autograder.run.run_records import RunSettings
from autograder.answers.protocol import MAX_ANSWER_BYTES


@dataclass
class RunReport:
    started: bool = False
    kernel_started: bool = False
    kernel_error: str | None = None
    executed_json: str | None = None  # the executed notebook's text, within its size cap
    answers: dict = field(default_factory=dict)  # grade_id -> answer text or None
    dropped: list = field(default_factory=list)  # why something was not taken


def read_report(data: bytes, settings: RunSettings, grade_ids=()) -> RunReport:
    report = RunReport(answers={grade_id: None for grade_id in grade_ids})
    for line in data.split(b"\n"):
        try:
            event = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind == "started":
            report.started = True
        elif kind == "kernel_started":
            report.kernel_started = True
        elif kind == "kernel_failed" and not report.kernel_started:
            report.kernel_error = str(event.get("error"))[:500]
        elif kind == "answer" and isinstance(event.get("grade_id"), str) and event["grade_id"] in report.answers:
            text = event.get("text")
            ok = isinstance(text, str) and len(text.encode("utf-8")) <= MAX_ANSWER_BYTES
            report.answers[event["grade_id"]] = text if ok else None
            if not ok and text is not None:
                report.dropped.append(f"the answer of {event['grade_id']} was over {MAX_ANSWER_BYTES} bytes")
        elif kind == "finished":
            notebook = event.get("notebook")
            if isinstance(notebook, str) and len(notebook.encode("utf-8")) <= settings.max_notebook_bytes:
                report.executed_json = notebook
            else:
                report.executed_json = None
                report.dropped.append(f"the executed notebook was over {settings.max_notebook_bytes} bytes")
    return report
