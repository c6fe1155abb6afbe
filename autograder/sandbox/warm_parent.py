"""The warm parent: an interpreter with the notebooks' imports done, that forks each run's process.

``python -m autograder.sandbox.warm_parent --control-fd N --entry MODULE:FUNCTION MODULE...``
imports each MODULE (TensorFlow, numpy, matplotlib, the kernel machinery, the runner), says
``ready`` on the control socket with how many threads it has, and then serves one run at a time:
a request (a sandbox to join, the run's environment, the entry's arguments) comes with the run's
result, stdout and stderr pipes; it forks, and the child:

1. closes the control socket (nothing of a student's can talk to this process), starts a session
   of its own and volunteers as the out-of-memory killer's first choice;
2. joins the sandbox that bwrap made for this run (``join.py``): its namespaces, job folder,
   rlimits, uid, capabilities and seccomp filter, as a cold run's command would have them;
3. takes the run's environment (nothing of this process's own) and forks the entry process in
   the sandbox's PID namespace, which calls ``FUNCTION(result_fd=..., **arguments)``.

No student code ever runs in this process: it only imports, forks and waits. What a child shares
with it is its memory as it was after the imports, copy-on-write: a child that changes any of it
changes its own copy. This process answers ``forked`` and then ``exited`` with the child's exit
status (bwrap's convention: 128 + signal for a child killed by a signal); the child's own
failure to join says ``bwrap: warm start: ...`` on its stderr and exits 125.

Forking a process that runs threads copies only the forking one; locks other threads held stay
held forever in the child. So this process must have exactly one thread when it forks, which the
``ready`` message reports and the grader checks (BLAS libraries start worker threads at import
unless told to use one: the grader starts this process with that set).
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import importlib
import json
import os
import signal
import socket
import sys
import tempfile
import traceback

from autograder.sandbox.join import PR_SET_PDEATHSIG, Joining, join_sandbox
from autograder.sandbox.limits import SandboxLimits

PR_SET_DUMPABLE = 4

MAX_REQUEST_BYTES = 1 << 20
IMPORTS_SET: dict[str, str] = {}
JOIN_FAILED_EXIT = 125


def thread_count() -> int:
    return len(os.listdir("/proc/self/task"))


def _send(control: socket.socket, event: str, **fields) -> None:
    control.send(json.dumps({"event": event, **fields}).encode("utf-8"))


def _exit_status(wait_status: int) -> int:
    code = os.waitstatus_to_exitcode(wait_status)
    return 128 - code if code < 0 else code


def _keep_only(fds: dict[int, int]) -> None:
    """Make ``fds`` (target -> source) the process's only open descriptors."""
    # Out of the way first, so that no source is overwritten by an earlier target.
    moved = {target: fcntl.fcntl(source, fcntl.F_DUPFD_CLOEXEC, 64) for target, source in fds.items()}
    for target, source in moved.items():
        os.dup2(source, target, inheritable=target <= 2)
    os.closerange(max(fds) + 1, os.sysconf("SC_OPEN_MAX"))


# Signals that would otherwise end the joining process: nothing of the run may reach it, but a
# signal sent before the run's own session exists would.
IGNORED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                   signal.SIGPIPE, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)
RUN_STATUS_LOST = 70  # the joining process could not wait for its run (EX_SOFTWARE)


def _child(request: dict, fds: list[int], entry) -> None:
    """The forked run: never returns. Until the entry process is forked, any failure is the
    sandbox's (exit 125, ``bwrap: ...`` on stderr); after it, this only waits and passes on
    the entry's exit status."""
    code = JOIN_FAILED_EXIT
    try:
        result_fd, stdout_fd, stderr_fd = fds
        devnull = os.open(os.devnull, os.O_RDONLY)
        # The result pipe keeps a number of its own above the standard three.
        _keep_only({0: devnull, 1: stdout_fd, 2: stderr_fd, 3: result_fd})
        for number in IGNORED_SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:  # best effort: under memory pressure, the run goes before this warm parent
            with open("/proc/self/oom_score_adj", "w") as file:
                file.write("1000")
        except OSError:
            pass
        join = request["join"]
        join_sandbox(Joining(holder_pid=join["holder_pid"], uid=join["uid"], user_namespace=join["user_namespace"],
                             limits=SandboxLimits(**join["limits"]),
                             seccomp_program=bytes.fromhex(join["seccomp_program"])))
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.update(IMPORTS_SET)
        libc = ctypes.CDLL(None)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with this parent
        # Changing uid made this process undumpable; a cold run's exec makes its command
        # dumpable again (its own /proc/self files readable, as any process's are).
        libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
        pid = os.fork()
        if pid == 0:
            _entry_process(entry, request["arguments"])
    except BaseException as error:  # noqa: BLE001 - said on the run's stderr, then exit 125
        try:
            os.write(2, f"bwrap: warm start: {type(error).__name__}: {error}\n".encode())
        finally:
            os._exit(code)
    code = RUN_STATUS_LOST
    try:
        code = _wait_for_exit(pid)
    finally:
        os._exit(code)


