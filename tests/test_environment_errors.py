"""Every ``week12`` verb meets a wrong set-up with one clear line and exit status 2, never a traceback.

Each verb of ``autograder.cli.VERBS`` (so a verb added later is covered too) runs against a
gradebook server that refuses connections (a loopback port nothing listens on), a gradebook URL
naming a driver that is not installed, and an exchange this account cannot write; then the other
things a new user meets: an SQLite gradebook whose folder is missing, a file that is no database,
an exchange that cannot be made, a course without its assignments folder, no sandbox tool. The
verbs run in-process through ``autograder.cli.main``, in a course copy; the checks are up front,
so each takes milliseconds. ``--debug`` shows the traceback. What the checks leave behind is
compared byte for byte: nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path

import pytest

from autograder import cli
from autograder.course import Course
from autograder.environment_check import check_environment, run_verb
from tests.accounts import hub_environment, ordinary_account, shared_folder
from tests.conftest import copy_course

LAB = "week12-lab"
MISSING_DRIVER = "psycopg2"


def required_arguments(verb: str) -> list[str]:
    """What ``verb`` must be given: an assignment for each positional argument it requires."""
    parser = argparse.ArgumentParser()
    for add in cli.VERBS[verb][2]:
        add(parser)
    return [LAB for action in parser._actions
            if not action.option_strings and action.nargs not in ("*", "?", argparse.SUPPRESS)]


def run_week12(course: Course, monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    monkeypatch.chdir(course.root)
    status = cli.main(list(argv))
    return status, capsys.readouterr().err


def one_clear_line(stderr: str) -> str:
    """The single line ``stderr`` holds, checked to be a sentence and not a traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and lines[0].startswith("error: "), stderr
    return lines[0]


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
            for path in sorted(root.rglob("*"))}


def _configured(tmp_path_factory, name: str, *settings: str) -> Course:
    course = copy_course(tmp_path_factory.mktemp(name) / "course")
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\n" + "\n".join(settings) + "\n")
    return course


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released: connecting is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def refused_url() -> str:
    return f"postgresql://week12:secret@127.0.0.1:{_closed_port()}/gradebook"


@pytest.fixture(scope="module")
def server_down(tmp_path_factory, refused_url) -> Course:
    course = _configured(tmp_path_factory, "server-down", f"c.CourseDirectory.db_url = {refused_url!r}")
    course.exchange_root.is_dir()  # loaded once: loading nbgrader_config.py makes the exchange
    return course


@pytest.fixture(scope="module")
def driver_missing(tmp_path_factory) -> Course:
    assert find_spec(MISSING_DRIVER) is None, f"{MISSING_DRIVER} is installed here: pick a driver that is not"
    url = f"postgresql+{MISSING_DRIVER}://week12@127.0.0.1:{_closed_port()}/gradebook"
    return _configured(tmp_path_factory, "driver-missing", f"c.CourseDirectory.db_url = {url!r}")


@pytest.mark.parametrize("verb", list(cli.VERBS))
def test_every_verb_says_in_one_line_that_the_gradebook_server_refuses(verb, server_down, refused_url, monkeypatch,
                                                                       capsys):
    before = _tree_digest(server_down.root)
    status, stderr = run_week12(server_down, monkeypatch, capsys, verb, *required_arguments(verb))
    line = one_clear_line(stderr)
    assert status == 2
    assert _tree_digest(server_down.root) == before  # refused before it started: nothing half-done
    port = refused_url.rsplit(":", 1)[1].split("/")[0]
    assert f"127.0.0.1:{port}" in line and "c.CourseDirectory.db_url" in line
    assert "secret" not in line  # the password is never shown


@pytest.mark.parametrize("verb", list(cli.VERBS))
def test_every_verb_says_in_one_line_that_the_gradebook_driver_is_not_installed(verb, driver_missing, monkeypatch,
                                                                                capsys):
    status, stderr = run_week12(driver_missing, monkeypatch, capsys, verb, *required_arguments(verb))
    line = one_clear_line(stderr)
    assert status == 2
    assert MISSING_DRIVER in line and "pip install psycopg2-binary" in line
    assert "postgresql://" in line  # the URL of the driver that is installed


