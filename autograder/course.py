"""The course directory: its configuration, its folders and the real nbgrader commands run in it.

There is one configuration, ``nbgrader_config.py`` at the course root, read the way nbgrader
reads it (traitlets). Every folder and the gradebook's URL come from nbgrader's own
``CourseDirectory`` (``c.CourseDirectory.submitted_directory``, ``db_url``...) and the LMS and
exchange folders from nbgrader's ``ZipCollectApp`` and ``Exchange`` settings, so a course that
renames them in its configuration is followed by every ``week12`` command. The folders that are
this package's own (stored answers, exports, reports) are named once, here.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

CONFIG_FILENAME = "nbgrader_config.py"
# This package's own working folders under the course root (nbgrader's come from its settings).
EXPORTS_DIR = "exports"
REPORTS_DIR = "reports"


class NbgraderCommandFailed(RuntimeError):
    def __init__(self, args: list[str], returncode: int, output: str):
        self.args_run, self.returncode, self.output = args, returncode, output
        super().__init__(f"nbgrader {' '.join(args)} exited {returncode}:\n{output[-4000:]}")


def find_course_config(start: Path | None = None) -> Path | None:
    """The nearest ``nbgrader_config.py`` at or above ``start`` (default: the working directory)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
    return None


def find_course_root(start: Path | None = None) -> Path:
    config = find_course_config(start)
    if config is None:
        raise SystemExit(f"error: no {CONFIG_FILENAME} here or above: run this from the course directory.")
    return config.parent


@lru_cache(maxsize=16)
def _loaded_config(root: str, mtime_ns: int):
    from traitlets.config import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG_FILENAME, path=root).load_config()


def load_course_config(root: Path, **overrides):
    """``nbgrader_config.py`` of the course at ``root`` as a traitlets ``Config``, with
    ``CourseDirectory.root`` set to it (nbgrader takes the working directory; a library call must
    not depend on it). Read again whenever the file changes; each call returns its own copy."""
    root = Path(root).resolve()
    path = root / CONFIG_FILENAME
    config = copy.deepcopy(_loaded_config(str(root), path.stat().st_mtime_ns))
    config.CourseDirectory.root = str(root)
    for section, values in overrides.items():
        for name, value in values.items():
            config[section][name] = value
    return config


def nbgrader_environment() -> dict[str, str]:
    env = dict(os.environ)
    # TensorFlow's C++ start-up lines are noise in every kernel nbgrader starts.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Kernels must run this interpreter (the course's virtual environment), whatever PATH says.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _setting(config, section: str, name: str, owner):
    """``c.<section>.<name>`` from ``config``, else the default of ``owner``'s trait."""
    if section in config and name in config[section]:
        return config[section][name]
    return owner.class_traits()[name].default()


@dataclass(frozen=True)
class Course:
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    # -- configuration ------------------------------------------------------------------------

    @property
    def config(self):
        """The course's configuration as nbgrader loads it (re-read when the file changes)."""
        return load_course_config(self.root)

    @property
    def coursedir(self):
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config)

    def db_url(self) -> str:
        """The gradebook nbgrader uses: ``c.CourseDirectory.db_url`` (SQLite in the course by default)."""
        return self.coursedir.db_url

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    def gradebook(self):
        """nbgrader's ``Gradebook`` on the configured database, for the configured course id (so
        that opening it adds no course of its own); use it as a context manager."""
        from nbgrader.api import Gradebook

        coursedir = self.coursedir
        return Gradebook(coursedir.db_url, coursedir.course_id)

    # -- folders ------------------------------------------------------------------------------

    def _directory(self, step: str) -> str:
        return getattr(self.coursedir, f"{step}_directory")

    def folder(self, step: str, student: str = ".", assignment: str = ".") -> Path:
        """nbgrader's folder for ``step`` ('source', 'release', 'submitted', 'autograded',
        'feedback', 'solution'), of one student and assignment, by ``c.CourseDirectory``."""
        return Path(os.path.normpath(self.coursedir.format_path(self._directory(step), student, assignment)))

    def student_folders(self, step: str, assignment: str) -> dict[str, Path]:
        """Every student's folder of ``assignment`` under ``step``, by student id, sorted."""
        import glob
        import re

        coursedir = self.coursedir
        pattern = re.compile(coursedir.format_path(self._directory(step), "(?P<student_id>[^/]+)", assignment,
                                                   escape=True) + "$")
        found = {}
        for path in sorted(glob.glob(coursedir.format_path(self._directory(step), "*", assignment))):
            match = pattern.match(path)
            if match and os.path.isdir(path):
                found[match.group("student_id")] = Path(path)
        return found

    def lms_archive(self, assignment: str) -> Path:
        """Where an LMS download of ``assignment`` goes for ``nbgrader zip_collect``
        (``c.ZipCollectApp.downloaded_directory``/<assignment>/``archive_directory``)."""
        from nbgrader.apps.zipcollectapp import ZipCollectApp

        config = self.config
        structure = _setting(config, "ZipCollectApp", "collect_directory_structure", ZipCollectApp)
        return self.root / structure.format(
            downloaded=_setting(config, "ZipCollectApp", "downloaded_directory", ZipCollectApp),
            assignment_id=assignment,
            collect_step=_setting(config, "ZipCollectApp", "archive_directory", ZipCollectApp))

    @property
    def exchange_root(self) -> Path:
        """nbgrader's exchange (``c.Exchange.root``)."""
        from nbgrader.exchange.default.exchange import Exchange

        return Path(_setting(self.config, "Exchange", "root", Exchange))

    @property
    def exports_dir(self) -> Path:
        return self.root / EXPORTS_DIR

    @property
    def reports_dir(self) -> Path:
        return self.root / REPORTS_DIR

    # -- assignments ---------------------------------------------------------------------------

    @property
    def assignments(self) -> list[str]:
        """Assignments are the folders of nbgrader's source directory."""
        source = self.folder("source")
        return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))

    def notebooks(self, assignment: str) -> list[str]:
        return sorted(p.name for p in self.folder("source", assignment=assignment).glob("*.ipynb"))

    # -- nbgrader ------------------------------------------------------------------------------

    def nbgrader(self, *args: str, check: bool = True, run_id: str = "") -> subprocess.CompletedProcess:
        """Run a real ``nbgrader`` command in the course root; its log is captured. ``run_id``: the
        week12 run it belongs to (what it finds is recorded under it, ``c.CollectReport.run_id``)."""
        command = [sys.executable, "-m", "nbgrader", *args] + ([f"--CollectReport.run_id={run_id}"] if run_id else [])
        done = subprocess.run(command, cwd=self.root, env=nbgrader_environment(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if check and done.returncode != 0:
            raise NbgraderCommandFailed(list(args), done.returncode, done.stdout)
        return done


# nbgrader's own autograde steps, student code and tests in one kernel: what a course gets when
# it opts out of trusted grading, and the baseline the benchmarks and the hostile corpus compare
# against. Appended to a course's nbgrader_config.py.
IN_KERNEL_GRADING_CONFIG = """
from nbgrader.converters import Autograde
c.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
c.Autograde.sanitize_preprocessors = Autograde.class_traits()["sanitize_preprocessors"].default()
"""
