"""Who the sandboxed code is, for root and for an ordinary account, with the same guarantees.

Two things must hold for every sandbox: a process limit that a fork bomb cannot escape and that is
not shared with the grader's other processes or with other sandboxes, and no capability left to
the student's code. They are reached in two ways.

**As root** (no user namespace). A user namespace made by root maps the sandbox to host uid 0,
for which the kernel ignores RLIMIT_NPROC. So bwrap runs without one, and ``setpriv`` drops the
code to an unprivileged uid leased from a pool (``leases.py``) for this one sandbox: the uid's
RLIMIT_NPROC count is this sandbox's alone, and every process of that uid is killed when it ends.

**As an ordinary account** (a JupyterHub or shared-server grader). bwrap makes an unprivileged
user namespace of its own for each sandbox, mapping the account to uid 0 inside (only one uid can
be mapped without subordinate uids, and util-linux's tools need uid 0 to set the sandbox up).
Since Linux 5.14 the kernel counts RLIMIT_NPROC per user namespace, and checks a child namespace's
count against the limit set in it (``kernel/ucount.c``): the limit ``prlimit`` sets inside counts
only this sandbox's processes, not the account's others, not another sandbox's. Inside, ``setpriv``
empties every capability set and sets no-new-privileges, so "uid 0" there holds no privilege:
host files appear as the overflow uid and the account's own, and nothing more is reachable than
the account could reach. We chose this over a cgroup's ``pids.max`` (delegated to ordinary accounts
only under systemd user sessions, rarely on hubs or in containers) and over subordinate uids
(``newuidmap`` needs an administrator's ``/etc/subuid`` entry per grader account); the probe
(``probe.py``) checks on the spot that the per-namespace count really holds on this kernel.

In both ways the sandbox's own first command (``mount_stage.py``) needs CAP_SYS_ADMIN to mount
its capped tmpfs, and ``setpriv`` needs CAP_SETPCAP to empty the bounding set; both are dropped
before the runner starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxIdentity:
    """``uid`` is who the code runs as inside; ``leased`` that it is a pool uid on the host too."""

    uid: int
    user_namespace: bool

    @classmethod
    def as_root(cls, leased_uid: int) -> "SandboxIdentity":
        return cls(leased_uid, user_namespace=False)

    @classmethod
    def as_this_account(cls) -> "SandboxIdentity":
        return cls(0, user_namespace=True)

    @property
    def leased(self) -> bool:
        return not self.user_namespace

    def namespace_arguments(self) -> list[str]:
        if self.user_namespace:
            return ["--unshare-user", "--uid", "0", "--gid", "0"]
        return []

    def kept_capabilities(self) -> tuple[str, ...]:
        # Root also needs to switch uid (setpriv --reuid), to leave the groups, and to enter the
        # job folder it mounted for the leased uid.
        if self.user_namespace:
            return ("CAP_SYS_ADMIN", "CAP_SETPCAP")
        return ("CAP_SYS_ADMIN", "CAP_SETPCAP", "CAP_SETUID", "CAP_SETGID", "CAP_DAC_READ_SEARCH")

    def drop_arguments(self) -> list[str]:
        """setpriv's options: no capability in any set, no new privileges, the leased uid (root)."""
        switch = [] if self.user_namespace else [f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups"]
        return [*switch, "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]

    def job_owner(self) -> int | None:
        """The uid the job tmpfs belongs to (root mounts it for the leased uid)."""
        return None if self.user_namespace else self.uid


def running_as_root() -> bool:
    return os.geteuid() == 0
