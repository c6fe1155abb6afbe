"""Run untrusted commands (student notebooks) in a bubblewrap sandbox with resource limits.

    problem = sandbox_problem()          # None where a sandbox can be made, as root or not
    result = run_sandboxed([python, "-c", code], inputs={"in.json": text},
                           readonly_paths=[package_dir], hidden_paths=[package_dir / "authoring"])
    result.problem                       # None, or e.g. "killed after the wall-clock limit of 900 s"
    result.result                        # what the command wrote to its result pipe (bounded)

Inputs appear read-only in ``/input``, the working directory ``/job`` is a capped tmpfs of the
sandbox's own. ``bwrap.py`` is the layout, ``identity.py`` who the code runs as (root or an
ordinary account), ``limits.py`` the limits, ``seccomp.py`` the system-call filter, ``probe.py``
whether and why (not) a sandbox can be made here. A warm start (``warm_run.py``) runs the same
sandbox with a process forked from a warm parent (``warm_parent.py``) that joins it (``join.py``).
"""

from autograder.sandbox.bwrap import (SANDBOX_HOME, SANDBOX_INPUT_DIR, SANDBOX_JOB_DIR, find_bwrap,
                                      sandbox_environment)
from autograder.sandbox.limits import SandboxLimits
from autograder.sandbox.probe import sandbox_problem
from autograder.sandbox.run import RESULT_FD, SandboxResult, SandboxUnavailable, run_sandboxed

__all__ = [
    "RESULT_FD", "SANDBOX_HOME", "SANDBOX_INPUT_DIR", "SANDBOX_JOB_DIR", "SandboxLimits", "SandboxResult",
    "SandboxUnavailable", "find_bwrap", "run_sandboxed", "sandbox_environment", "sandbox_problem",
]
