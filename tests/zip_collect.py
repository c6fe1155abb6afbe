"""nbgrader's ``zip_collect`` app with this course's extractor and collector, in the test process.

The app is nbgrader's own ``ZipCollectApp`` given the course's plugins by configuration, as
``nbgrader_config.py`` gives them; the tests call the steps the command would call
(``extract_archive_files``, the collector's ``collect`` for each file) on a course folder in a temp
directory, so no command is run and no configuration file is loaded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from nbgrader.apps import ZipCollectApp
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from autograder.collect.report import read_problems, report_path

ASSIGNMENT, NOTEBOOK = "week12-homework", "edge_filter.ipynb"
# The course's generic LMS naming (nbgrader_config.py's c.FileNameCollectorPlugin.named_regexp).
NAMED_REGEXP = r".*/(?P<student_id>[^/_]+)__(?P<timestamp>\d{8}T\d{6}Z)__(?P<file_id>[^/]+\.ipynb)$"
WHEN = "20260525T140000Z"


def download_name(student: str, file_name: str = NOTEBOOK, when: str = WHEN) -> str:
    """How the course's LMS names a student's file in its download."""
    return f"{student}__{when}__{file_name}"


def zip_collect_app(root: Path, **extractor_limits) -> ZipCollectApp:
    """nbgrader's app for ``ASSIGNMENT`` in the course folder ``root`` (released notebook included)."""
    release = root / "release" / ASSIGNMENT
    release.mkdir(parents=True, exist_ok=True)
    (release / NOTEBOOK).write_text("{}", encoding="utf-8")
    config = Config({
        "CourseDirectory": {"root": str(root), "assignment_id": ASSIGNMENT},
        "ZipCollectApp": {"extractor_plugin": "autograder.collect.extractor.SafeExtractor",
                          "collector_plugin": "autograder.collect.collector.SafeFileNameCollector"},
        "FileNameCollectorPlugin": {"named_regexp": NAMED_REGEXP},
        "SafeExtractor": extractor_limits,
    })
    app = ZipCollectApp(config=config)
    app.coursedir = CourseDirectory(parent=app)  # what the app's initialize() makes, without reading files
    app.init_plugins()
    return app


def archive_folder(app: ZipCollectApp) -> Path:
    folder = Path(app._format_collect_path(app.archive_directory))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def extracted_folder(app: ZipCollectApp) -> Path:
    return Path(app._format_collect_path(app.extracted_directory))


def extracted_files(app: ZipCollectApp) -> dict[str, bytes]:
    """Every file unpacked, by its path below the extracted folder."""
    folder = extracted_folder(app)
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def problems(app: ZipCollectApp) -> list:
    return read_problems(report_path(Path(app.coursedir.root)))


class NameWithoutUtf8Flag(zipfile.ZipInfo):
    """A member whose name is written in ``encoding`` without the zip's UTF-8 flag, as Canvas's
    rubyzip writes Korean names in UTF-8 (Python itself sets the flag for any name not in ASCII)."""

    def __init__(self, name: str, encoding: str = "utf-8"):
        super().__init__(name)
        self.name_encoding = encoding

    def _encodeFilenameFlags(self):  # zipfile's own hook for a member's name bytes
        return self.filename.encode(self.name_encoding), self.flag_bits & ~0x800


def write_zip(path: Path, members) -> Path:
    """A real zip file of ``members``: (name or ZipInfo, bytes) pairs, compressed."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for member, data in members:
            packed.writestr(member, data)
    return path
