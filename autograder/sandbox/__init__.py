"""Run untrusted commands (student notebooks) in a bubblewrap sandbox with resource limits.

    problem = sandbox_problem()          # None where a sandbox can be made
    result = run_sandboxed([python, "run.py"], job_dir=folder, slot=0,
                           readonly_paths=[package_dir], hidden_paths=[package_dir / "authoring"])
    result.problem                       # None, or e.g. "killed after the wall-clock limit of 900 s"

The job folder appears at ``SANDBOX_JOB_DIR`` (/job) inside; see ``bwrap.py`` for the layout
and the privilege drop, ``limits.py`` for the limits.
"""

from autograder.sandbox.bwrap import SANDBOX_HOME, SANDBOX_JOB_DIR, find_bwrap, sandbox_uid
from autograder.sandbox.limits import SandboxLimits
from autograder.sandbox.probe import sandbox_problem
from autograder.sandbox.run import SandboxResult, SandboxUnavailable, run_sandboxed

__all__ = [
    "SANDBOX_HOME", "SANDBOX_JOB_DIR", "SandboxLimits", "SandboxResult", "SandboxUnavailable",
    "find_bwrap", "run_sandboxed", "sandbox_problem", "sandbox_uid",
]