def test_debug_shows_the_traceback_and_then_the_same_line(server_down, monkeypatch, capsys):
    _, plain = run_week12(server_down, monkeypatch, capsys, "report")
    status, stderr = run_week12(server_down, monkeypatch, capsys, "--debug", "report")
    assert status == 2
    assert "Traceback" in stderr and "OperationalError" in stderr
    assert stderr.strip().splitlines()[-1] == plain.strip()


def test_debug_may_follow_the_verb(server_down, monkeypatch, capsys):
    status, stderr = run_week12(server_down, monkeypatch, capsys, "export", "--debug")
    assert status == 2 and "Traceback" in stderr


# -- folders this account cannot write (root could write anything: an ordinary account runs them) ----

def _shut(path: Path, account) -> Path:
    """``path`` (a folder) made one ``account`` cannot write: another account's, or its own read-only."""
    if account.is_me:
        path.chmod(0o555)
    else:
        os.chown(path, 0, 0)
        path.chmod(0o755)
    return path


def _account_course(folder: Path, account, *settings: str) -> Course:
    course = copy_course(folder / "course")
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\n" + "\n".join(settings) + "\n")
    account.give(course.root)
    return course


@pytest.fixture(scope="module")
def as_account():
    """Verbs run by an ordinary account in courses where one folder is not its to write: every
    verb with an exchange that is not (``exchange``); ``export`` with an SQLite gradebook in a
    folder that is not (``gradebook``); ``collect`` in a course folder that is not (``course``).
    Run as commands, in parallel: each is refused before it starts."""
    account = ordinary_account()
    folder = shared_folder("week12-unwritable-")
    try:
        exchange = folder / "exchange"
        exchange.mkdir()
        with_exchange = _account_course(folder / "a", account, f"c.Exchange.root = {str(exchange)!r}")
        runs = [("exchange", verb, with_exchange) for verb in cli.VERBS]
        gradebook_folder = folder / "gradebooks"
        gradebook_folder.mkdir()
        runs.append(("gradebook", "export", _account_course(
            folder / "b", account, f"c.CourseDirectory.db_url = 'sqlite:///{gradebook_folder}/gradebook.db'")))
        own = account.give(Path(tempfile.mkdtemp(dir=folder)))
        shut_course = _account_course(folder / "c", account,
                                      f"c.CourseDirectory.db_url = 'sqlite:///{own}/gradebook.db'",
                                      f"c.Exchange.root = {str(own / 'exchange')!r}")
        runs.append(("course", "collect", shut_course))
        for path in (exchange, gradebook_folder, shut_course.root):
            _shut(path, account)
        week12 = (str(Path(sys.executable).parent / "week12") if account.is_me
                  else str(hub_environment(account) / "bin" / "week12"))
        switch = {} if account.is_me else {"user": account.uid, "group": account.gid, "extra_groups": []}

        def run(scenario):
            kind, verb, course = scenario
            done = subprocess.run([week12, verb, *required_arguments(verb)], cwd=course.root, env=account.environment(),
                                  capture_output=True, text=True, timeout=300, **switch)
            return (kind, verb), done

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = dict(pool.map(run, runs))
        yield {"account": account, "exchange": exchange, "gradebooks": gradebook_folder, "course": shut_course.root,
               "results": results}
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# As root these need the ordinary account's environment (pip-installed like a hub's: minutes the
# first time), as the other ordinary-account tests do.
@pytest.mark.nbgrader
@pytest.mark.parametrize("verb", list(cli.VERBS))
def test_every_verb_says_in_one_line_that_the_exchange_is_not_writable(verb, as_account):
    done = as_account["results"][("exchange", verb)]
    line = one_clear_line(done.stderr)
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(as_account["exchange"]) in line and "c.Exchange.root" in line
    assert as_account["account"].name in line


