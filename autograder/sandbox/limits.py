"""Resource limits for one sandboxed run, and the ``prlimit`` arguments that apply them.

The limits are set inside the sandbox by util-linux ``prlimit`` just before the privilege drop,
so they cover the untrusted process tree only (not bwrap) and are inherited by every child.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30

# SIGXCPU at the soft limit tells us why the process died; SIGKILL this much later if it
# catches or ignores SIGXCPU.
CPU_GRACE_SECONDS = 2


@dataclass(frozen=True)
class SandboxLimits:
    """What one sandboxed command may use; the defaults fit a notebook running small Keras models.

    memory_bytes:    RLIMIT_DATA (heap and private writable mappings) per process. Not RLIMIT_AS:
                     TensorFlow reserves several times the address space it uses, so an
                     RLIMIT_AS large enough for ``import tensorflow`` lets far more data through.
                     2 GiB runs TF + a small Conv2D model and still stops a 4 GiB numpy array.
    cpu_seconds:     RLIMIT_CPU per process (SIGXCPU, then SIGKILL); a sleeping cell does not
                     use CPU, hence also ``wall_seconds``.
    wall_seconds:    wall-clock limit after which the parent kills the whole sandbox.
    max_processes:   RLIMIT_NPROC: processes *and threads* of the sandbox. As root each sandbox
                     runs as a uid of its own, counted across the system; as an ordinary account
                     each sandbox is a user namespace of its own, and the kernel (5.14 and later)
                     counts RLIMIT_NPROC per user namespace, so the limit holds for that sandbox
                     only (see ``identity.py``). TensorFlow, ipykernel and nbclient together run a
                     hundred-odd threads on this machine; 512 leaves margin and stops fork bombs.
    file_size_bytes: RLIMIT_FSIZE, the largest single file the command may write.
    scratch_bytes:   size of each scratch tmpfs (/tmp, $HOME, /dev/shm); tmpfs is RAM that no
                     rlimit counts.
    job_bytes:       size of the job folder (/job), a tmpfs of its own: the notebook's working
                     folder and its answers.
    max_files:       files (inodes) each of those tmpfs may hold: empty files in a deep tree cost
                     kernel memory that no size counts.
    output_bytes:    how much of stdout and of stderr (each) is kept in memory; the rest is
                     read and dropped so the child never blocks on a full pipe.
    result_bytes:    the most the runner may hand back (the executed notebook and the answers).
    """

    memory_bytes: int = 2 * GIB
    cpu_seconds: int = 600
    wall_seconds: float = 900
    max_processes: int = 512
    file_size_bytes: int = 64 * MIB
    scratch_bytes: int = 256 * MIB
    job_bytes: int = 256 * MIB
    max_files: int = 20_000
    output_bytes: int = 1 * MIB
    result_bytes: int = 96 * MIB

    def __post_init__(self):
        for name, value in vars(self).items():
            if value <= 0:
                raise ValueError(f"SandboxLimits.{name} must be positive, not {value!r}")


def _capped(kind: int, wanted: int) -> int:
    """``wanted``, lowered to the current hard limit: the sandbox has no CAP_SYS_RESOURCE to raise it."""
    _, hard = resource.getrlimit(kind)
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def rlimit_values(limits: SandboxLimits) -> dict[int, tuple[int, int]]:
    """(soft, hard) for each rlimit that ``limits`` sets, as ``prlimit`` (a cold run) and the
    warm start's joining process (``join.py``) both apply them.

    RLIMIT_NPROC is ignored for root, so it only bites after the drop to the sandbox uid,
    which inherits it. Core dumps are off: with core_pattern ``core`` they would land in the job
    folder, and a piped core_pattern would hand student memory to a host helper.
    """
    data = _capped(resource.RLIMIT_DATA, limits.memory_bytes)
    nproc = _capped(resource.RLIMIT_NPROC, limits.max_processes)
    fsize = _capped(resource.RLIMIT_FSIZE, limits.file_size_bytes)
    return {
        resource.RLIMIT_DATA: (data, data),
        resource.RLIMIT_CPU: (_capped(resource.RLIMIT_CPU, limits.cpu_seconds),
                              _capped(resource.RLIMIT_CPU, limits.cpu_seconds + CPU_GRACE_SECONDS)),
        resource.RLIMIT_NPROC: (nproc, nproc),
        resource.RLIMIT_FSIZE: (fsize, fsize),
        resource.RLIMIT_CORE: (0, 0),
    }


PRLIMIT_OPTIONS = {resource.RLIMIT_DATA: "data", resource.RLIMIT_CPU: "cpu", resource.RLIMIT_NPROC: "nproc",
                   resource.RLIMIT_FSIZE: "fsize", resource.RLIMIT_CORE: "core"}


def prlimit_arguments(limits: SandboxLimits) -> list[str]:
    """Options for ``prlimit`` (``--resource=soft:hard``) that impose ``limits`` on what it runs."""
    return [f"--{PRLIMIT_OPTIONS[kind]}={soft}:{hard}" for kind, (soft, hard) in rlimit_values(limits).items()]
