"""The sandbox that runs student notebooks: real bubblewrap, real limits, no mocks.

Limits are small here so that each behaviour shows in a second or two; the defaults are used
where the test is about them (the 4 GiB allocation, TensorFlow).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

import autograder
from autograder.sandbox import (SANDBOX_JOB_DIR, SandboxLimits, run_sandboxed, sandbox_problem,
                                sandbox_uid)

pytestmark = [
    pytest.mark.sandbox,
    # Elsewhere than Linux there is no sandbox to test; on Linux a missing one must fail, not skip.
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason=f"bubblewrap sandboxing needs Linux: {sandbox_problem()}"),
    pytest.mark.timeout(120),
]

MIB = 1 << 20
SMALL = SandboxLimits(wall_seconds=30, cpu_seconds=20, max_processes=64, scratch_bytes=8 * MIB)
# Not slot 0, the grader's default: a grading run elsewhere on this machine would make these wait.
SLOT = 8
PACKAGE_DIR = Path(autograder.__file__).parent
REPO_ROOT = PACKAGE_DIR.parent


@pytest.fixture
def job_dir(tmp_path) -> Path:
    folder = tmp_path / "job"
    folder.mkdir()
    return folder


def run_python(code: str, job_dir: Path, limits: SandboxLimits = SMALL, slot: int = SLOT, **options):
    return run_sandboxed([sys.executable, "-c", textwrap.dedent(code)], job_dir=job_dir, limits=limits,
                         slot=slot, **options)


def host_processes_of(uid: int) -> list[str]:
    """Command lines of the host's processes whose real uid is ``uid``, read from /proc directly."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        real_uid = next(line.split()[1] for line in status.splitlines() if line.startswith("Uid:"))
        if int(real_uid) == uid:
            found.append(f"{pid}: {cmdline}")
    return found


def test_a_sandbox_can_be_made_on_this_machine():
    assert sandbox_problem() is None


def test_runs_a_python_snippet_and_returns_its_output(job_dir):
    result = run_python("import sys; print('hello'); print('warning', file=sys.stderr)", job_dir)
    assert (result.returncode, result.stdout, result.stderr) == (0, "hello\n", "warning\n")
    assert result.problem is None and not result.timed_out and result.signal is None


def test_a_failing_command_reports_its_exit_code(job_dir):
    result = run_python("raise SystemExit(3)", job_dir)
    assert result.returncode == 3 and result.problem == "exit code 3"


def test_job_dir_is_the_writable_working_directory(job_dir):
    (job_dir / "input.txt").write_text("42")
    result = run_python("""
        import os
        assert os.getcwd() == '/job'
        value = open('input.txt').read()
        os.mkdir('out')
        open('out/answer.txt', 'w').write(value + '!')
    """, job_dir)
    assert result.returncode == 0, result.stderr
    assert result.job_dir_inside == SANDBOX_JOB_DIR == Path("/job")
    assert (job_dir / "out" / "answer.txt").read_text() == "42!"
    assert (job_dir / "out" / "answer.txt").stat().st_uid == sandbox_uid(SLOT)


def test_code_runs_as_an_unprivileged_uid_without_capabilities(job_dir):
    result = run_python("""
        import os
        status = dict(line.split(':', 1) for line in open('/proc/self/status'))
        print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups(),
              status['CapEff'].strip(), status['CapBnd'].strip(), status['NoNewPrivs'].strip())
        open('/etc/shadow')
    """, job_dir, slot=2)
    uid = sandbox_uid(2)
    assert result.stdout.split(maxsplit=3)[:3] == [str(uid)] * 3
    assert result.stdout.split()[3:] == ["[]", "0" * 16, "0" * 16, "1"]
    assert "PermissionError" in result.stderr


def test_only_the_callers_environment_reaches_the_code(job_dir, monkeypatch):
    monkeypatch.setenv("HOST_SECRET_TOKEN", "do-not-leak")
    result = run_python("import os, json; print(json.dumps(dict(os.environ)))", job_dir,
                        env={"GRADING_STEP": "autograde"})
    env = json.loads(result.stdout)
    assert "HOST_SECRET_TOKEN" not in env and env["GRADING_STEP"] == "autograde"
    assert env["HOME"] == "/home/sandbox" and env["MPLBACKEND"] == "Agg"
    assert env["PATH"].startswith(f"{sys.prefix}/bin:")


def test_the_outside_network_is_unreachable(job_dir):
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so no packet could go anywhere even if
    # the namespace leaked; inside, with only a loopback interface, connect fails at once.
    result = run_python("""
        import socket, time
        print([name for _, name in socket.if_nameindex()])
        started = time.monotonic()
        try:
            socket.create_connection(('192.0.2.1', 80), timeout=5)
        except OSError as error:
            print(error.errno, round(time.monotonic() - started, 2))
    """, job_dir)
    interfaces, failure = result.stdout.splitlines()
    assert interfaces == "['lo']"
    code, seconds = failure.split()
    assert int(code) == errno.ENETUNREACH and float(seconds) < 1