@pytest.mark.nbgrader
def test_an_sqlite_gradebook_in_a_folder_this_account_cannot_write_is_one_line(as_account):
    done = as_account["results"][("gradebook", "export")]
    line = one_clear_line(done.stderr)
    assert done.returncode == 2 and str(as_account["gradebooks"]) in line and as_account["account"].name in line


@pytest.mark.nbgrader
def test_a_course_folder_this_account_cannot_write_is_one_line(as_account):
    done = as_account["results"][("course", "collect")]
    line = one_clear_line(done.stderr)
    assert done.returncode == 2 and f"course folder {as_account['course']}" in line


# -- the other things a new user meets --------------------------------------------------------

def test_an_sqlite_gradebook_in_a_missing_folder_is_one_line(tmp_path_factory, monkeypatch, capsys):
    missing = tmp_path_factory.mktemp("no-gradebook-folder") / "not-there"
    course = _configured(tmp_path_factory, "sqlite-missing",
                         f"c.CourseDirectory.db_url = 'sqlite:///{missing}/gradebook.db'")
    status, stderr = run_week12(course, monkeypatch, capsys, "export")
    assert status == 2 and str(missing) in one_clear_line(stderr)
    assert not missing.exists()


def test_a_gradebook_file_that_is_no_database_is_one_line(tmp_path_factory, monkeypatch, capsys):
    course = copy_course(tmp_path_factory.mktemp("not-a-database") / "course")
    (course.root / "gradebook.db").write_text("these are my notes\n", encoding="utf-8")
    status, stderr = run_week12(course, monkeypatch, capsys, "report")
    assert status == 2 and "gradebook.db is not an SQLite database" in one_clear_line(stderr)
    assert (course.root / "gradebook.db").read_text(encoding="utf-8") == "these are my notes\n"


def test_an_exchange_that_cannot_be_made_is_one_line(tmp_path_factory, monkeypatch, capsys):
    blocker = tmp_path_factory.mktemp("exchange-blocked") / "srv"
    blocker.write_text("a file where the exchange's folder should be\n", encoding="utf-8")
    course = _configured(tmp_path_factory, "exchange-blocked", f"c.Exchange.root = {str(blocker / 'exchange')!r}")
    status, stderr = run_week12(course, monkeypatch, capsys, "collect", LAB)
    line = one_clear_line(stderr)
    assert status == 2 and str(blocker) in line and "c.Exchange.root" in line


def test_a_course_without_its_assignments_folder_is_one_line(tmp_path_factory, monkeypatch, capsys):
    course = copy_course(tmp_path_factory.mktemp("no-assignments") / "course")
    shutil.rmtree(course.root / "assignments")
    status, stderr = run_week12(course, monkeypatch, capsys, "autograde", LAB)
    assert status == 2 and "c.CourseDirectory.source_directory" in one_clear_line(stderr)


def test_a_missing_sandbox_tool_is_one_line_before_anything_is_collected(tmp_path_factory, monkeypatch, capsys):
    course = _configured(tmp_path_factory, "no-bwrap", "c.SandboxedExecute.bwrap_path = '/nonexistent/bin/bwrap'")
    status, stderr = run_week12(course, monkeypatch, capsys, "grade", LAB)
    line = one_clear_line(stderr)
    assert status == 2 and "/nonexistent/bin/bwrap" in line and "week12 doctor" in line
    assert not course.folder("submitted").exists()  # refused before collecting


@pytest.mark.parametrize("verb", ["grade", "report", "doctor"])
def test_the_checks_change_nothing(verb, tmp_path_factory):
    """A missing exchange that can be made and a gradebook not made yet are fine, and stay missing."""
    course = copy_course(tmp_path_factory.mktemp("checked") / "course")
    shutil.rmtree(course.exchange_root, ignore_errors=True)  # not made yet: no command that grades ran
    before = _tree_digest(course.root)
    check_environment(course, verb)
    assert _tree_digest(course.root) == before
    assert not course.exchange_root.exists() and not (course.root / "gradebook.db").exists()