def _wait_for_exit(pid: int) -> int:
    """The exit status of ``pid`` in bwrap's convention, once it has exited (a stop, say under a
    tracer the run chose, is not an end)."""
    while True:
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            return _exit_status(status)


def _entry_process(entry, arguments: dict) -> None:
    """The run's entry, in the sandbox's PID namespace: never returns."""
    code = 1
    try:
        os.setsid()  # a session of its own: nothing it signals by group reaches the joining process
        for number in IGNORED_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets them up at start
        sys.argv = [entry.__module__]
        # Python reseeds ``random`` in a forked child itself; numpy's global generator was
        # seeded once, in the parent, and would hand every run the same numbers.
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()
        # The parent's temporary folder (its own, outside every sandbox) is not the run's /tmp.
        tempfile.tempdir = None
        importlib.invalidate_caches()
        result = entry(result_fd=3, **arguments)
        code = result if isinstance(result, int) else 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - the run's stderr says what went wrong
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def python_c(result_fd: int, code: str, args: list[str]) -> int:
    """An entry that does what ``python -c CODE ARGS...`` would, in a warm-started process; an
    argument ``{result_fd}`` becomes the result pipe's number, as in a cold run's command."""
    sys.argv = ["-c", *(arg.replace("{result_fd}", str(result_fd)) for arg in args)]
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    exec(compile(code, "<string>", "exec"), namespace)  # noqa: S102 - this is the sandboxed command
    return 0


def serve(control: socket.socket, entry) -> None:
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_REQUEST_BYTES, 3)
        except OSError:
            return
        if not message:
            return  # the grader is gone
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            _send(control, "refused", reason=f"a request needs 3 descriptors, not {len(fds)}")
            continue
        request = json.loads(message)
        try:
            pid = os.fork()
        except OSError as error:
            for fd in fds:
                os.close(fd)
            _send(control, "refused", reason=f"fork failed: {error}")
            continue
        if pid == 0:
            control_fd = control.fileno()
            control.detach()
            os.close(control_fd)
            _child(request, fds, entry)
        for fd in fds:
            os.close(fd)
        _send(control, "forked", pid=pid)
        _, status = os.waitpid(pid, 0)
        _send(control, "exited", status=_exit_status(status))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.sandbox.warm_parent")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--entry", required=True, help="MODULE:FUNCTION run in each child")
    parser.add_argument("preload", nargs="*")
    args = parser.parse_args(argv)
    # ``-m`` put this process's working folder (its own home) first on sys.path; a run's runner
    # and kernel have their own there, as a cold run has them (the kernel adds its own).
    if sys.path and sys.path[0] == os.getcwd():
        sys.path_importer_cache.pop(sys.path.pop(0), None)
    control = socket.socket(fileno=args.control_fd)
    os.set_inheritable(control.fileno(), False)
    try:  # as root: the warm parent outlives runs, so it should not be the first to go
        if os.geteuid() == 0:
            with open("/proc/self/oom_score_adj", "w") as file:
                file.write("-500")
    except OSError:
        pass
    before = dict(os.environ)
    try:
        for name in args.preload:
            importlib.import_module(name)
        # What the imports put in the environment (TensorFlow's TF2_BEHAVIOR...): a cold run's
        # imports would have put it in the run's own.
        IMPORTS_SET.update({name: value for name, value in os.environ.items() if before.get(name) != value})
        module, _, function = args.entry.partition(":")
        entry = getattr(importlib.import_module(module), function)
    except BaseException as error:  # noqa: BLE001 - reported, then this process ends
        _send(control, "failed", error=f"{type(error).__name__}: {error}"[:500])
        return 1
    _send(control, "ready", pid=os.getpid(), threads=thread_count(), modules=len(sys.modules))
    serve(control, entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
