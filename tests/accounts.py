"""An ordinary account to grade as, and a course environment it can run: how courses really grade.

A grader on JupyterHub or a shared server is a normal account, and the course package is often
installed (not editable) into an environment of its own, apart from the course directory. The
tests make both: when they run as root, a system account (``useradd``) that owns nothing but its
home; and, for it, a virtual environment made from a Python every account may run, with the
package installed by ``pip install <repository>``. Built once per checkout and ``pyproject.toml`` in
``/var/tmp`` (world-readable, as a hub's environment is) and refreshed when the package changes.
When the tests already run as an ordinary account, that account is used as it is.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ACCOUNT_NAME = "week12-grader"
HUB_ROOT = Path("/var/tmp")
BASE_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: Path

    @property
    def is_me(self) -> bool:
        return self.uid == os.geteuid()

    def environment(self, venv: Path | None = None, **extra: str) -> dict[str, str]:
        path = f"{venv / 'bin'}:/usr/bin:/bin" if venv else "/usr/bin:/bin"
        return {"PATH": path, "HOME": str(self.home), "USER": self.name, "LOGNAME": self.name,
                "LANG": "C.UTF-8", "TF_CPP_MIN_LOG_LEVEL": "2", **extra}

    def run(self, argv, *, cwd: Path, env: dict | None = None, check: bool = True, timeout: float | None = None,
            **options) -> subprocess.CompletedProcess:
        """Run ``argv`` as this account (its own uid, gid and no other group)."""
        switch = {} if self.is_me else {"user": self.uid, "group": self.gid, "extra_groups": []}
        done = subprocess.run(argv, cwd=cwd, env=env if env is not None else self.environment(), timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **switch, **options)
        if check and done.returncode != 0:
            raise AssertionError(f"{argv} as {self.name} exited {done.returncode}:\n{done.stdout[-6000:]}")
        return done

    def give(self, path: Path) -> Path:
        """Make ``path`` (a tree) this account's own, as a course directory of its grader would be."""
        if not self.is_me:
            for folder, dirs, files in os.walk(path):
                for name in [folder, *(os.path.join(folder, entry) for entry in dirs + files)]:
                    os.chown(name, self.uid, self.gid, follow_symlinks=False)
        return path


def ordinary_account() -> Account:
    """This account when it is an ordinary one; as root, the test account (made if missing)."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))
    return system_account(ACCOUNT_NAME)


def system_account(name: str) -> Account:
    """The system account ``name``, made with ``useradd`` (with a home) if missing; needs root to make."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--shell", "/bin/sh", name], check=True,
                       capture_output=True)
        entry = pwd.getpwnam(name)
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def shared_folder(prefix: str) -> Path:
    """A fresh folder that any account can reach (pytest's own temporary folders are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=HUB_ROOT))
    folder.chmod(0o755)
    return folder


def _base_python(account: Account) -> str:
    """A Python 3.11+ that ``account`` may run, to make the environment from."""
    candidates = [sys._base_executable] if account.is_me else list(BASE_PYTHONS)
    for candidate in candidates:
        if not Path(candidate).is_file():
            continue
        check = [candidate, "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"]
        if account.run(check, cwd=Path("/"), check=False).returncode == 0:
            return candidate
    raise RuntimeError(f"no Python 3.11+ with venv that {account.name} may run among {candidates}: install "
                       "Debian's python3 and python3-venv")


def _package_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "autograder").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def _pip_install(venv: Path, *options: str, extras: str = "") -> None:
    """``pip install`` the package as a hub does, from a clean copy of its sources: setuptools
    builds in the source tree and packs whatever an earlier build left in its ``build/``, so
    installing the repository itself could bring back modules that were moved or deleted."""
    with tempfile.TemporaryDirectory(prefix="week12-package-") as clean:
        source = Path(clean)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(REPO_ROOT / name, source / name)
        shutil.copytree(REPO_ROOT / "autograder", source / "autograder",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-cache-dir", *options, f"{source}{extras}"], check=True, capture_output=True)


def _installed_package_differs(venv: Path) -> str | None:
    """Why the package in ``venv`` is not the repository's code, as the grader checks it
    (``autograder.run.environment.package_fingerprint``); None when it is."""
    from autograder.run.environment import package_fingerprint

    found = list(venv.glob("lib/python3*/site-packages/autograder"))
    if len(found) != 1:
        return f"{venv} holds {len(found)} installed copies of the package"
    if package_fingerprint(found[0]) != package_fingerprint(REPO_ROOT / "autograder"):
        return f"the package installed in {venv} is not the repository's code"
    return None


def hub_environment(account: Account) -> Path:
    """A virtual environment with the course package installed as a hub has it (``pip install``,
    not editable), runnable by ``account``; its ``bin/`` holds nbgrader and week12."""
    # One environment per checkout (two checkouts on one machine must not reinstall each other's
    # code under the other's running tests), rebuilt when the dependencies change.
    checkout = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:8]
    wanted = hashlib.sha256((REPO_ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    venv = HUB_ROOT / f"week12-hub-{account.uid}-{checkout}-{wanted}"
    with open(HUB_ROOT / f"week12-hub-{account.uid}-{checkout}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time
        for stale in HUB_ROOT.glob(f"week12-hub-{account.uid}-{checkout}-*"):
            if stale != venv:
                shutil.rmtree(stale, ignore_errors=True)
        installed = venv / ".package-fingerprint"
        fingerprint = _package_fingerprint()
        if not (venv / "bin" / "python").exists():
            subprocess.run([_base_python(account), "-m", "venv", str(venv)], check=True, capture_output=True)
            _pip_install(venv, extras="[test]")
        elif not installed.exists() or installed.read_text() != fingerprint or _installed_package_differs(venv):
            _pip_install(venv, "--no-deps", "--force-reinstall")
        problem = _installed_package_differs(venv)
        if problem:
            raise RuntimeError(f"{problem}: remove {venv} and run the tests again")
        installed.write_text(fingerprint)
    return venv
