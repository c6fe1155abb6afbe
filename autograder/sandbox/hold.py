"""The placeholder command of a sandbox that a warm-started process joins (``join.py``).

bwrap makes the sandbox, ``mount_stage.py`` mounts its capped tmpfs, ``prlimit`` and ``setpriv``
drop to the sandbox's limits and uid, and then this says "ready" on the given pipe and waits.
It keeps the sandbox's namespaces alive while the joined process runs; when the grader ends the
run it kills bwrap, and with it this and every process in the sandbox's PID namespace.

Run as ``python -I -S hold.py FD``: standard library only, run by path.
"""

import os
import signal
import sys


def main(ready_fd: int) -> None:
    os.write(ready_fd, b"ready\n")
    os.close(ready_fd)
    while True:
        signal.pause()


if __name__ == "__main__":
    main(int(sys.argv[1]))
