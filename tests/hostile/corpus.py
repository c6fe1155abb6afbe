"""Hostile and broken submissions, each paired with what its real answer deserves.

Students can only edit answer cells (nbgrader restores every locked cell), so each case is a
released notebook whose answer cells hold the case's code. ``deserves`` names an honest
submission with the same real answer: the trusted grader must give the hostile one exactly
that honest one's grade.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

HOMEWORK, LAB = "week12-homework", "week12-lab"
ANSWER = "edge_kernel"

CORRECT = "kernel = [[-1, -1], [1, 1]]"
WRONG = "kernel = [[-1.0, 1.0], [-1.0, 1.0]]"  # the lecture's vertical filter: low partial credit
WRONG_STEP_IMAGE = """
_X1 = tnp.ones([50, 25]) * 10
_X2 = tnp.zeros([50, 25])
_noise = np.random.default_rng(STEP_IMAGE_SEED + 1).standard_normal((50, 50))
XXX = (tf.concat([_X1, _X2], axis=1) + _noise).reshape(1, 50, 50, 1)
"""
CANARY = "/tmp/week12-sandbox-escape-canary"
# add_key and request_key's numbers on this machine (the keyring cases call them directly).
KEYRING_CALLS = {"x86_64": {"add_key": 248, "request_key": 249},
                 "aarch64": {"add_key": 217, "request_key": 218}}.get(os.uname().machine, {"add_key": -1, "request_key": -1})


@dataclass(frozen=True)
class Case:
    student: str
    assignment: str
    answers: dict[str, str]            # answer cell id -> source
    deserves: str                      # the honest student whose grade this one must get
    forges_in_kernel: bool = False     # succeeds under stock in-kernel grading
    notes: str = ""
    extra_expectations: tuple = field(default=())


# Honest submissions: the grades the hostile ones are measured against.
HONEST = [
    Case("honest-hw-correct", HOMEWORK, {ANSWER: CORRECT}, "honest-hw-correct"),
    Case("honest-hw-wrong", HOMEWORK, {ANSWER: WRONG}, "honest-hw-wrong"),
    Case("honest-hw-blank", HOMEWORK, {}, "honest-hw-blank"),
    Case("honest-lab-reference", LAB, {}, "honest-lab-reference"),
    Case("honest-lab-wrong-image", LAB, {"step_image": WRONG_STEP_IMAGE}, "honest-lab-wrong-image"),
    Case("honest-lab-no-keeps-edge", LAB, {"keeps_edge": "keeps_edge = {}"}, "honest-lab-no-keeps-edge"),
]

BLANK_ANSWER = "# (no answer)"

HOSTILE = [
    # --- forgeries that beat in-kernel grading ------------------------------------------
    Case("forge-np-allclose", LAB, {"step_image": WRONG_STEP_IMAGE + "\nnp.allclose = lambda *a, **k: True\n"},
         "honest-lab-wrong-image", forges_in_kernel=True),
    # An int (the visible test takes 0 and 1 for False and True) that equals everything.
    Case("forge-always-equal", LAB, {"keeps_edge": """
class _AlwaysEqual(int):
    def __eq__(self, other):
        return True
    __hash__ = int.__hash__
keeps_edge = {name: _AlwaysEqual(0) for name in ["mean->mean", "mean->edge", "edge->mean", "edge->edge"]}
"""}, "honest-lab-no-keeps-edge", forges_in_kernel=True),
    Case("forge-input-transformer", HOMEWORK, {ANSWER: "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"},
         "honest-hw-blank", forges_in_kernel=True),
    Case("forge-patched-module", HOMEWORK, {ANSWER: WRONG + "\nimport autograder.notebook as _hw\n_hw.grade_edge_kernel = lambda *a, **k: 10.0\n"},
         "honest-hw-wrong", forges_in_kernel=True),
    Case("forge-patched-builtins", HOMEWORK, {ANSWER: WRONG + "\nimport builtins\nbuiltins.round = lambda *a, **k: 10.0\n"},
         "honest-hw-wrong", forges_in_kernel=True),
    Case("forge-showtraceback", LAB, {"step_image": WRONG_STEP_IMAGE + "\nget_ipython().showtraceback = lambda *a, **k: None\n"},
         "honest-lab-wrong-image", notes="error display hooks: with ipykernel 7 the error still reaches the notebook"),
    Case("forge-set-custom-exc", LAB, {"step_image": WRONG_STEP_IMAGE + "\nget_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"},
         "honest-lab-wrong-image", notes="error display hooks: with ipykernel 7 the error still reaches the notebook"),
    Case("forge-display-formatter", HOMEWORK, {ANSWER: WRONG + """
