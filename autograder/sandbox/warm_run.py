"""Run one untrusted entry in a fresh sandbox, its process forked from a warm parent.

The sandbox is made exactly as for a cold run (``run.py``: the same bwrap command, identity,
mounts, capped tmpfs, limits and seccomp filter), with ``hold.py`` as its command. Once the
holder says it is ready, the warm parent (``warm_parent.py``) forks a process that joins that
sandbox (``join.py``) and runs the entry; its result, stdout and stderr come back through pipes
into bounded buffers, as a cold run's do. When the run ends, or its wall clock does, bwrap is
killed, and with it everything in the sandbox. What comes back is the same :class:`SandboxResult`.

A warm parent that dies or stops answering raises :class:`WarmParentLost`: nothing of this run
is then the student's doing, and the caller replaces the parent and runs the notebook again.
"""

from __future__ import annotations

import json
import os
import signal as signals
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from autograder.sandbox import seccomp
from autograder.sandbox.bwrap import bwrap_command, sandbox_environment
from autograder.sandbox.limits import SandboxLimits
from autograder.sandbox.output import BoundedBuffer, drain
from autograder.sandbox.run import (FINAL_READ_SECONDS, SandboxResult, _identity, _input_folder, required_bwrap,
                                    sandbox_result)

HOLD = Path(__file__).resolve().parent / "hold.py"
# BLAS libraries start their worker threads when loaded; a parent must have one thread to fork.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# How long the parent may take to answer once the sandbox is gone (it only reaps its child).
ANSWER_SECONDS = 10.0


class WarmParentLost(RuntimeError):
    """The warm parent died or went wrong; no student's run is to blame."""


class WarmParentUnusable(RuntimeError):
    """A warm parent could not be started in a state that is safe to fork (why is the message)."""


class WarmParent:
    """One warm parent process (``warm_parent.py``) and the socket to it; one run at a time."""

    def __init__(self, preload: Sequence[str], entry: str, env: Mapping[str, str], *,
                 python: str = sys.executable, start_seconds: float = 300.0):
        self.preload, self.entry, self.env = tuple(preload), entry, dict(env)
        # The parent's imports run out here, not in a sandbox: whatever they read from or write
        # to a home, a cache or a temporary folder (Keras's keras.json, TensorFlow's plugin
        # folder, fonts, matplotlib's cache) must be a folder of its own, empty as a sandbox's
        # home is, never a shared or host one.
        self._home = tempfile.TemporaryDirectory(prefix="week12-warm-")  # 0700, the grader's
        home = Path(self._home.name)
        for name in ("tmp", ".config", ".cache", ".local/share"):
            (home / name).mkdir(parents=True)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._stderr = tempfile.TemporaryFile()
        parent_env = {**sandbox_environment(self.env), **SINGLE_THREADED,
                      "HOME": str(home), "TMPDIR": str(home / "tmp"), "KERAS_HOME": str(home / ".keras"),
                      "MPLCONFIGDIR": str(home / ".config" / "matplotlib"), "XDG_CONFIG_HOME": str(home / ".config"),
                      "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local" / "share")}
        self.process = subprocess.Popen(
            [python, "-m", "autograder.sandbox.warm_parent", "--control-fd", str(theirs.fileno()),
             "--entry", entry, *self.preload],
            env=parent_env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            pass_fds=(theirs.fileno(),), start_new_session=True)
        theirs.close()
        self.control = ours
        self.awaiting_exit = False  # a child was forked whose exit the parent has not told yet
        self.broken = False
        try:
            ready = self._answer(time.monotonic() + start_seconds)
        except WarmParentLost as lost:
            self.close()
            raise WarmParentUnusable(f"the warm parent did not start: {lost}") from None
        if ready.get("event") != "ready":
            self.close()
            raise WarmParentUnusable(f"the warm parent did not start: {ready.get('error', ready)}")
        self.pid, self.threads = ready["pid"], ready["threads"]
        if self.threads != 1:
            self.close()
            raise WarmParentUnusable(f"the warm parent runs {self.threads} threads after its imports: "
                                     "forking it is not safe")

    def alive(self) -> bool:
        return self.process.poll() is None

    def _stderr_tail(self) -> str:
        try:
            self._stderr.seek(0)
            return self._stderr.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def _answer(self, deadline: float) -> dict:
        try:
            return self._receive(deadline)
        except WarmParentLost:
            self.broken = True
            raise

    def _receive(self, deadline: float) -> dict:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarmParentLost("it did not answer in time")
            self.control.settimeout(remaining)
            try:
                message = self.control.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError as error:
                raise WarmParentLost(f"its socket failed: {error}") from None
            if not message:
                self.process.poll()
                tail = self._stderr_tail()
                raise WarmParentLost(f"it exited (status {self.process.returncode})" + (f": {tail.splitlines()[-1]}" if tail else ""))
            return json.loads(message)

    def fork(self, request: dict, fds: Sequence[int]) -> int:
        """Hand a run to the parent; the pid of its child."""
        try:
            socket.send_fds(self.control, [json.dumps(request).encode("utf-8")], list(fds))
        except OSError as error:
            raise WarmParentLost(f"its socket failed: {error}") from None
        answer = self._answer(time.monotonic() + ANSWER_SECONDS)
        if answer.get("event") != "forked":
            raise WarmParentLost(f"it answered {answer!r} instead of forking")
        self.awaiting_exit = True
        return answer["pid"]

    def exited(self, answer: dict) -> int:
        if answer.get("event") != "exited":
            self.broken = True
            raise WarmParentLost(f"it answered {answer!r} instead of the child's exit")
        self.awaiting_exit = False
        return answer["status"]

    def settle(self) -> None:
        """After the sandbox was killed: take the child's exit, so that the next run starts in step."""
        if self.awaiting_exit:
            try:
                self.exited(self._answer(time.monotonic() + ANSWER_SECONDS))
            except WarmParentLost:
                self.broken = True

    def usable(self) -> bool:
        return not self.broken and self.alive()

    def close(self) -> None:
        self.control.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._stderr.close()
        self._home.cleanup()


