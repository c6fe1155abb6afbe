"""The grading run's progress record: one JSON line per event of each notebook.

nbgrader's own log is for people; the class-grading command, its summary, the tests and the
benchmarks read this instead. While ``nbgrader autograde`` runs, its steps append, for each
notebook of ``(assignment, student, notebook)``:

- ``executed`` (``SandboxedExecute``): the run is judged; ``prefetch`` is ``"hit"`` (the worker
  pool's run was used), ``"miss"`` (nbgrader's step had to run it) or ``"off"`` (no pool),
  ``run_note`` why the run fell short, if it did, ``sandboxed`` whether it ran in a sandbox, and
  ``set_aside`` what the sanitizing step set aside (``release_cells``);
- ``failed`` (``SandboxedExecute``): grading this notebook stopped at our step, with ``reason``;
- ``graded`` (``FinishGrading``): its grades are saved.

The file is named on nbgrader's command line (``--GradingProgress.progress_file``); without it
nothing is recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from traitlets import Unicode
from traitlets.config import Configurable

EVENTS = ("executed", "failed", "graded")


class GradingProgress(Configurable):
    progress_file = Unicode("", help="JSON-lines file that records each notebook's grading events "
                                     "(set by the class-grading command).").tag(config=True)

    def record(self, event: str, resources: dict, **fields) -> None:
        if not self.progress_file:
            return
        info = resources.get("nbgrader", {})
        entry = {"event": event, **{key: info.get(key) for key in ("assignment", "student", "notebook")}, **fields}
        # One write per line, in append mode: lines of one process never interleave.
        with open(self.progress_file, "a", encoding="utf-8") as progress:
            progress.write(json.dumps(entry) + "\n")


@dataclass(frozen=True)
class ProgressEvent:
    event: str
    assignment: str
    student: str
    notebook: str
    fields: dict

    @property
    def key(self) -> tuple[str, str, str]:
        return self.assignment, self.student, self.notebook


def read_events(text: str) -> list[ProgressEvent]:
    """The complete lines of a progress record (a line still being written is left out)."""
    events = []
    for line in text[: text.rfind("\n") + 1].splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        fields = {k: v for k, v in data.items() if k not in ("event", "assignment", "student", "notebook")}
        events.append(ProgressEvent(data["event"], data["assignment"], data["student"], data["notebook"], fields))
    return events


def read_progress(path: Path) -> list[ProgressEvent]:
    try:
        return read_events(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
