"""The warm start is safe to fork: real warm parents, real sandboxes, real kernels and notebooks.

A warm parent imports TensorFlow, numpy, matplotlib and the kernel machinery once; each
notebook's runner and kernel are forked from it into a fresh sandbox. These tests show, rather
than assume, that a forked kernel computes what a fresh one computes, that each run's seeds,
environment and folders are its own, that a crash, a memory bomb or a fork bomb in one run leaves
the parent and the next run intact, that a lost parent is replaced and the notebook run again
once, and that the setting turns it all off. They run as root and as an ordinary account
(``tests/test_as_an_ordinary_account.py`` runs this folder as one).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder.run import warm_start
from autograder.run.sandbox_run import GraderFault
from autograder.grading.sandboxed_execute import SandboxedExecute
from autograder.answers.protocol import RUN_METADATA_KEY
from tests.test_startup_chatter import CHATTER

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(600)]

REPO_ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((REPO_ROOT / "solutions").glob("*/*.ipynb"))
MARKER = "WEEK12-PROBE "

# Prints, as one JSON line, what a run can learn about where it started.
PROBE = '''
import json, os, random, sys, tempfile, uuid
_preloaded = "tensorflow" in sys.modules
import numpy as np
import tensorflow as tf
import keras
open("/tmp/left-by-the-last-run", "w").write("x")
open("left-by-the-last-run", "w").write("x")
print("MARKER" + json.dumps({
    "preloaded": _preloaded, "random": random.random(), "numpy": float(np.random.random()),
    "tensorflow": float(tf.random.uniform(())), "urandom": os.urandom(8).hex(), "uuid": str(uuid.uuid4()),
    "environment": dict(os.environ), "cwd": os.getcwd(), "pid": os.getpid(), "uid": os.getuid(),
    "processes": sorted(int(name) for name in os.listdir("/proc") if name.isdigit()),
    "modules": sorted(name for name in sys.modules if name.startswith("autograder")),
    "path": sys.path, "tempdir": tempfile.gettempdir(), "own_environ_readable": os.access("/proc/self/environ", os.R_OK),
    "keras": [keras.config.floatx(), keras.config.epsilon(), keras.config.image_data_format(), keras.config.backend()],
    "home": sorted(os.listdir(os.path.expanduser("~"))),
}))
'''.replace("MARKER", MARKER)


def executor(warm: bool, **settings) -> SandboxedExecute:
    config = Config()
    config.SandboxedExecute.warm_start = warm
    config.SandboxedExecute.cpu_threads = 1
    for name, value in settings.items():
        setattr(config.SandboxedExecute, name, value)
    return SandboxedExecute(config=config)


def notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def run(nb, warm: bool = True, **settings):
    ex = executor(warm, **settings)
    return ex.run_prepared(ex.prepare(nb, True))


def printed(run_result) -> str:
    executed = nbformat.reads(run_result.executed_json, as_version=4)
    return "".join(output.get("text", "") for cell in executed.cells for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream")


def probe(warm: bool = True, **settings) -> dict:
    text = printed(run(notebook(PROBE), warm, **settings))
    line = next((line for line in text.splitlines() if line.startswith(MARKER)), None)
    assert line is not None, text[-3000:]
    return json.loads(line[len(MARKER):])


def idle_parents() -> dict:
    return {parent.pid: parent for parent in warm_start._idle}


def outputs_shape(executed_json: str) -> list:
    """Each code cell's outputs, by kind (text, or the media types of a display)."""
    executed = nbformat.reads(executed_json, as_version=4)
    return [[output.get("text") if output.get("output_type") == "stream" else sorted(output.get("data", {}))
             for output in cell.get("outputs", [])] for cell in executed.cells if cell.cell_type == "code"]


def computed(answers: dict) -> dict:
    """The answers as decoded data, without the wall-clock ``seconds`` a training took (the
    learn-kernel exercise reports it in the feedback table and never scores it; no two runs
    share it). Everything else is compared exactly."""
    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key != "seconds"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value
    return {name: strip(json.loads(answer)) for name, answer in answers.items()}


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda path: path.stem)
def test_a_forked_kernel_computes_what_a_fresh_one_does(solution):
    nb = nbformat.read(solution, as_version=4)
    cold, warm, warm_again = run(nb, warm=False), run(nb), run(nb)
    assert cold.answers and all(answer is not None for answer in cold.answers.values())
    assert computed(warm.answers) == computed(cold.answers) == computed(warm_again.answers)  # float for float
    assert outputs_shape(warm.executed_json) == outputs_shape(cold.executed_json)  # figures included
    assert (warm.note, warm_again.note) == (None, None)


# A cell that imports TensorFlow itself (no set-up cell's guard): a cold kernel prints the start-up
# chatter on processors where oneDNN's custom operations are on, a warm one never does. The same
# lines are also written by hand (as such a machine's TensorFlow prints them), so that the filter
# is shown at work on every machine, next to the student's own stderr. The student's print comes
# first: ipykernel forwards file descriptor 2 from a thread of its own, so a Python-level write made
# while C-level lines are still being forwarded may land inside one of them, on any machine.
CHATTER_CELL = """
import os, sys
print("student's own stderr line", file=sys.stderr)
import tensorflow as tf
os.write(2, (CHATTER + "\\n").encode())
os.write(2, b"a C-level line of the student's\\n")
""".replace("CHATTER", repr(chr(10).join(CHATTER)))


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_only_tensorflows_start_up_chatter_is_dropped_from_a_cells_stderr(warm):
    executed = nbformat.reads(run(notebook(CHATTER_CELL), warm=warm).executed_json, as_version=4)
    stderr = "".join(output.get("text", "") for output in executed.cells[0].outputs
                     if output.get("output_type") == "stream" and output.get("name") == "stderr")
    # ipykernel may pass C-level and Python-level writes on in either order; each line is whole.
    assert sorted(stderr.splitlines()) == ["a C-level line of the student's", "student's own stderr line"], stderr