get_ipython().display_formatter.formatters["text/plain"].for_type(float, lambda value, printer, cycle: printer.text("10.0"))
"""}, "honest-hw-wrong", forges_in_kernel=True),
    # --- faults: the run goes on, the answer keeps its credit ----------------------------
    Case("fault-sys-exit", HOMEWORK, {ANSWER: CORRECT + "\nimport sys\nsys.exit(0)\n"}, "honest-hw-correct"),
    Case("fault-os-exit-late", LAB, {"pooling": "import os\nos._exit(1)\n"}, "honest-lab-reference",
         notes="kernel dies at the pooling answer: earlier cells keep their credit, later ones get none"),
    Case("fault-infinite-loop", HOMEWORK, {ANSWER: CORRECT + "\nwhile True:\n    pass\n"}, "honest-hw-correct"),
    Case("fault-sleep", HOMEWORK, {ANSWER: CORRECT + "\nimport time\ntime.sleep(100_000)\n"}, "honest-hw-correct"),
    Case("fault-memory-bomb", HOMEWORK, {ANSWER: CORRECT + """
_hog = []
while True:
    _hog.append(bytearray(200 * 2**20))
"""}, "honest-hw-correct"),
    Case("fault-process-spawning", HOMEWORK, {ANSWER: CORRECT + """
import os, subprocess
subprocess.Popen(["setsid", "sleep", "1000"])
if os.fork() == 0:
    if os.fork() == 0:
        os.setsid()
        import time
        time.sleep(1000)
    os._exit(0)
"""}, "honest-hw-correct"),
    Case("fault-fork-bomb", HOMEWORK, {ANSWER: CORRECT + """
import os
_children = 0
try:
    for _ in range(100_000):
        if os.fork() == 0:
            import time
            time.sleep(60)
            os._exit(0)
        _children += 1
except OSError as error:
    print("fork refused after", _children, "children:", error)
"""}, "honest-hw-correct"),
    Case("leak-course-files", HOMEWORK, {ANSWER: CORRECT + """
import glob, os
import autograder
for _pattern in ["../../../assignments/*/*.ipynb", "../../../solutions/*/*.ipynb", "../../../gradebook.db",
                 "/work/*/assignments/*/*.ipynb", "/tmp/*/assignments/*/*.ipynb",
                 os.path.join(os.path.dirname(autograder.__file__), "authoring", "*.py")]:
    for _path in glob.glob(_pattern):
        try:
            print(_path, open(_path, errors="replace").read()[:3000])
        except OSError as error:
            print(_path, error)
"""}, "honest-hw-correct"),
    Case("escape-write-outside", HOMEWORK, {ANSWER: CORRECT + f"""
for _path in ["{CANARY}", "../../../escaped.txt", "/root/escaped.txt", "/work/escaped.txt"]:
    try:
        with open(_path, "w") as handle:
            handle.write("escaped")
    except OSError as error:
        print(_path, error)
"""}, "honest-hw-correct"),
    Case("escape-write-gradebook", HOMEWORK, {ANSWER: CORRECT + """
import sqlite3
for _path in ["../../../gradebook.db", "../../gradebook.db", "/gradebook.db"]:
    try:
        _db = sqlite3.connect(_path)
        _db.execute("CREATE TABLE pwned (x)")
        _db.execute("UPDATE grade SET manual_score = 999")
        _db.commit()
    except Exception as error:
        print(_path, error)
"""}, "honest-hw-correct"),
    Case("flood-stdout", HOMEWORK, {ANSWER: CORRECT + "\nfor _ in range(2_000_000):\n    print('flood ' * 20)\n"},
         "honest-hw-correct"),
    Case("flood-stderr", HOMEWORK, {ANSWER: CORRECT + "\nimport sys\nfor _ in range(2_000_000):\n    sys.stderr.write('flood ' * 20 + '\\n')\n"},
         "honest-hw-correct"),
    # --- the grader's resources: the judge, the disk, the caps, per-uid state --------------
    Case("stall-the-judge", HOMEWORK, {ANSWER: CORRECT + """
