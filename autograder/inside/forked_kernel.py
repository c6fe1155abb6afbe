"""A Jupyter kernel forked from the runner, for a warm start: TensorFlow is imported already.

A warm-started runner is a fork of an interpreter that imported TensorFlow, numpy, matplotlib and
ipykernel (``autograder.sandbox.warm_parent``). Its notebook's kernel is forked from it in turn,
instead of being a new ``python -m ipykernel_launcher``: the kernel's process starts with those
modules loaded, and a notebook's ``import tensorflow`` costs nothing. It is still a process of its
own, in its own session (interrupts and kills reach it and its children, as a launched kernel's
do), so a cell that kills or hangs the kernel does to the runner exactly what it would do cold.

Only the standard ipykernel command line (``... -m ipykernel_launcher -f FILE``) is forked, and
only from a single-threaded runner; any other kernel is launched as jupyter_client would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid

from jupyter_client.provisioning import LocalProvisioner

from autograder.inside.ready_client import ReadyKernelManager

IPYKERNEL_MODULE = "ipykernel_launcher"


class ForkedProcess:
    """What jupyter_client's provisioner needs of a ``subprocess.Popen``, for a forked child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _kernel_process(argv: list[str], env: dict, cwd: str | None) -> None:
    """The forked kernel: never returns."""
    code = 1
    try:
        os.setsid()
        # Forked inside the runner's running event loop: the kernel makes loops of its own.
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop_policy(None)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the runner's result pipe, sockets, loop: not the kernel's
        os.environ.clear()
        os.environ.update(env)
        if cwd:
            os.chdir(cwd)
        sys.argv = [IPYKERNEL_MODULE, *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - on the kernel's stderr, as a launched kernel would say it
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class ForkedKernelProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with ``fork`` in place of ``Popen`` for ipykernel."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        # Forking copies only the calling thread: with another one running (holding a lock, say),
        # the kernel would start broken. The runner has none here; should it ever, launch.
        if cmd[1:3] != ["-m", IPYKERNEL_MODULE] or len(os.listdir("/proc/self/task")) != 1:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd")
        pid = os.fork()
        if pid == 0:
            _kernel_process(cmd[3:], env, cwd)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


class ForkedKernelManager(ReadyKernelManager):
    """A kernel manager whose ipykernel is forked from this process (``ForkedKernelProvisioner``)."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedKernelProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                       parent=self)
        return await super()._async_pre_start_kernel(**kw)
