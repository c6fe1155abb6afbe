"""What is wrong with this machine's or course's set-up, said in one line, before a verb does anything.

A ``week12`` verb needs the gradebook (``c.CourseDirectory.db_url``) to be reachable with a driver
that is installed, the exchange (``c.Exchange.root``) to be writable or makeable, the course's
folders to be there (and writable, for a verb that writes), and, to run notebooks, a sandbox. When
one of them is wrong, the user gets one line that says what is wrong and what to do, and the verb
exits with status 2 (no traceback unless ``week12 --debug``), instead of a driver's traceback
half-way through.

Two ways in, one set of sentences:

- :func:`check_environment`, before the verb starts, so that a verb never half-runs. It only looks:
  it reads file modes, the first bytes of an SQLite gradebook, and opens (and closes) a connection
  to a database server; it writes no file and creates no table or folder.
- :func:`run_verb` translates the errors a verb meets later (the server went away, a folder changed)
  by checking again: the check's own line when it finds the cause, else a line made from the
  error, for the kinds of error that are about the environment (SQLAlchemy's ``OperationalError``,
  a refused path of the course or the exchange, a refusal to grade). Any other error is a fault of
  the program and keeps its traceback.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import traceback
from pathlib import Path

from autograder.course import Course, NbgraderCommandFailed

ERROR_STATUS = 2
CONNECT_SECONDS = 10

# Verbs that write nothing in the course: their folders need not be writable. A verb named nowhere
# here may write any working folder (the safe assumption for a verb added later).
READ_ONLY_VERBS = frozenset({"doctor", "status"})
# Verbs that write one folder of the course's own (or where their --to says).
WRITES_ONE_FOLDER = {"export": "exports", "report": "reports"}
# nbgrader's working folders (c.CourseDirectory.<step>_directory) that a grading verb may write.
NBGRADER_FOLDERS = ("release", "submitted", "autograded", "feedback")

# What to pip-install for a DB-API module a gradebook URL names (the module's own name otherwise).
DRIVER_PACKAGES = {"psycopg2": "psycopg2-binary", "psycopg": "psycopg[binary]", "MySQLdb": "mysqlclient",
                   "pymysql": "PyMySQL", "mysql": "mysql-connector-python", "cx_Oracle": "cx_Oracle"}
# How each driver is told to give up on a silent server (its own connect argument).
CONNECT_TIMEOUT_ARGUMENT = {"psycopg": "connect_timeout", "psycopg2": "connect_timeout", "pg8000": "timeout",
                            "pymysql": "connect_timeout", "mysqldb": "connect_timeout"}
# What to do about a connection a database refused, by the words of its refusal.
CONNECTION_ADVICE = (
    ("refused", "start the database server, or correct the host and port"),
    ("password", "correct the user name or password"),
    ("authentication", "correct the user name or password"),
    ("does not exist", "create it, or name one that exists"),
    ("resolve host", "correct the host name"),
    ("name or service not known", "correct the host name"),
    ("timeout", "check that the host is reachable from here"),
    ("timed out", "check that the host is reachable from here"),
    ("unable to open database file", "make its folder, and let this account write there"),
    ("readonly database", "let this account write the gradebook file and its folder"),
    ("locked", "wait for the nbgrader command writing it to finish"),
)


class EnvironmentProblem(Exception):
    """The set-up is wrong; the message says what and what to do, in one line."""


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.geteuid()}"


def _can_write(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or "/")


def check_folder(path: Path, what: str, setting: str | None = None) -> None:
    """``path`` must be a folder this account can write, or be missing where this account can make
    it. ``setting``: where the course names it (c.Exchange.root...), if it does."""
    path, user = Path(path), _user()
    elsewhere = f", or change {setting}" if setting else ""
    if path.exists():
        if not path.is_dir():
            raise EnvironmentProblem(f"{what} {path} is not a folder: move that file away{elsewhere}")
        if not _can_write(path):
            raise EnvironmentProblem(f"this account ({user}) cannot write {what} {path}: give {user} write access, "
                                     f"or run week12 as the account that owns it{elsewhere}")
        return
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise EnvironmentProblem(f"{what} {path} cannot be made, {existing} is not a folder: move that file "
                                 f"away{elsewhere}")
    if not _can_write(existing):
        raise EnvironmentProblem(f"{what} {path} is missing and this account ({user}) cannot make it in {existing}: "
                                 f"make it{elsewhere}")


# -- the gradebook ------------------------------------------------------------------------------

def shown_url(url) -> str:
    """The gradebook URL as a person reads it, without its password."""
    return url.render_as_string(hide_password=True)


def _parse(db_url: str):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(db_url)
    except ArgumentError as error:
        raise EnvironmentProblem(f"c.CourseDirectory.db_url is not a database URL ({db_url.split('@')[-1]!r}): write "
                                 "sqlite:////path/to/gradebook.db or postgresql://user@host:5432/database") from error


def _sqlite_path(url) -> Path | None:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    return Path(url.database) if os.path.isabs(url.database) else Path.cwd() / url.database


def check_sqlite_gradebook(path: Path, writing: bool) -> None:
    """The file must be an SQLite database this account can read (and write, with its folder); a
    missing one must be makeable. Only modes and the first 16 bytes are read."""
    folder = path.parent
    if not path.exists():
        if not folder.is_dir():
            raise EnvironmentProblem(f"the gradebook {path} cannot be made: its folder {folder} does not exist; make "
                                     "it, or change c.CourseDirectory.db_url")
        if writing and not _can_write(folder):
            raise EnvironmentProblem(f"this account ({_user()}) cannot make the gradebook {path} in {folder}: make "
                                     f"the folder writable for {_user()}, or change c.CourseDirectory.db_url")
        return
    if path.is_dir():
        raise EnvironmentProblem(f"the gradebook {path} is a folder, not a database file: "
                                 "change c.CourseDirectory.db_url")
    wanted = os.R_OK | (os.W_OK if writing else 0)
    if not os.access(path, wanted) or (writing and not _can_write(folder)):
        raise EnvironmentProblem(f"this account ({_user()}) cannot {'write' if writing else 'read'} the gradebook "
                                 f"{path}" + (" and its folder (SQLite writes its journal there)" if writing else "")
                                 + f": give {_user()} the rights, or run week12 as the account that owns it")
    with open(path, "rb") as database:
        head = database.read(16)
    if head and head != b"SQLite format 3\x00":
        raise EnvironmentProblem(f"the gradebook {path} is not an SQLite database: move it away (nbgrader then makes "
                                 "a new one), or change c.CourseDirectory.db_url")


def _missing_driver(url, error: ModuleNotFoundError) -> EnvironmentProblem:
    driver = url.get_driver_name()
    package = DRIVER_PACKAGES.get(error.name or driver, error.name or driver)
    instead = ""
    try:  # the database kind's default driver, when that one is installed
        default = url.set(drivername=url.get_backend_name()).get_dialect()
        if default.driver != driver:
            default.import_dbapi()
            instead = (f", or write {url.get_backend_name()}:// instead of {url.drivername}:// "
                       f"(its installed driver, {default.driver})")
    except Exception:  # noqa: BLE001 - no installed alternative to offer
        instead = ""
    return EnvironmentProblem(f"the gradebook URL names the driver {driver}, which is not installed here (no module "
                              f"{error.name!r}): pip install {package}{instead}; see c.CourseDirectory.db_url")


def _driver_reason(error: Exception) -> str:
    """What the database driver said went wrong, in a few words: the last clause of its first line
    ("Connection refused", 'password authentication failed for user "x"'); the clauses before it
    repeat the address, which the line gives anyway."""
    said = str(getattr(error, "orig", None) or error).split("\n(Background")[0].strip().splitlines()
    if not said:
        return type(error).__name__
    return re.sub(r"^(FATAL|ERROR):\s*", "", said[0].rsplit(": ", 1)[-1].strip()) or said[0].strip()


def connection_problem(url, error: Exception) -> EnvironmentProblem:
    """One line for a database that would not let us in: where, the driver's reason, what to do."""
    reason = _driver_reason(error)
    advice = next((said for words, said in CONNECTION_ADVICE if words in reason.lower()), "")
    where = _sqlite_path(url) if url.get_backend_name() == "sqlite" else None
    return EnvironmentProblem(f"cannot reach the gradebook at {where or shown_url(url)} ({reason})"
                              + (f": {advice}" if advice else "") + "; see c.CourseDirectory.db_url")


