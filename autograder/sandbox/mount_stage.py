"""The sandbox's first command, before any student code: its writable folders, capped in files too.

bwrap's ``--tmpfs --size`` bounds a tmpfs in bytes only; thousands of empty files in a deep tree
cost kernel memory that no size and no rlimit counts. This stage, still holding the
capabilities bwrap kept for it, mounts the job folder as a fresh tmpfs and remounts bwrap's
scratch ones (``/tmp``, the home, ``/dev/shm``), each with a size and an inode count, then
``exec``s the rest of the command, which sets the rlimits and drops every capability (prlimit,
setpriv) before the runner starts. When the sandbox ends, its tmpfs mounts go with it: whatever a
submission left in them needs no clean-up.

Run as ``python -I -S mount_stage.py SPEC... -- COMMAND...``; each SPEC is
``job:PATH:BYTES:FILES:MODE[:UID]`` (a fresh tmpfs, owned by UID when given) or
``cap:PATH:BYTES:FILES`` (remount an existing tmpfs). Standard library only, run by path: it
runs before anything else of the package is imported.
"""

import ctypes
import os
import sys

MS_NOSUID, MS_NODEV, MS_REMOUNT = 2, 4, 32


def _mount(target: str, flags: int, options: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(b"tmpfs", target.encode(), b"tmpfs", flags, options.encode()) != 0:
        sys.stderr.write(f"bwrap: sandbox set-up: mounting {target} ({options}) failed: "
                         f"{os.strerror(ctypes.get_errno())}\n")
        raise SystemExit(125)


def main(argv: list[str]) -> None:
    split = argv.index("--")
    for spec in argv[:split]:
        kind, path, size, files, *rest = spec.split(":")
        options = f"size={int(size)},nr_inodes={int(files)}"
        if kind == "job":
            mode, *owner = rest
            options += f",mode={mode}" + (f",uid={int(owner[0])},gid={int(owner[0])}" if owner else "")
            _mount(path, MS_NOSUID | MS_NODEV, options)
            os.chdir(path)
        else:
            _mount(path, MS_REMOUNT | MS_NOSUID | MS_NODEV, options)
    command = argv[split + 1:]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
