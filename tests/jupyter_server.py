"""A real Jupyter server (with nbgrader's formgrader) on loopback, in a course directory, for the
tests that open the formgrader as a TA logged in with a token."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from autograder.course import nbgrader_environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(root: Path, log_path: Path, *options: str):
    """Yield ``(base URL, token)`` of a Jupyter server serving ``root``; its log goes to ``log_path``."""
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               *options] + (["--allow-root"] if os.geteuid() == 0 else [])
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=root, env=nbgrader_environment(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(Path(log_path).read_text()[-4000:]) from None
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
