"""A hand-in folder's name is a student's word: no name stops the grading service.

Every student can write the exchange's ``inbound/``, and a file name on Linux is bytes. A name
that is not valid UTF-8 comes back from ``os.scandir`` with surrogate escapes, which SQLite (the
service's record) refuses: the service's loop stopped on it, and stopped again at every restart,
so nobody's hand-in was graded on submit any more. It is refused and recorded like any other bad
folder, under a printable stand-in, once.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from autograder.course import Course
from autograder.service.server import GradingServer
from autograder.service.state import REFUSED
from autograder.service.watcher import new_complete_handins

REPO_ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "week12_homework"


def _complete_folder(inbound: Path, name: bytes) -> None:
    folder = os.path.join(os.fsencode(inbound), name)
    os.makedirs(folder)
    for marker in (b"timestamp.txt", b"submission_secret.txt"):
        with open(os.path.join(folder, marker), "w") as handle:
            handle.write("x")


def _one_pass(server: GradingServer, inbound: Path) -> int:
    """What ``GradingServer._loop`` does with the hand-ins it finds, once; how many it took."""
    found = new_complete_handins(inbound, server.state.known_folders(), [ASSIGNMENT])
    for folder, assignment in found:
        server._take(folder, assignment)
    return len(found)


def test_a_folder_name_that_is_not_utf8_is_refused_once_and_the_service_goes_on(tmp_path):
    course_root = tmp_path / "course"
    course_root.mkdir()
    shutil.copy(REPO_ROOT / "nbgrader_config.py", course_root)
    inbound = tmp_path / "inbound"
    inbound.mkdir()
    _complete_folder(inbound, b"\xfe\xfe")  # names no assignment either
    _complete_folder(inbound, b"s01\xff+" + ASSIGNMENT.encode() + b"+2020-01-01+x")
    server = GradingServer(Course(course_root))
    try:
        assert _one_pass(server, inbound) == 2
        recorded = server.state.handins()
        assert sorted(h.state for h in recorded) == [REFUSED, REFUSED]
        assert all("UTF-8" in h.reason for h in recorded)
        assert "s01\\xff+week12_homework+2020-01-01+x" in {h.folder for h in recorded}
        assert _one_pass(server, inbound) == 0  # known now: not taken again at the next look
    finally:
        server.state.close()