def check_gradebook(db_url: str, writing: bool = True) -> None:
    """The gradebook at ``db_url`` is there to use: an SQLite file by its modes, a server by
    opening (and closing) one connection. Nothing is created."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    url = _parse(db_url)
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        if path is not None:
            check_sqlite_gradebook(path, writing)
        return
    try:
        timeout = CONNECT_TIMEOUT_ARGUMENT.get(url.get_driver_name())
        engine = create_engine(url, connect_args={timeout: CONNECT_SECONDS} if timeout else {})
    except ModuleNotFoundError as error:
        raise _missing_driver(url, error) from error
    except NoSuchModuleError as error:
        raise EnvironmentProblem(f"the gradebook URL names the database kind {url.drivername!r}, which SQLAlchemy "
                                 f"does not know: write postgresql://, mysql:// or sqlite:/// in "
                                 f"c.CourseDirectory.db_url ({shown_url(url)})") from error
    except ArgumentError as error:
        raise EnvironmentProblem(f"c.CourseDirectory.db_url ({shown_url(url)}) is not usable: "
                                 f"{one_line(error)}") from error
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        raise connection_problem(url, error) from error
    finally:
        engine.dispose()


# -- the whole set-up -------------------------------------------------------------------------

def _course_folders(course: Course, verb: str, to: Path | None) -> list[tuple[Path, str, str | None]]:
    """(folder, what, setting) for every folder ``verb`` may write."""
    if verb in READ_ONLY_VERBS:
        return []
    own = {"exports": (course.exports_dir, "the exports folder"), "reports": (course.reports_dir, "the reports folder")}
    if verb in WRITES_ONE_FOLDER:
        folder, what = own[WRITES_ONE_FOLDER[verb]]
        if to is not None:
            return [(Path(to).resolve().parent, "the folder of --to", "--to")]
        return [(folder, what, None)]
    found = [(course.root, "the course folder", None)]
    found += [(course.folder(step), f"nbgrader's {step} folder", f"c.CourseDirectory.{step}_directory")
              for step in NBGRADER_FOLDERS]
    found += [(folder, what, None) for folder, what in own.values()]
    return found


def check_environment(course: Course, verb: str, *, to: Path | None = None, runs_notebooks: bool = False) -> None:
    """Raise :class:`EnvironmentProblem` (one line: what is wrong, what to do) if ``verb`` cannot
    work as things are; changes nothing. ``to``: where the verb was told to write its one file;
    ``runs_notebooks``: whether it grades (a sandbox is then needed, unless the course allows none)."""
    source = course.folder("source")
    if not source.is_dir():
        raise EnvironmentProblem(f"the course's assignments folder {source} is missing: run week12 in the course "
                                 "directory, or set c.CourseDirectory.source_directory")
    check_gradebook(course.db_url(), writing=verb not in READ_ONLY_VERBS)
    check_folder(course.exchange_root, "the exchange", "c.Exchange.root")
    for folder, what, setting in _course_folders(course, verb, to):
        check_folder(folder, what, setting)
    if runs_notebooks:
        from autograder.grading.sandboxed_execute import SandboxedExecute

        # Refuses (GradingRefused) with what to change; the probe is cached for the grading itself.
        SandboxedExecute(config=course.config).require_sandbox()


# -- errors met later -------------------------------------------------------------------------

def _within(path, folders) -> bool:
    try:
        resolved = Path(os.path.abspath(path))
    except (TypeError, ValueError):
        return False
    return any(resolved == folder or folder in resolved.parents for folder in folders)


def explain(error: BaseException, course: Course, recheck) -> str | None:
    """The one line for ``error`` if it is about the environment, else None (a fault of the program).
    ``recheck()`` runs the checks again and returns their line, if they now find the cause."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

    from autograder.run.refusal import GradingRefused

    if isinstance(error, EnvironmentProblem | GradingRefused):
        return one_line(error)
    if isinstance(error, OperationalError | DatabaseError | NoSuchModuleError | ArgumentError | ModuleNotFoundError
                  | NbgraderCommandFailed | OSError):
        found = recheck()
        if found:
            return found
    if isinstance(error, OperationalError):
        from sqlalchemy.engine import make_url

        return one_line(connection_problem(make_url(course.db_url()), error))
    refused_path = PermissionError | FileNotFoundError | NotADirectoryError | IsADirectoryError
    if isinstance(error, refused_path) and error.filename:
        places = [Path(os.path.abspath(course.root)), Path(os.path.abspath(course.exchange_root))]
        if _within(error.filename, places):
            return one_line(f"{error.strerror}: {error.filename} (as {_user()}); the course's folders and "
                            "c.Exchange.root must be there and writable by the account that runs week12")
    return None


def run_verb(course: Course, args, body) -> int:
    """``body(course, args)`` after the set-up is checked; an environment error, found before or
    met during, is one line on stderr and exit status 2 (with its traceback under ``--debug``)."""
    verb, debug = args.verb, getattr(args, "debug", False)
    check = dict(to=getattr(args, "to", None), runs_notebooks=hasattr(args, "workers"))

    def recheck() -> str | None:
        try:
            check_environment(course, verb, **check)
        except Exception as found:  # noqa: BLE001 - any finding is the better explanation
            return explain(found, course, lambda: None)
        return None

    try:
        check_environment(course, verb, **check)
        return body(course, args)
    except Exception as error:  # noqa: BLE001 - re-raised unless it is about the environment
        line = explain(error, course, recheck)
        if line is None:
            raise
        if debug:
            traceback.print_exception(error, file=sys.stderr)
        print(f"error: {line}", file=sys.stderr)
        return ERROR_STATUS
