"""``week12 status`` is a reading verb: after the service stopped, it leaves the course as it was.

SQLite readers of a record in WAL mode make its ``-wal`` and ``-shm`` files, read-only or not.
In a course several accounts share (a TA runs ``week12 status``, the grader account runs the
service), those files then belong to the TA, and the next ``week12 serve`` cannot write its
record. The service leaves its record in rollback-journal mode when it stops
(:meth:`ServiceState.at_rest`), so a reader makes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from autograder.course import nbgrader_environment
from autograder.service.state import REFUSED, ServiceState, state_path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_status_after_the_service_stopped_leaves_the_course_unchanged(tmp_path):
    course_root = tmp_path / "course"
    (course_root / "assignments").mkdir(parents=True)  # what makes a folder a course directory
    shutil.copy(REPO_ROOT / "nbgrader_config.py", course_root)
    record = ServiceState(state_path(course_root))  # as week12 serve writes it
    record.add("s01+week12_homework+x", "week12_homework", seen=time.time(), state=REFUSED, reason="a reason")
    record.at_rest()  # what serve() does when it stops
    record.close()
    before = sorted(path.name for path in (course_root / ".week12").iterdir())
    done = subprocess.run([str(Path(sys.executable).parent / "week12"), "status"], cwd=course_root,
                          env=nbgrader_environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "a reason" in done.stdout
    assert sorted(path.name for path in (course_root / ".week12").iterdir()) == before
