"""``nbgrader zip_collect``'s extractor for an LMS download: only its top level, within limits.

nbgrader's own extractor unpacks archives recursively, keeps mode bits and has no size cap, so a
student's uploaded zip could carry files named as other students' (or as students that do not
exist), a timestamp in a name of its own choosing, a setuid bit, or a gigabyte behind a megabyte.
Here the instructor's download (the folder ``downloaded/<assignment>/archive``, files and the
zip files the LMS made) is read, and only that top level is unpacked:

- a member that is itself an archive is a student's upload of an archive: it is neither unpacked
  nor collected, and is reported for that student (``archive_in_upload``);
- members with an absolute or ``..`` path, or that are links, are skipped (``unsafe_member``);
- the number of members, the total size, each member's size and its expansion ratio are bounded
  (``archive_too_large``); sizes are counted while writing, not taken from the archive's word;
- every file is written as a plain 0644 file, whatever mode the archive gave it;
- a name too long for the file system (255 bytes: a long Korean name in a Moodle folder name) is
  written shortened, with a hash of the whole name (:func:`autograder.lms.names.fitting_name`),
  and the member's own path inside the download is kept (``lms_paths``): the collector reads who
  handed it in from that path, as the LMS wrote it. A member that still cannot be written (nested
  too deep, a file where the zip also has a folder) is reported for its upload and skipped; the
  others are unpacked all the same.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from nbgrader.plugins import ExtractorPlugin
from traitlets import Float, Integer

from autograder.collect.report import CollectReport
from autograder.lms.names import PATH_MAX_BYTES, fitting_name, shown_name, utf8_length

ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar")
CHUNK = 1 << 20


UTF8_NAME_FLAG = 0x800


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its LMS wrote it. A zip without the UTF-8 flag (Canvas's rubyzip sets
    none) is read by Python as code page 437, which turns Korean names into mojibake: those bytes
    are read again as UTF-8 when they are valid UTF-8."""
    if info.flag_bits & UTF8_NAME_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


class SafeExtractor(ExtractorPlugin):
    max_members = Integer(20_000, help="Most members an LMS download may have.").tag(config=True)
    max_total_bytes = Integer(2 << 30, help="Most bytes an LMS download may unpack to.").tag(config=True)
    max_member_bytes = Integer(100 << 20, help="Largest file one member may unpack to.").tag(config=True)
    max_ratio = Float(200.0, help="Largest expansion (unpacked / packed size) of one member above 1 MiB.").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lms_paths: dict[str, str] = {}  # unpacked file -> its path inside the download

    def _report(self, kind: str, path: str, detail: str) -> None:
        CollectReport(parent=self.parent).record(kind, self._student_of(path), self._assignment(), detail, self.log)

    def _assignment(self) -> str:
        coursedir = getattr(self.parent, "coursedir", None)
        return getattr(coursedir, "assignment_id", "") or ""

    def _student_of(self, path: str) -> str:
        """The student a member belongs to, by the collector's own reading of its path in the
        download (read as if an archive were the notebook it should have been), if it matches."""
        collector = getattr(self.parent, "collector_plugin_inst", None)
        lms_path = self.lms_paths.get(path, path)
        for candidate in (lms_path, re.sub(r"(\.tar)?\.[A-Za-z0-9]+$", ".ipynb", lms_path)):
            if hasattr(collector, "student_of"):
                student = collector.student_of(path, candidate)
            else:
                pattern = getattr(collector, "named_regexp", "")
                as_path = str(Path(path).parent / Path(candidate).name)
                try:
                    match = re.match(pattern, as_path) if pattern else None
                except re.error:
                    return "(unknown)"
                student = match.groupdict().get("student_id") if match else None
            if student:
                return student
        return "(unknown)"

    def extract(self, archive_path: str, extracted_path: str) -> None:
        archive_path, extracted_path = Path(archive_path), Path(extracted_path)
        for folder, _, files in os.walk(archive_path, followlinks=False):
            relative = Path(folder).relative_to(archive_path)
            for name in sorted(files):
                path = Path(folder) / name
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    self.log.warning("Skipping %s: not a regular file", path)
                    continue
                target = extracted_path / relative
                target.mkdir(parents=True, exist_ok=True)
                # A file put here by hand: its path below the archive folder is its path in the download.
                self.lms_paths[str(target / name)] = (relative / name).as_posix()
                if name.lower().endswith(".zip"):
                    self.log.info("Extracting the top level of %s", path)
                    self._unpack(path, target)
                elif name.lower().endswith(ARCHIVE_SUFFIXES):
                    self._report("archive_in_upload", str(target / name), f"{name} is an archive, not a notebook: "
                                 "it is not unpacked (hand in the .ipynb file itself)")
                else:
                    shutil.copyfile(path, target / name)
                    os.chmod(target / name, 0o644)

    def _unpack(self, zip_path: Path, target: Path) -> None:
        try:
            archive = zipfile.ZipFile(zip_path)
        except (zipfile.BadZipFile, OSError) as error:
            self.log.error("Cannot read %s: %s", zip_path, error)
            return
        with archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) > self.max_members or sum(info.file_size for info in members) > self.max_total_bytes:
                self._report("archive_too_large", str(target / zip_path.name), f"{zip_path.name}: {len(members)} members, "
                             f"{sum(info.file_size for info in members)} bytes unpacked: over the limits; nothing taken")
                return
            written = 0
            for info in members:
                written += self._member(archive, info, target, self.max_total_bytes - written)

    def _member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
        name = member_name(info)
        parts = PurePosixPath(name.replace("\\", "/")).parts
        kept = [part for part in parts if part not in ("/", "..")]
        # On disk each part fits a file name; the member's own path is kept for the collector.
        where = str(target.joinpath(*[fitting_name(part) for part in kept]))
        self.lms_paths[where] = "/".join(kept)
        if name.startswith(("/", "\\")) or ".." in parts or not parts or stat.S_ISLNK(info.external_attr >> 16):
            self._report("unsafe_member", where, f"{shown_name(name)}: an absolute or '..' path, or a link; skipped")
            return 0
        if name.lower().endswith(ARCHIVE_SUFFIXES):
            self._report("archive_in_upload", where, f"{shown_name(PurePosixPath(name).name)} is an archive, not a "
                         "notebook: it is not unpacked (hand in the .ipynb file itself)")
            return 0
        ratio_ok = info.file_size <= 1 << 20 or info.file_size <= self.max_ratio * max(info.compress_size, 1)
        if info.file_size > self.max_member_bytes or not ratio_ok:
            self._report("archive_too_large", where, f"{shown_name(name)}: {info.file_size} bytes from "
                         f"{info.compress_size}: over the limits; skipped")
            return 0
        path = Path(where)
        if utf8_length(where) > PATH_MAX_BYTES:
            self._report("unsafe_member", where, f"{shown_name(name)}: nested too deep for a path "
                         f"({utf8_length(where)} bytes); skipped")
            return 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a file of the zip where it also has a folder, ...
            self._report("unsafe_member", where, f"{shown_name(name)}: cannot be written ({error.strerror}); skipped")
            return 0
        limit = min(info.file_size, budget)
        written = 0
        try:
            with archive.open(info) as source, open(path, "wb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > limit:  # more than the archive said, or than is left
                        break
                    out.write(chunk)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:  # encrypted, corrupt
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
            self._report("unsafe_member", where, f"{shown_name(name)}: cannot be read or written ({error}); skipped")
            return 0
        if written > limit:
            path.unlink()
            self._report("archive_too_large", where, f"{shown_name(name)}: unpacks to more than it declares; skipped")
            return 0
        os.chmod(path, 0o644)
        return written
