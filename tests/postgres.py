"""A real PostgreSQL server for tests, as a course's shared gradebook would be.

Debian's ``postgresql`` (installed by ``./run.sh test``): a cluster made with ``initdb`` in a
temporary folder by an ordinary account (PostgreSQL refuses to run as root), listening on the
loopback address only, with password (SCRAM) authentication, stopped and removed afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from tests.accounts import Account, ordinary_account, shared_folder


def postgres_bin() -> Path:
    """The newest installed PostgreSQL server's programs (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: ./run.sh test installs Debian's postgresql "
                           "(apt-get install postgresql)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    account: Account
    folder: Path
    port: int
    user: str
    password: str

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str, check: bool = True):
        return self.account.run([str(postgres_bin() / program), *args], cwd=self.folder, check=check,
                                env=self.account.environment(PGPASSWORD=self.password))

    def create_database(self, name: str) -> str:
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return self.url(name)


@contextlib.contextmanager
def postgres_server():
    account = ordinary_account()
    folder = account.give(shared_folder("week12-postgres-"))
    password = secrets.token_urlsafe(16)
    (folder / "password").write_text(password)
    account.give(folder / "password")
    server = PostgresServer(account, folder, _free_port(), "week12", password)
    data, sockets = folder / "data", folder / "sockets"
    account.run(["mkdir", str(sockets)], cwd=folder)
    server.run("initdb", "-D", str(data), "-U", server.user, "--pwfile", str(folder / "password"),
               "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
    options = f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={sockets}"
    server.run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "-t", "60", "start")
    try:
        _wait_for(server)
        yield server
    finally:
        server.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(server: PostgresServer, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", server.port)) == 0:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL did not start:\n{(server.folder / 'server.log').read_text()[-3000:]}")
        time.sleep(0.2)