def test_loopback_works_for_a_kernel_and_its_client(job_dir):
    result = run_python("""
        import socket
        server = socket.create_server(('127.0.0.1', 0))
        client = socket.create_connection(server.getsockname())
        peer, _ = server.accept()
        client.sendall(b'ping')
        print(peer.recv(4).decode())
    """, job_dir)
    assert result.stdout == "ping\n", result.stderr


def test_host_files_are_invisible(job_dir):
    with tempfile.NamedTemporaryFile(dir="/tmp", prefix="sandbox-canary-") as canary:
        result = run_python(f"""
            import json, os
            print(json.dumps({{
                'gradebook': os.path.exists({str(REPO_ROOT / 'gradebook.db')!r}),
                'assignments': os.path.exists({str(REPO_ROOT / 'assignments')!r}),
                'canary': os.path.exists({canary.name!r}),
                'tmp': os.listdir('/tmp'),
                'root': os.listdir('/root') if os.path.isdir('/root') else [],
                'repo': sorted(os.listdir({str(REPO_ROOT)!r})),
            }}))
        """, job_dir, readonly_paths=[PACKAGE_DIR])
    seen = json.loads(result.stdout)
    assert not seen["gradebook"] and not seen["assignments"] and not seen["canary"]
    # /tmp and /root hold only the way down to what is bound read-only (the Python installation,
    # the virtual environment and the package), when those live there (a checkout under /tmp).
    def way_down(folder: str) -> set[str]:
        bound = (Path(sys.base_prefix), Path(sys.prefix), PACKAGE_DIR)
        return {path.relative_to(folder).parts[0] for path in bound if path.is_relative_to(folder)}

    assert set(seen["tmp"]) <= way_down("/tmp")
    assert set(seen["root"]) <= way_down("/root")
    assert set(seen["repo"]) <= {PACKAGE_DIR.name, Path(sys.prefix).name}


def test_bound_trees_are_read_only(job_dir):
    result = run_python(f"""
        for path in ['/usr/sandbox-test', {str(Path(sys.prefix) / 'sandbox-test')!r},
                     {str(PACKAGE_DIR / 'sandbox-test')!r}]:
            try:
                open(path, 'w')
            except OSError as error:
                print(error.errno)
    """, job_dir, readonly_paths=[PACKAGE_DIR])
    assert {int(code) for code in result.stdout.split()} <= {errno.EROFS, errno.EACCES}
    assert len(result.stdout.split()) == 3


def test_hidden_paths_are_masked(job_dir):
    authoring = PACKAGE_DIR / "authoring"
    assert any(authoring.iterdir())
    result = run_python(f"""
        import os, autograder
        print(os.listdir({str(authoring)!r}), 'scoring' in os.listdir({str(PACKAGE_DIR)!r}))
        open({str(authoring / 'sandbox-test')!r}, 'w')
    """, job_dir, readonly_paths=[PACKAGE_DIR], hidden_paths=[authoring])
    assert result.stdout == "[] True\n", result.stderr
    assert "OSError" in result.stderr or "PermissionError" in result.stderr


def test_memory_limit_stops_a_4_gib_allocation(job_dir):
    result = run_python("""
        import numpy as np
        small = np.ones(256 << 20, dtype=np.uint8)
        print('256 MiB ok')
        big = np.ones(4 << 30, dtype=np.uint8)
    """, job_dir, limits=replace(SMALL, memory_bytes=SandboxLimits().memory_bytes))
    assert result.stdout == "256 MiB ok\n"
    assert "MemoryError" in result.stderr
    assert result.problem == "out of memory (limit 2 GiB per process)"


def test_fork_bomb_is_stopped_by_the_process_limit(job_dir):
    result = run_python("""
        import os, time
        children = 0
        try:
            while True:
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
                children += 1
        except OSError as error:
            print(children, error.errno)
    """, job_dir, limits=replace(SMALL, max_processes=32))
    children, code = map(int, result.stdout.split())
    assert int(code) == errno.EAGAIN and 0 < children < 32
    assert host_processes_of(sandbox_uid(SLOT)) == []


def test_file_size_limit_stops_a_large_file(job_dir):
    result = run_python("""
        with open('big.bin', 'wb') as out:
            out.write(b'x' * (2 << 20))
    """, job_dir, limits=replace(SMALL, file_size_bytes=1 * MIB))
    assert "File too large" in result.stderr
    assert result.problem == "wrote a file larger than the limit of 1 MiB"
    assert (job_dir / "big.bin").stat().st_size == 1 * MIB