# What the capture hands back is this JSON instead of the answer: an array whose declared shape is
# a hundred thousand huge numbers (their product alone took the old judge minutes).
import json
import autograder.exercises as _exercises
_shape = [10**12 + _i for _i in range(100_000)]
_exercises.extract_answer = lambda grade_id, namespace: json.dumps({"kernel": {"__ndarray__": {"shape": _shape, "data": []}}})
"""}, "honest-hw-blank", notes="the answer is unreadable: graded as no filter, at once"),
    Case("fill-the-disk", HOMEWORK, {ANSWER: CORRECT + """
import os
for _root in (".", "/tmp", os.path.expanduser("~"), "/dev/shm", "/job"):
    _path = _root
    try:
        for _depth in range(100_000):
            _path = os.path.join(_path, "d")
            os.mkdir(_path)
            for _n in range(10):
                open(os.path.join(_path, f"f{_n}"), "w").close()
    except OSError as error:
        print(_root, "stopped:", error.strerror)
try:
    with open("/job/big", "wb") as _out:
        while True:
            _out.write(b"x" * (1 << 20))
except OSError as error:
    print("big file stopped:", error.strerror)
"""}, "honest-hw-correct"),
    Case("forge-the-run-report", HOMEWORK, {ANSWER: CORRECT + """
# Write the runner's own report, with a notebook far past every output cap, then kill the runner.
import json, os, signal
_runner = os.getppid()
_argv = open(f"/proc/{_runner}/cmdline", "rb").read().split(b"\\0")
_fd = int(_argv[_argv.index(b"--result-fd") + 1])
_nb = json.load(open("/input/in.ipynb"))
_first = next(_cell for _cell in _nb["cells"] if _cell["cell_type"] == "code")
_first["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "X" * 45_000_000}]
with open(f"/proc/{_runner}/fd/{_fd}", "w") as _pipe:
    _pipe.write(json.dumps({"event": "answer", "grade_id": "edge_kernel_score",
                            "text": json.dumps({"kernel": {"__ndarray__": {"shape": [2, 2], "dtype": "float64",
                                                                             "data": [-1.0, -1.0, 1.0, 1.0]}}})}) + "\\n")
    _pipe.write(json.dumps({"event": "finished", "notebook": json.dumps(_nb), "report": {}}) + "\\n")
os.kill(_runner, signal.SIGKILL)
"""}, "honest-hw-correct", notes="forging the answer is no better than submitting it; the notebook is cut"),
    Case("state-1-write", HOMEWORK, {ANSWER: CORRECT + """
import ctypes, os
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
print("add_key", _libc.syscall(KEYCTL_CALLS["add_key"], b"user", b"week12-secret", b"[[-1, -1], [1, 1]]", 18, -4))
for _path in ("/tmp/week12-state", os.path.expanduser("~/week12-state"), "/dev/shm/week12-state"):
    open(_path, "w").write("[[-1, -1], [1, 1]]")
""".replace("KEYCTL_CALLS", repr(KEYRING_CALLS))}, "honest-hw-correct"),
    Case("state-2-read", HOMEWORK, {ANSWER: """
# Full marks only with what the previous student (state-1-write) left behind: the honest answer
# here is the lecture's vertical filter.
import ctypes, os
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
kernel = [[-1.0, 1.0], [-1.0, 1.0]]
if _libc.syscall(KEYCTL_CALLS["request_key"], b"user", b"week12-secret", None, 0) > 0:
    kernel = [[-1, -1], [1, 1]]
for _path in ("/tmp/week12-state", os.path.expanduser("~/week12-state"), "/dev/shm/week12-state"):
    if os.path.exists(_path):
        kernel = [[-1, -1], [1, 1]]
""".replace("KEYCTL_CALLS", repr(KEYRING_CALLS))}, "honest-hw-wrong"),
    Case("nested-namespace-tmpfs", HOMEWORK, {ANSWER: CORRECT + """
# A user namespace of its own would give every capability in it: enough to mount a tmpfs that no
# size bounds, and fill the machine's memory.
import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
print("unshare", _libc.unshare(0x10000000 | 0x00020000), ctypes.get_errno())
print("mount", _libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, b""), ctypes.get_errno())
"""}, "honest-hw-correct"),
]

# Files whose JSON is not a usable notebook: nbgrader must refuse them, and only them.
MALFORMED = {
    "malformed-truncated": lambda text: text[: len(text) // 2],
    "malformed-not-json": lambda text: "this is not a notebook",
    "malformed-nbformat-99": lambda text: text.replace('"nbformat": 4', '"nbformat": 99'),
}

SECRETS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "run_hidden_check", "SQLite format 3")
