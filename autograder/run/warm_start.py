"""The warm start: runs borrow idle warm parents, and a lost one is replaced once.

A cold run pays, for every notebook, a new Python process, a new Jupyter kernel and
``import tensorflow`` (about two seconds of the three a lab notebook takes). A warm parent
(``autograder.sandbox.warm_parent``) pays them once: it imports what the notebooks and the runner
import, and each notebook's runner, then its kernel, are forked from it into a fresh sandbox of
their own (``autograder.sandbox.warm_run``). Every thread that runs notebooks (each worker of the
pool, nbgrader's own grading step, a cluster worker's task threads) borrows an idle parent for
one run, since a parent serves one run at a time, and gives it back; a new parent is made when
none is idle for that run environment. Parents outlive a command's worker pool, so a grader
that keeps running (a cluster worker, repeated ``autograde_assignments`` calls) pays the
imports once.

``c.SandboxedExecute.warm_start = False`` turns it off: every notebook then starts cold.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping

from autograder.sandbox import RESULT_FD, SandboxLimits, SandboxResult
from autograder.sandbox.warm_run import WarmParent, WarmParentLost, WarmParentUnusable, run_sandboxed_warm

# What the week's notebooks and the runner import: loaded once in the parent. The order is the
# import order of a lab notebook; nothing solution-bearing (``autograder.authoring``) is here.
PRELOAD = ("numpy", "tensorflow", "matplotlib", "matplotlib.pyplot", "IPython", "ipykernel.kernelapp",
           "ipykernel.ipkernel", "nbformat", "nbclient", "jupyter_client", "autograder.notebook",
           "autograder.inside.runner", "autograder.inside.forked_kernel", "autograder.inside.capture",
           "autograder.exercises",
           # What a kernel imports as it starts (its debugger alone is some 120 modules of pydevd).
           "ipykernel.debugger", "ipykernel.kernelspec", "IPython.core.debugger", "IPython.core.completerlib",
           "IPython.core.oinspect", "IPython.core.logger", "IPython.extensions.storemagic", "IPython.utils.wildcard",
           "sqlite3", "tornado.platform.asyncio", "tornado.queues", "tornado.locks", "xmlrpc.server", "pydoc",
           "runpy")
ENTRY = "autograder.inside.runner:run_warm"
ATTEMPTS = 2  # the first run, and once more on a new parent if the first parent was lost

log = logging.getLogger(__name__)
_idle: list[WarmParent] = []  # parents no run is using, newest last
_every_parent: set[WarmParent] = set()
_lock = threading.Lock()


class WarmStartFailed(RuntimeError):
    """The notebook could not be run on a warm parent, twice; the message says why."""


def _borrow(env: Mapping[str, str]) -> WarmParent:
    """An idle parent made for ``env``, else a new one (a few seconds: its imports)."""
    wanted = dict(env)
    while True:
        with _lock:
            parent = next((idle for idle in reversed(_idle) if idle.env == wanted), None)
            if parent is None:
                break
            _idle.remove(parent)
        if parent.usable():
            return parent
        discard(parent)  # died while idle
    parent = WarmParent(PRELOAD, ENTRY, env)
    with _lock:
        _every_parent.add(parent)
    return parent


def _give_back(parent: WarmParent) -> None:
    if not parent.usable():
        discard(parent)
        return
    with _lock:
        _idle.append(parent)


def keep_idle(env: Mapping[str, str], count: int) -> None:
    """Make sure ``count`` parents for ``env`` are idle (a long-running grader, before its first
    run, pays their imports then rather than during a student's hand-in)."""
    with _lock:
        idle = sum(1 for parent in _idle if parent.env == dict(env))
    for _ in range(max(0, count - idle)):
        try:
            parent = WarmParent(PRELOAD, ENTRY, env)
        except WarmParentUnusable as unusable:
            log.warning("%s", unusable)
            return
        with _lock:
            _every_parent.add(parent)
        _give_back(parent)


def discard(parent: WarmParent) -> None:
    with _lock:
        _every_parent.discard(parent)
        if parent in _idle:
            _idle.remove(parent)
    parent.close()


@atexit.register
def close_all() -> None:
    """End every warm parent (each also ends by itself when this process's socket to it closes)."""
    with _lock:
        parents = list(_every_parent)
        _every_parent.clear()
        _idle.clear()
    for parent in parents:
        parent.close()


def run_warm(run: Callable[[WarmParent], SandboxResult], env: Mapping[str, str],
             logger: logging.Logger = log) -> SandboxResult:
    """``run(parent)`` on a borrowed warm parent; on a new one once more if that one was lost."""
    reasons = []
    for attempt in range(ATTEMPTS):
        try:
            parent = _borrow(env)
        except WarmParentUnusable as unusable:
            reasons.append(str(unusable))
            logger.warning("%s", unusable)
            continue
        try:
            result = run(parent)
        except WarmParentLost as lost:
            reasons.append(f"the warm parent was lost during the run: {lost}")
            logger.warning("The warm parent was lost during a run (%s)%s", lost,
                           "; running the notebook again on a new one" if attempt + 1 < ATTEMPTS else "")
            discard(parent)
            continue
        except BaseException:
            discard(parent)
            raise
        _give_back(parent)
        return result
    raise WarmStartFailed("; then ".join(reasons))


def run_sandboxed_on_warm_parent(arguments: Mapping, *, env: Mapping[str, str], logger: logging.Logger = log,
                                 **sandbox) -> SandboxResult:
    return run_warm(lambda parent: run_sandboxed_warm(parent, arguments, env=env, **sandbox), env, logger)


def trial(env: Mapping[str, str], *, mounts, bwrap_path: str | None = None) -> str | None:
    """Start a warm parent as grading would and fork one trial run into a sandbox; None if that
    worked, else why not (for ``week12 doctor``)."""
    started = time.monotonic()
    try:
        parent = WarmParent(PRELOAD, "autograder.sandbox.warm_parent:python_c", env)
    except WarmParentUnusable as unusable:
        return str(unusable)
    try:
        code = ("import os, sys\nstatus = open('/proc/self/status').read()\n"
                "os.write(int(sys.argv[1]), ('tensorflow' in sys.modules and 'CapEff:\\t0000000000000000' in status"
                " and 'Seccomp:\\t2' in status and os.getcwd() == '/job').__repr__().encode())")
        result = run_sandboxed_warm(parent, {"code": code, "args": [RESULT_FD]}, limits=SandboxLimits(wall_seconds=60),
                                    env=env, readonly_paths=mounts.readonly, hidden_paths=mounts.hidden,
                                    bwrap_path=bwrap_path)
    except WarmParentLost as lost:
        return f"the trial warm parent was lost: {lost}"
    finally:
        parent.close()
    if result.result != b"True":
        return f"a trial run did not join its sandbox as it should: {result.problem or json.dumps(result.stderr[-300:])}"
    log.debug("warm start trial: %.1f s", time.monotonic() - started)
    return None