def test_every_scratch_tmpfs_is_capped(job_dir):
    result = run_python(f"""
        import os
        for folder in ['/tmp', os.environ['HOME'], '/dev/shm']:
            try:
                with open(os.path.join(folder, 'fill'), 'wb') as out:
                    out.write(b'x' * {2 * SMALL.scratch_bytes})
            except OSError as error:
                print(folder, error.errno)
    """, job_dir)
    assert result.stdout.split() == ["/tmp", str(errno.ENOSPC), "/home/sandbox", str(errno.ENOSPC),
                                     "/dev/shm", str(errno.ENOSPC)]


def test_cpu_busy_loop_is_killed_by_the_cpu_limit(job_dir):
    result = run_python("while True: pass", job_dir, limits=replace(SMALL, cpu_seconds=1))
    assert result.signal == signal.SIGXCPU and not result.timed_out
    assert result.problem == "killed after the CPU-time limit of 1 s"
    assert result.wall_seconds < 10


def test_sleep_is_killed_by_the_wall_clock(job_dir):
    result = run_python("import time; time.sleep(100)", job_dir, limits=replace(SMALL, wall_seconds=1))
    assert result.timed_out and result.signal == signal.SIGKILL
    assert result.problem == "killed after the wall-clock limit of 1 s"
    assert 1 <= result.wall_seconds < 5


@pytest.mark.parametrize("ending", ["exits", "times out"])
def test_no_detached_process_survives_the_run(job_dir, ending):
    result = run_python(f"""
        import os, subprocess, time
        # setsid + a backgrounded sleep: a daemon in a session of its own, orphaned at once.
        subprocess.run(['setsid', 'sh', '-c', 'sleep 1000 &'], check=True)
        while not any(b'sleep' in open(f'/proc/{{pid}}/cmdline', 'rb').read()
                      for pid in os.listdir('/proc') if pid.isdigit()):
            time.sleep(0.05)
        print('daemon started', flush=True)
        if {ending == "times out"}:
            time.sleep(100)
    """, job_dir, limits=replace(SMALL, wall_seconds=3))
    assert result.stdout == "daemon started\n", result.stderr
    assert result.timed_out == (ending == "times out")
    assert host_processes_of(sandbox_uid(SLOT)) == []


def test_output_flood_is_truncated_and_the_call_returns_promptly(job_dir):
    result = run_python("""
        import sys
        line = 'x' * 1023 + '\\n'
        for _ in range(50 * 1024):  # 50 MiB to each stream
            sys.stdout.write(line)
            sys.stderr.write(line)
    """, job_dir, limits=replace(SMALL, output_bytes=64 * 1024))
    assert result.returncode == 0 and not result.timed_out
    assert len(result.stdout) == len(result.stderr) == 64 * 1024
    assert result.stdout_truncated and result.stderr_truncated
    assert result.wall_seconds < 15


def test_tensorflow_conv2d_runs_under_the_default_limits(job_dir):
    result = run_python("""
        import numpy as np
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.Input((28, 28, 1)),
            tf.keras.layers.Conv2D(8, 3, activation='relu'),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(10),
        ])
        model.compile('adam', 'mse')
        model.fit(np.random.rand(64, 28, 28, 1), np.random.rand(64, 10), epochs=1, verbose=0)
        print(model(np.zeros((2, 28, 28, 1))).shape)
    """, job_dir, limits=SandboxLimits())
    assert result.stdout == "(2, 10)\n", result.stderr[-3000:]
    assert result.problem is None


def test_two_slots_run_at_the_same_time(tmp_path):
    code = "import os, time; time.sleep(2); print(os.getuid())"
    folders = [tmp_path / "job0", tmp_path / "job1"]
    for folder in folders:
        folder.mkdir()
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda slot: run_python(code, folders[slot], slot=slot), [0, 1]))
    elapsed = time.monotonic() - started
    assert [r.stdout for r in results] == [f"{sandbox_uid(0)}\n", f"{sandbox_uid(1)}\n"]
    assert elapsed < 3.5  # side by side, not one after the other


def test_runs_of_one_slot_take_turns(tmp_path):
    # Each run ends by killing every process of its slot's uid, so two must not overlap.
    code = "import time; time.sleep(1); print('done')"
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in folders:
        folder.mkdir()
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda folder: run_python(code, folder, slot=SLOT + 1), folders))
    assert [r.stdout for r in results] == ["done\n", "done\n"]
    assert time.monotonic() - started >= 2


def test_readonly_paths_appear_at_the_same_path_minus_the_hidden_ones(tmp_path, job_dir):
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    (course / "solutions" / "answer.py").write_text("secret")
    (course / "key.txt").write_text("secret")
    (course / "public.txt").write_text("shared")
    result = run_python(f"""
        import os
        print(sorted(os.listdir({str(course)!r})), os.listdir({str(course / 'solutions')!r}),
              open({str(course / 'public.txt')!r}).read())
        open({str(course / 'key.txt')!r})
    """, job_dir, readonly_paths=[course], hidden_paths=[course / "solutions", course / "key.txt"])
    assert result.stdout == "['key.txt', 'public.txt', 'solutions'] [] shared\n", result.stderr
    assert "PermissionError" in result.stderr