def test_each_run_has_its_own_seeds_environment_and_folders():
    cold, first, second = probe(warm=False), probe(), probe()
    assert not cold["preloaded"] and first["preloaded"] and second["preloaded"]  # really warm
    for name in ("random", "numpy", "tensorflow", "urandom", "uuid"):
        assert first[name] != second[name], name
    # The environment is the run's: the same as a cold kernel's (nothing of the warm parent's).
    ignored = {"JPY_PARENT_PID", "JPY_SESSION_NAME"}
    assert {k: v for k, v in first["environment"].items() if k not in ignored} == \
        {k: v for k, v in cold["environment"].items() if k not in ignored}
    assert "MPLCONFIGDIR" not in first["environment"]
    assert first["cwd"] == second["cwd"] == cold["cwd"]
    assert first["uid"] == cold["uid"]
    # What the imports found is what a cold run's find: the import path, the temporary folder,
    # Keras's settings (read from a home of the parent's own, never a shared or host one).
    assert first["path"] == cold["path"] and first["tempdir"] == cold["tempdir"] == "/tmp"
    assert first["keras"] == cold["keras"] == ["float32", 1e-07, "channels_last", "tensorflow"]
    assert first["own_environ_readable"] and cold["own_environ_readable"]
    # What the run before left in /tmp and the job folder is gone: the cell wrote them afresh
    # (it would fail on neither), so look at what the next run sees before writing.
    seen = printed(run(notebook("import os; print('LEFT', os.path.exists('/tmp/left-by-the-last-run'), "
                                "os.path.exists('left-by-the-last-run'))")))
    assert "LEFT False False" in seen
    # A PID namespace of its own: only the sandbox's few processes, none of the grader's.
    assert len(first["processes"]) < 10 and os.getpid() not in first["processes"]


def test_the_warm_parent_holds_nothing_solution_bearing():
    seen = probe()
    assert "autograder.inside.runner" in seen["modules"]  # the parent's imports, inherited
    assert not [name for name in seen["modules"] if name.startswith("autograder.authoring")]


def test_a_run_can_neither_see_nor_signal_its_warm_parent():
    probe()  # a parent is idle now
    parent_pid = next(iter(idle_parents()))
    source = f"import os\ntry:\n    os.kill({parent_pid}, 0)\n    print('REACHED')\nexcept OSError as e:\n    print('UNREACHABLE', type(e).__name__)"
    text = printed(run(notebook(source)))
    assert "UNREACHABLE" in text, text
    assert idle_parents()[parent_pid].usable()


BAD_RUNS = {
    "crash": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
    "memory bomb": "import numpy as np\nhoard = [np.ones(1 << 28) for _ in range(64)]",
    "fork bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "runner killer": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
}


@pytest.fixture(scope="module")
def reference_answers():
    """The first solution's answers from a cold run."""
    return run(nbformat.read(SOLUTIONS[0], as_version=4), warm=False).answers


@pytest.mark.parametrize("bad", sorted(BAD_RUNS))
def test_a_bad_run_leaves_the_warm_parent_and_the_next_run_intact(bad, reference_answers):
    probe()
    parents = idle_parents()
    assert parents
    started = time.monotonic()
    # A fork bomb's copies of the kernel outlive the interrupted cell: the wall clock ends it.
    run(notebook(BAD_RUNS[bad], "print('after')"), cell_timeout=5, wall_seconds=20, max_processes=128)
    assert time.monotonic() - started < 20 + 15  # the wall clock, and tearing the sandbox down
    # The same parents, alive and idle, and the next run on one of them is exact.
    assert set(idle_parents()) >= set(parents) and all(parent.usable() for parent in parents.values())
    good = run(nbformat.read(SOLUTIONS[0], as_version=4))
    assert good.answers == reference_answers


def _kill_parents(times: int, stop: threading.Event, killed: list) -> None:
    """Kill each warm parent that forks a run, ``times`` times (a real SIGKILL to a real process)."""
    while len(killed) < times and not stop.is_set():
        for parent in list(warm_start._every_parent):
            if parent.awaiting_exit and parent.pid not in killed and parent.alive():
                os.kill(parent.pid, signal.SIGKILL)
                killed.append(parent.pid)
        time.sleep(0.01)


def _with_killer(times: int, action):
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_parents, args=(times, stop, killed), daemon=True)
    killer.start()
    try:
        return action(), killed
    finally:
        stop.set()
        killer.join()


def test_a_warm_parent_that_dies_is_replaced_and_the_notebook_run_again():
    nb = notebook("import time; time.sleep(2); print('slept')")
    result, killed = _with_killer(1, lambda: run(nb))
    assert len(killed) == 1 and "slept" in printed(result)
    assert killed[0] not in idle_parents() and idle_parents()  # the dead one is gone, its replacement kept


def test_a_warm_parent_that_keeps_dying_fails_that_notebook_alone_with_its_reason():
    nb = notebook("import time; time.sleep(2); print('slept')")
    with pytest.raises(GraderFault, match="warm start failed twice"):
        _with_killer(2, lambda: run(nb))
    assert "slept" in printed(run(nb))  # the next notebook is run as usual


def test_the_setting_turns_the_warm_start_off():
    before = set(warm_start._every_parent)
    seen = probe(warm=False)
    assert not seen["preloaded"]
    assert set(warm_start._every_parent) == before
    executed = nbformat.reads(run(notebook("1"), warm=False).executed_json, as_version=4)
    assert executed.metadata[RUN_METADATA_KEY]["finished"]