def _wait_for_holder(ready: int, info: int, deadline: float) -> int | None:
    """The host pid of the sandbox's first process once the holder said "ready" (bwrap writes
    the pid on its info pipe); None if the sandbox was not made, or not before ``deadline``."""
    buffers = {ready: BoundedBuffer(64), info: BoundedBuffer(4096)}
    pipes = {os.fdopen(fd, "rb", buffering=0): buffer for fd, buffer in buffers.items()}
    drain(pipes, deadline)
    for pipe in pipes:
        pipe.close()
    if bytes(buffers[ready].data) != b"ready\n":
        return None
    try:
        return int(json.loads(bytes(buffers[info].data).decode())["child-pid"])
    except (ValueError, KeyError, TypeError):
        return None


def run_sandboxed_warm(parent: WarmParent, arguments: Mapping, *, limits: SandboxLimits = SandboxLimits(),
                       env: Mapping[str, str] | None = None, inputs: Mapping[str, str | bytes] | None = None,
                       readonly_paths: Iterable[Path] = (), hidden_paths: Iterable[Path] = (),
                       bwrap_path: str | Path | None = None) -> SandboxResult:
    """As :func:`autograder.sandbox.run_sandboxed`, the command being the warm parent's entry
    called with ``arguments`` (and ``result_fd``) in a process forked from it."""
    bwrap = required_bwrap(bwrap_path)
    stdout, stderr, result = (BoundedBuffer(limits.output_bytes), BoundedBuffer(limits.output_bytes),
                              BoundedBuffer(limits.result_bytes))
    program = seccomp.sandbox_filter()
    with _identity() as identity, _input_folder(inputs or {}, identity.uid) as input_dir:
        ready_read, ready_write = os.pipe()
        info_read, info_write = os.pipe()
        filter_read, filter_write = os.pipe()
        os.write(filter_write, program)
        os.close(filter_write)
        command = bwrap_command(bwrap, [sys.executable, "-I", "-S", str(HOLD), str(ready_write)], identity=identity,
                                limits=limits, input_dir=input_dir, readonly_paths=readonly_paths,
                                hidden_paths=hidden_paths, seccomp_fd=filter_read)
        command[1:1] = ["--info-fd", str(info_write)]
        started = time.monotonic()
        deadline = started + limits.wall_seconds
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, env=sandbox_environment(env), start_new_session=True,
                                       pass_fds=(ready_write, info_write, filter_read))
        except BaseException:
            for fd in (ready_read, info_read):
                os.close(fd)
            raise
        finally:
            for fd in (ready_write, info_write, filter_read):
                os.close(fd)
        status, timed_out = -signals.SIGKILL, True
        try:
            holder_pid = _wait_for_holder(ready_read, info_read, deadline)
            if holder_pid is None:  # bwrap says why on its stderr, unless the wall clock ran out
                try:
                    status, timed_out = process.wait(timeout=max(0.0, deadline - time.monotonic())), False
                except subprocess.TimeoutExpired:
                    pass
            else:
                status, timed_out = _run_joined(parent, holder_pid, identity, limits, program, env, arguments,
                                                (stdout, stderr, result), deadline)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signals.SIGKILL)
            process.wait()
            parent.settle()
            bwrap_errors = BoundedBuffer(limits.output_bytes)
            drain({process.stderr: bwrap_errors}, time.monotonic() + FINAL_READ_SECONDS)
            process.stderr.close()
        elapsed = time.monotonic() - started
    if bwrap_errors.data and not stderr.data:
        stderr = bwrap_errors  # the sandbox could not be made: bwrap said why
    return sandbox_result(status, timed_out, (stdout, stderr, result), elapsed, limits, identity)