# -- errors met after the checks ----------------------------------------------------------------

def _args(verb: str, **options) -> argparse.Namespace:
    return argparse.Namespace(verb=verb, debug=False, **options)


def test_a_gradebook_server_lost_while_a_verb_runs_is_one_line(tmp_path_factory, refused_url, capsys):
    course = copy_course(tmp_path_factory.mktemp("server-lost") / "course")

    def body(course, args):
        # The course moves to a server that is down while the verb runs.
        with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(f"\nc.CourseDirectory.db_url = {refused_url!r}\n")
        with course.gradebook():
            return 0

    status = run_verb(course, _args("report"), body)
    line = one_clear_line(capsys.readouterr().err)
    assert status == 2 and "cannot reach the gradebook" in line


def test_a_course_folder_gone_while_a_verb_writes_into_it_is_one_line(tmp_path_factory, capsys):
    course = copy_course(tmp_path_factory.mktemp("folder-gone") / "course")

    def body(course, args):
        # exports/ is missing (and could be made): the check passed; the verb writes into it unmade.
        (course.root / "exports" / "grades.csv").write_text("student,score\n")

    status = run_verb(course, _args("export", to=None), body)
    line = one_clear_line(capsys.readouterr().err)
    assert status == 2 and str(course.root / "exports" / "grades.csv") in line


def test_a_fault_of_the_program_keeps_its_traceback(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("program-fault") / "course")

    def body(course, args):
        return {}["no such key"]

    with pytest.raises(KeyError):
        run_verb(course, _args("report"), body)


def test_the_line_of_a_refusal_to_grade_is_one_line(tmp_path_factory, capsys):
    from autograder.run.refusal import GradingRefused

    course = copy_course(tmp_path_factory.mktemp("refusal") / "course")

    def body(course, args):
        raise GradingRefused("the sandbox cannot be made:\n  bwrap: missing\n  prlimit: missing")

    assert run_verb(course, _args("report"), body) == 2
    line = one_clear_line(capsys.readouterr().err)
    assert line == "error: the sandbox cannot be made: bwrap: missing prlimit: missing"



# -- a real PostgreSQL server that refuses -------------------------------------------------------

@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    from tests.postgres import postgres_server

    with postgres_server() as server:
        yield server, server.create_database("week12_gradebook")


def _on(tmp_path_factory, url: str) -> Course:
    course = _configured(tmp_path_factory, "on-postgres", f"c.CourseDirectory.db_url = {url!r}")
    course.exchange_root.is_dir()  # loaded once: loading nbgrader_config.py makes the exchange
    return course


@pytest.mark.nbgrader  # a PostgreSQL cluster made with initdb for the module, as the shared-gradebook test does
def test_a_wrong_gradebook_password_is_one_line(postgres, tmp_path_factory, monkeypatch, capsys):
    server, url = postgres
    course = _on(tmp_path_factory, url.replace(f":{server.password}@", ":not-the-password@"))
    status, stderr = run_week12(course, monkeypatch, capsys, "collect", LAB)
    line = one_clear_line(stderr)
    assert status == 2 and f'password authentication failed for user "{server.user}"' in line
    assert "not-the-password" not in line and server.password not in line


@pytest.mark.nbgrader
def test_a_gradebook_database_that_does_not_exist_is_one_line(postgres, tmp_path_factory, monkeypatch, capsys):
    server, _ = postgres
    status, stderr = run_week12(_on(tmp_path_factory, server.url("no_such_gradebook")), monkeypatch, capsys, "report")
    assert status == 2 and '"no_such_gradebook" does not exist' in one_clear_line(stderr)


@pytest.mark.nbgrader
def test_checking_a_healthy_gradebook_server_creates_no_table(postgres, tmp_path_factory):
    from sqlalchemy import create_engine, inspect

    _, url = postgres
    check_environment(_on(tmp_path_factory, url), "grade")
    engine = create_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
