"""Move a forked process into a sandbox that bwrap has just made, as far as bwrap's command goes.

A warm start (``warm_parent.py``) forks each notebook's process from an interpreter that has its
imports done; that process cannot be started by bwrap, so it *joins* a fresh sandbox instead: bwrap
makes the sandbox exactly as for a cold run (namespaces, mounts, capped tmpfs, seccomp) with a
placeholder command (``hold.py``), and the forked process enters every namespace of it with
``setns`` and then does to itself what ``prlimit`` and ``setpriv`` do to bwrap's command: the same
rlimits, the same uid, no capability in any set, no new privileges, and the same seccomp filter
(``seccomp.py``). Only then does anything run that a student wrote. Its children (the runner and the
kernel) are forked after the PID namespace was entered, so they live in the sandbox's one, and die
with it.

Linux only (setns(2), prctl(2), capset(2) through libc).
"""

from __future__ import annotations

import ctypes
import os
import resource
from dataclasses import dataclass

from autograder.sandbox.bwrap import SANDBOX_JOB_DIR
from autograder.sandbox.limits import SandboxLimits, rlimit_values

# Entered in this order: the user namespace first (the others belong to it and need its
# capabilities to enter), the mount namespace last (after it, /proc is the sandbox's).
NAMESPACES = (("user", 0x10000000), ("ipc", 0x08000000), ("uts", 0x04000000), ("net", 0x40000000),
              ("pid", 0x20000000), ("cgroup", 0x02000000), ("mnt", 0x00020000))
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 22, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL, SECCOMP_MODE_FILTER = 4, 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class JoinFailed(RuntimeError):
    """The process could not enter the sandbox; it must not run anything of a student's."""


@dataclass(frozen=True)
class Joining:
    """What the forked process needs to become bwrap's command: the sandbox (``holder_pid``, a
    host pid of a process in its namespaces), who to be, the limits and the seccomp program."""

    holder_pid: int
    uid: int
    user_namespace: bool
    limits: SandboxLimits
    seccomp_program: bytes


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        raise JoinFailed(f"{what}: {os.strerror(ctypes.get_errno())}")


def _enter_namespaces(libc, holder_pid: int, user_namespace: bool) -> None:
    # Every namespace file is opened first: once the mount namespace is entered, /proc is the
    # sandbox's, where the holder has another pid.
    opened = []
    try:
        for name, flag in NAMESPACES:
            target = f"/proc/{holder_pid}/ns/{name}"
            try:
                same = os.stat(target).st_ino == os.stat(f"/proc/self/ns/{name}").st_ino
            except FileNotFoundError:  # a kernel without this namespace kind (cgroup)
                continue
            if not same:  # entering one's own user namespace again is an error (EINVAL)
                opened.append((name, flag, os.open(target, os.O_RDONLY | os.O_CLOEXEC)))
        entered = {name for name, _, _ in opened}
        if "mnt" not in entered or "pid" not in entered:
            raise JoinFailed("the holder shares this process's mount or PID namespace: it is not a sandbox")
        if ("user" in entered) != user_namespace:
            raise JoinFailed("the holder's user namespace is not what its sandbox identity says")
        for name, flag, fd in opened:
            _check(libc.setns(fd, flag), f"entering the sandbox's {name} namespace")
    finally:
        for _, _, fd in opened:
            os.close(fd)


def _install_seccomp(libc, program: bytes) -> None:
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "installing the seccomp filter")


def join_sandbox(joining: Joining) -> None:
    """Enter the sandbox and become what bwrap's command would be; raise :class:`JoinFailed` if
    any step fails (the caller must then exit without running anything else).

    Called in a freshly forked, single-threaded process (``setns`` into a user namespace refuses
    a multi-threaded one).
    """
    libc = _libc()
    try:
        with open("/proc/sys/kernel/cap_last_cap") as file:  # read here: the sandbox's /proc may differ
            last_cap = int(file.read())
    except (OSError, ValueError) as error:
        raise JoinFailed(f"cannot know every capability to drop: {error}") from error
    _enter_namespaces(libc, joining.holder_pid, joining.user_namespace)
    os.chdir(SANDBOX_JOB_DIR)
    for kind, (soft, hard) in rlimit_values(joining.limits).items():
        resource.setrlimit(kind, (soft, hard))
    _drop_privileges(libc, joining.uid, joining.user_namespace, last_cap)
    _install_seccomp(libc, joining.seccomp_program)


def _drop_privileges(libc, uid: int, user_namespace: bool, last_cap: int) -> None:
    """As ``setpriv [--reuid --regid --clear-groups] --no-new-privs --inh-caps=-all --bounding-set=-all``."""
    for cap in range(last_cap + 1):
        _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"dropping capability {cap} from the bounding set")
    _check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clearing the ambient capabilities")
    if not user_namespace:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    header, data = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(libc.syscall(126 if os.uname().machine == "x86_64" else 91, ctypes.byref(header), data),
           "emptying the capability sets")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "setting no-new-privileges")