def _run_joined(parent: WarmParent, holder_pid: int, identity, limits: SandboxLimits, program: bytes,
                env: Mapping[str, str] | None, arguments: Mapping, buffers: tuple, deadline: float) -> tuple[int, bool]:
    """Have the parent fork the run into the holder's sandbox; (its exit status, timed out)."""
    pipes = [os.pipe() for _ in buffers]
    request = {"join": {"holder_pid": holder_pid, "uid": identity.uid, "user_namespace": identity.user_namespace,
                        "limits": asdict(limits), "seccomp_program": program.hex()},
               # bwrap sets PWD (its --chdir) for the command it starts: so does a warm run.
               "env": {**sandbox_environment(env), "PWD": "/"}, "arguments": dict(arguments)}
    try:
        parent.fork(request, [pipes[2][1], pipes[0][1], pipes[1][1]])  # result, stdout, stderr
    except BaseException:
        for read, _ in pipes:
            os.close(read)
        raise
    finally:
        for _, write in pipes:
            os.close(write)
    stdout, stderr, result = buffers
    readers = {os.fdopen(pipes[0][0], "rb", buffering=0): stdout, os.fdopen(pipes[1][0], "rb", buffering=0): stderr,
               os.fdopen(pipes[2][0], "rb", buffering=0): result}
    try:
        exited = _drain_until_exit(parent, readers, deadline)
        if exited is None:
            return -signals.SIGKILL, True
        return exited, False
    finally:
        for reader in readers:
            reader.close()


def _drain_until_exit(parent: WarmParent, readers: dict, deadline: float) -> int | None:
    """Read the run's pipes until the parent says its child exited (its status), or the deadline
    passes (None; then the caller kills the sandbox, and the parent's answer is waited for)."""
    # The pipes close when the run's processes have all ended, or the parent answers first when
    # a process the run left behind holds them open (the sandbox's end will stop it).
    if not drain(readers, deadline, wake=parent.control):
        return None
    if deadline <= time.monotonic():
        return None
    status = parent.exited(parent._answer(deadline))
    # What is still buffered in the pipes was written before the child exited.
    drain(readers, time.monotonic() + FINAL_READ_SECONDS)
    return status
