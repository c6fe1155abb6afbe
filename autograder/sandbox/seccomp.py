"""A seccomp filter for the sandbox: no kernel keyring, no new user namespace.

Two things are not covered by the namespaces and rlimits alone:

- the kernel keyring (``add_key``, ``request_key``, ``keyctl``) is per host uid, not per
  namespace, so one student's keys would be read back by the next sandbox of the same uid;
- a new user namespace made from inside gives its maker every capability in it, enough to mount
  a tmpfs that no size and no rlimit bounds (``unshare``/``clone`` with ``CLONE_NEWUSER``;
  ``clone3``, whose flags a filter cannot read, answers ENOSYS and the C library falls back to
  ``clone``, as in Docker's default profile).

The filter is classic BPF, built here without libseccomp, and handed to bwrap (``--seccomp``),
which installs it just before the sandbox's first command. Any other architecture than the
native one (32-bit compatibility calls, x32) kills the process: nothing legitimate uses them.
"""

from __future__ import annotations

import errno
import platform
import struct

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
SYSCALLS = {
    "x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250, "clone": 56, "unshare": 272, "clone3": 435},
    "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219, "clone": 220, "unshare": 97, "clone3": 435},
}
CLONE_NEWUSER = 0x10000000
X32_SYSCALL_BIT = 0x40000000

_LD_W_ABS, _JEQ_K, _JGE_K, _JSET_K, _RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL_PROCESS, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_NR, _ARCH, _ARG0_LOW = 0, 4, 16  # offsets in struct seccomp_data (little-endian low word of args[0])


def supported() -> bool:
    return platform.machine() in AUDIT_ARCH and struct.pack("=I", 1)[0] == 1


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def sandbox_filter(machine: str | None = None) -> bytes:
    """The BPF program (``struct sock_filter[]``, native byte order) for ``machine``."""
    machine = machine or platform.machine()
    calls = SYSCALLS[machine]
    denied = [calls["add_key"], calls["request_key"], calls["keyctl"], calls["clone3"]]
    program = [_insn(_LD_W_ABS, 0, 0, _ARCH), _insn(_JEQ_K, 1, 0, AUDIT_ARCH[machine]),
               _insn(_RET_K, 0, 0, _KILL_PROCESS), _insn(_LD_W_ABS, 0, 0, _NR)]
    if machine == "x86_64":
        program += [_insn(_JGE_K, 0, 1, X32_SYSCALL_BIT), _insn(_RET_K, 0, 0, _KILL_PROCESS)]
    # Layout after this point: [denied checks][clone/unshare checks] ALLOW, DENY, FLAG-CHECK...
    tail = [_insn(_RET_K, 0, 0, _ALLOW), _insn(_RET_K, 0, 0, _ERRNO | errno.ENOSYS),
            _insn(_LD_W_ABS, 0, 0, _ARG0_LOW), _insn(_JSET_K, 0, 1, CLONE_NEWUSER),
            _insn(_RET_K, 0, 0, _ERRNO | errno.EPERM), _insn(_RET_K, 0, 0, _ALLOW)]
    checks = len(denied) + 2
    for position, number in enumerate(denied):
        # jump to DENY: skip the remaining checks, then ALLOW
        program.append(_insn(_JEQ_K, checks - position, 0, number))
    for position, number in enumerate((calls["clone"], calls["unshare"])):
        remaining = 2 - position - 1
        program.append(_insn(_JEQ_K, remaining + 2, 0, number))  # to FLAG-CHECK
    return b"".join(program + tail)
