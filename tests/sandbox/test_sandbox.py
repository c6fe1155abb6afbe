"""The sandbox that runs student notebooks: real bubblewrap, real limits, no mocks.

Every test holds as root and as an ordinary account (``tests/test_as_an_ordinary_account.py``
runs this module as one), and for a cold start (bwrap runs the command) and a warm start (the
command is a process forked from a warm parent that joins the sandbox bwrap made). Limits are small here so that each behaviour shows in a second or two;
the defaults are used where the test is about them (the 4 GiB allocation, TensorFlow).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

import autograder
from autograder.sandbox import RESULT_FD, SANDBOX_JOB_DIR, SandboxLimits, run_sandboxed, sandbox_problem
from autograder.sandbox.bwrap import ETC_ENTRIES
from autograder.sandbox.leases import FIRST_SANDBOX_UID, POOL_SIZE, processes_of
from autograder.sandbox.seccomp import SYSCALLS
from autograder.sandbox.warm_run import WarmParent, run_sandboxed_warm

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(120)]

MIB = 1 << 20
SMALL = SandboxLimits(wall_seconds=30, cpu_seconds=20, max_processes=64, scratch_bytes=8 * MIB, job_bytes=8 * MIB,
                      max_files=200, result_bytes=1 * MIB)
PACKAGE_DIR = Path(autograder.__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
AS_ROOT = os.geteuid() == 0
CALLS = SYSCALLS.get(os.uname().machine, {})


_WARM_PARENTS: dict = {}  # run environment -> idle warm parents of this module's warm runs
_WARM_LOCK = threading.Lock()
START = {"warm": False}


@pytest.fixture(autouse=True, params=["cold", "warm"], scope="module")
def start(request):
    """Every test of this module, once for each way a sandboxed command starts."""
    START["warm"] = request.param == "warm"
    yield request.param
    for parents in _WARM_PARENTS.values():
        for parent in parents:
            parent.close()
    _WARM_PARENTS.clear()


def _run_warm(arguments, **options):
    """On an idle warm parent for the run's environment (a parent runs one sandbox at a time),
    else a new one."""
    env = options.get("env")
    key = json.dumps(env or {}, sort_keys=True)
    with _WARM_LOCK:
        idle = _WARM_PARENTS.setdefault(key, [])
        parent = idle.pop() if idle else None
    if parent is None or not parent.usable():
        parent = WarmParent([], "autograder.sandbox.warm_parent:python_c", env or {})
    try:
        return run_sandboxed_warm(parent, arguments, **options)
    finally:
        with _WARM_LOCK:
            _WARM_PARENTS[key].append(parent)


def run_python(code: str, limits: SandboxLimits = SMALL, **options):
    """Run ``code`` in a fresh sandbox; it may call ``report(value)`` to hand JSON back."""
    prelude = "import json, os, sys\ndef report(value):\n    os.write(int(sys.argv[1]), json.dumps(value).encode())\n"
    code = prelude + textwrap.dedent(code)
    if START["warm"]:
        return _run_warm({"code": code, "args": [RESULT_FD]}, limits=limits, **options)
    return run_sandboxed([sys.executable, "-c", code, RESULT_FD], limits=limits, **options)


def reported(result):
    assert result.result, result.stderr[-3000:]
    return json.loads(result.result)


def test_a_sandbox_can_be_made_on_this_machine():
    assert sandbox_problem() is None


def test_runs_a_python_snippet_and_returns_its_output():
    result = run_python("print('hello'); print('warning', file=sys.stderr); report(42)")
    assert (result.returncode, result.stdout, result.stderr, reported(result)) == (0, "hello\n", "warning\n", 42)
    assert result.problem is None and not result.timed_out and result.signal is None


def test_a_failing_command_reports_its_exit_code():
    result = run_python("raise SystemExit(3)")
    assert result.returncode == 3 and result.problem == "exit code 3"


def test_the_job_folder_is_a_writable_tmpfs_of_its_own_and_the_input_is_read_only():
    result = run_python("""
        os.mkdir('out')
        open('out/answer.txt', 'w').write(open('/input/question.txt').read() + '!')
        try:
            open('/input/question.txt', 'w')
        except OSError as error:
            readonly = error.errno
        mount = next(line.split() for line in open('/proc/mounts') if line.split()[1] == '/job')
        report({'cwd': os.getcwd(), 'answer': open('out/answer.txt').read(), 'readonly': readonly,
                'fstype': mount[2], 'inodes': os.statvfs('/job').f_files})
    """, inputs={"question.txt": "42"})
    seen = reported(result)
    assert seen["cwd"] == str(SANDBOX_JOB_DIR) and seen["answer"] == "42!"
    assert seen["readonly"] in (errno.EROFS, errno.EACCES)
    assert seen["fstype"] == "tmpfs" and seen["inodes"] == SMALL.max_files


def test_code_runs_without_any_capability_and_as_root_with_a_leased_uid():
    result = run_python("""
        status = dict(line.split(':', 1) for line in open('/proc/self/status'))
        report({'uid': os.getuid(), 'groups': os.getgroups(),
                'caps': [status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')],
                'no_new_privs': status['NoNewPrivs'].strip(), 'seccomp': status['Seccomp'].strip()})
    """)
    seen = reported(result)
    assert seen["caps"] == ["0" * 16] * 5 and seen["no_new_privs"] == "1" and seen["seccomp"] == "2"
    if AS_ROOT:
        assert FIRST_SANDBOX_UID <= seen["uid"] < FIRST_SANDBOX_UID + POOL_SIZE
        assert seen["groups"] == [] and result.uid == seen["uid"] and not result.user_namespace
    else:
        assert result.user_namespace and seen["uid"] == 0  # mapped to this account, with no capability


def test_only_the_callers_environment_reaches_the_code(monkeypatch):
    monkeypatch.setenv("HOST_SECRET_TOKEN", "do-not-leak")
    env = reported(run_python("report(dict(os.environ))", env={"GRADING_STEP": "autograde"}))
    assert "HOST_SECRET_TOKEN" not in env and env["GRADING_STEP"] == "autograde"
    assert env["HOME"] == "/home/sandbox" and env["MPLBACKEND"] == "Agg"
    assert env["PATH"].startswith(f"{sys.prefix}/bin:")


def test_the_outside_network_is_unreachable():
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so no packet could go anywhere even if
    # the namespace leaked; inside, with only a loopback interface, connect fails at once.
    seen = reported(run_python("""
        import socket, time
        started = time.monotonic()
        try:
            socket.create_connection(('192.0.2.1', 80), timeout=5)
        except OSError as error:
            report({'interfaces': [name for _, name in socket.if_nameindex()], 'errno': error.errno,
                    'seconds': time.monotonic() - started})
    """))
    assert seen["interfaces"] == ["lo"] and seen["errno"] == errno.ENETUNREACH and seen["seconds"] < 1


def test_loopback_works_for_a_kernel_and_its_client():
    seen = reported(run_python("""
        import socket
        server = socket.create_server(('127.0.0.1', 0))
        client = socket.create_connection(server.getsockname())
        peer, _ = server.accept()
        client.sendall(b'ping')
        report(peer.recv(4).decode())
    """))
    assert seen == "ping"


def test_host_files_are_invisible():
    with tempfile.NamedTemporaryFile(dir="/tmp", prefix="sandbox-canary-") as canary:
        seen = reported(run_python(f"""
            report({{
                'gradebook': os.path.exists({str(REPO_ROOT / 'gradebook.db')!r}),
                'assignments': os.path.exists({str(REPO_ROOT / 'assignments')!r}),
                'canary': os.path.exists({canary.name!r}),
                'tmp': os.listdir('/tmp'),
                'root': os.listdir('/root') if os.path.isdir('/root') else [],
                'home': os.listdir('/home'),
                'etc': sorted(os.listdir('/etc')),
                'repo': sorted(os.listdir({str(REPO_ROOT)!r})) if os.path.isdir({str(REPO_ROOT)!r}) else [],
            }})
        """, readonly_paths=[PACKAGE_DIR]))
    assert not seen["gradebook"] and not seen["assignments"] and not seen["canary"]

    # /tmp and /root hold only the way down to what is bound read-only (the Python installation,
    # the virtual environment and the package), when those live there (a checkout under /tmp).
    def way_down(folder: str) -> set[str]:
        bound = (Path(sys.base_prefix), Path(sys.prefix), PACKAGE_DIR)
        return {path.relative_to(folder).parts[0] for path in bound if path.is_relative_to(folder)}

    assert set(seen["tmp"]) <= way_down("/tmp")
    assert set(seen["root"]) <= way_down("/root")
    assert set(seen["home"]) <= way_down("/home") | {"sandbox"}
    # No host configuration, accounts or credentials: only what programs need to start.
    assert set(seen["etc"]) <= set(ETC_ENTRIES) | {"passwd", "group"}
    assert set(seen["repo"]) <= {PACKAGE_DIR.name, Path(sys.prefix).name}


def test_bound_trees_are_read_only():
    seen = reported(run_python(f"""
        codes = []
        for path in ['/usr/sandbox-test', {str(Path(sys.prefix) / 'sandbox-test')!r},
                     {str(PACKAGE_DIR / 'sandbox-test')!r}, '/etc/sandbox-test', '/sandbox-test']:
            try:
                open(path, 'w')
            except OSError as error:
                codes.append(error.errno)
        report(codes)
    """, readonly_paths=[PACKAGE_DIR]))
    assert len(seen) == 5 and set(seen) <= {errno.EROFS, errno.EACCES}


def test_hidden_paths_are_masked():
    authoring = PACKAGE_DIR / "authoring"
    assert any(authoring.iterdir())
    result = run_python(f"""
        report([os.listdir({str(authoring)!r}), 'scoring' in os.listdir({str(PACKAGE_DIR)!r})])
        open({str(authoring / 'sandbox-test')!r}, 'w')
    """, readonly_paths=[PACKAGE_DIR], hidden_paths=[authoring])
    assert reported(result) == [[], True]
    assert "OSError" in result.stderr or "PermissionError" in result.stderr


def test_memory_limit_stops_a_4_gib_allocation():
    result = run_python("""
        import numpy as np
        small = np.ones(256 << 20, dtype=np.uint8)
        print('256 MiB ok')
        big = np.ones(4 << 30, dtype=np.uint8)
    """, limits=replace(SMALL, memory_bytes=SandboxLimits().memory_bytes))
    assert result.stdout == "256 MiB ok\n"
    assert "MemoryError" in result.stderr
    assert result.problem == "out of memory (limit 2 GiB per process)"


def test_a_fork_bomb_is_stopped_by_a_process_limit_of_this_sandbox_alone():
    # Hundreds of processes of this account (or uid) already run outside: the limit inside
    # counts only the sandbox's own (per leased uid as root, per user namespace otherwise).
    import subprocess

    outside = [subprocess.Popen(["sleep", "60"]) for _ in range(80)]
    try:
        seen = reported(run_python("""
            import time
            children = 0
            try:
                while True:
                    if os.fork() == 0:
                        time.sleep(60)
                        os._exit(0)
                    children += 1
            except OSError as error:
                report([children, error.errno])
        """, limits=replace(SMALL, max_processes=32)))
    finally:
        for process in outside:
            process.kill()
            process.wait()
    children, code = seen
    assert code == errno.EAGAIN and 16 < children < 32


def test_file_size_limit_stops_a_large_file():
    result = run_python("""
        try:
            with open('big.bin', 'wb') as out:
                out.write(b'x' * (2 << 20))
        finally:
            report(os.path.getsize('big.bin'))
    """, limits=replace(SMALL, file_size_bytes=1 * MIB))
    assert "File too large" in result.stderr
    assert result.problem == "wrote a file larger than the limit of 1 MiB"
    assert reported(result) == 1 * MIB


def test_every_tmpfs_is_capped_in_bytes():
    seen = reported(run_python(f"""
        codes = []
        for folder in ['/job', '/tmp', os.environ['HOME'], '/dev/shm']:
            try:
                with open(os.path.join(folder, 'fill'), 'wb') as out:
                    out.write(b'x' * {2 * SMALL.scratch_bytes})
            except OSError as error:
                codes.append([folder, error.errno])
        report(codes)
    """))
    assert seen == [[folder, errno.ENOSPC] for folder in ("/job", "/tmp", "/home/sandbox", "/dev/shm")]


def test_every_tmpfs_is_capped_in_files_even_for_a_deep_tree():
    seen = reported(run_python(f"""
        made = {{}}
        for folder in ['/job', '/tmp', os.environ['HOME'], '/dev/shm']:
            path, count = folder, 0
            try:
                while True:
                    path = os.path.join(path, 'd')
                    os.mkdir(path)
                    open(os.path.join(path, 'f'), 'w').close()
                    count += 2
            except OSError as error:
                made[folder] = [count, error.errno]
        report(made)
    """))
    for count, code in seen.values():
        assert code == errno.ENOSPC and count <= SMALL.max_files


def test_the_kernel_keyring_is_out_of_reach():
    if not CALLS:
        pytest.skip(f"no system-call numbers for {os.uname().machine}")
    seen = reported(run_python(f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        added = libc.syscall({CALLS['add_key']}, b'user', b'week12-secret', b'answer', 6, -4)
        add_errno = ctypes.get_errno()
        found = libc.syscall({CALLS['request_key']}, b'user', b'week12-secret', None, 0)
        report([added, add_errno, found])
    """))
    assert seen == [-1, errno.ENOSYS, -1]


def test_no_new_user_namespace_can_be_made_inside():
    seen = reported(run_python("""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.unshare(0x10000000)  # CLONE_NEWUSER: all capabilities in a namespace of its own
        report([failed, ctypes.get_errno()])
    """))
    assert seen == [-1, errno.EPERM]


def test_cpu_busy_loop_is_killed_by_the_cpu_limit():
    result = run_python("while True: pass", limits=replace(SMALL, cpu_seconds=1))
    assert result.signal == signal.SIGXCPU and not result.timed_out
    assert result.problem == "killed after the CPU-time limit of 1 s"
    assert result.wall_seconds < 10


def test_sleep_is_killed_by_the_wall_clock():
    result = run_python("import time; time.sleep(100)", limits=replace(SMALL, wall_seconds=1))
    assert result.timed_out and result.signal == signal.SIGKILL
    assert result.problem == "killed after the wall-clock limit of 1 s"
    assert 1 <= result.wall_seconds < 5


def _sleepers_of_this_test(tag: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if tag.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("ending", ["exits", "times out"])
def test_no_detached_process_survives_the_run(ending):
    tag = f"week12-daemon-{os.getpid()}-{ending.replace(' ', '')}"
    result = run_python(f"""
        import subprocess, time
        # setsid + a backgrounded sleeper: a daemon in a session of its own, orphaned at once,
        # named by its last argument (this process's own command line may hold the tag too).
        subprocess.run(['setsid', 'sh', '-c', f'{{sys.executable}} -c "import time; time.sleep(1000)" {tag} &'],
                       check=True)
        while not any(b'{tag}' in open(f'/proc/{{pid}}/cmdline', 'rb').read()
                      for pid in os.listdir('/proc') if pid.isdigit() and int(pid) != os.getpid()):
            time.sleep(0.05)
        print('daemon started', flush=True)
        if {ending == "times out"}:
            time.sleep(100)
    """, limits=replace(SMALL, wall_seconds=3))
    assert result.stdout == "daemon started\n", result.stderr
    assert result.timed_out == (ending == "times out")
    deadline = time.monotonic() + 5  # the kernel tears the PID namespace down
    while _sleepers_of_this_test(tag) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _sleepers_of_this_test(tag) == []
    if AS_ROOT:
        assert processes_of(result.uid) == []


def test_output_flood_is_truncated_and_the_call_returns_promptly():
    result = run_python("""
        line = 'x' * 1023 + '\\n'
        for _ in range(50 * 1024):  # 50 MiB to each stream
            sys.stdout.write(line)
            sys.stderr.write(line)
    """, limits=replace(SMALL, output_bytes=64 * 1024))
    assert result.returncode == 0 and not result.timed_out
    assert len(result.stdout) == len(result.stderr) == 64 * 1024
    assert result.stdout_truncated and result.stderr_truncated
    assert result.wall_seconds < 15


def test_the_result_pipe_is_bounded():
    result = run_python("os.write(int(sys.argv[1]), b'r' * (4 << 20))", limits=replace(SMALL, result_bytes=1 * MIB))
    assert len(result.result) == 1 * MIB and result.result_truncated


def test_tensorflow_conv2d_runs_under_the_default_limits():
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
        report(list(model(np.zeros((2, 28, 28, 1))).shape))
    """, limits=SandboxLimits())
    assert reported(result) == [2, 10], result.stderr[-3000:]
    assert result.problem is None


def test_two_sandboxes_run_at_the_same_time_and_never_share_a_uid():
    code = "import time; time.sleep(2); report(os.getuid())"
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: run_python(code), range(2)))
    elapsed = time.monotonic() - started
    assert all(result.returncode == 0 for result in results)
    assert elapsed < 3.5  # side by side, not one after the other
    if AS_ROOT:
        assert results[0].uid != results[1].uid


def test_readonly_paths_appear_at_the_same_path_minus_the_hidden_ones(tmp_path):
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    (course / "solutions" / "answer.py").write_text("secret")
    (course / "key.txt").write_text("secret")
    (course / "public.txt").write_text("shared")
    for path in (tmp_path, course, course / "solutions"):
        path.chmod(0o755)  # the sandbox's uid (root's leased one) may read what anyone may
    for path in course.rglob("*.*"):
        path.chmod(0o644)
    result = run_python(f"""
        report([sorted(os.listdir({str(course)!r})), os.listdir({str(course / 'solutions')!r}),
                open({str(course / 'public.txt')!r}).read()])
        open({str(course / 'key.txt')!r})
    """, readonly_paths=[course], hidden_paths=[course / "solutions", course / "key.txt"])
    assert reported(result) == [["key.txt", "public.txt", "solutions"], [], "shared"], result.stderr
    assert "PermissionError" in result.stderr


def test_signals_to_its_process_group_and_everyone_end_only_its_own_run():
    result = run_python("""
        import signal
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_IGN)
            for target in (0, -1):  # its process group, every process it may signal
                try:
                    os.kill(target, number)
                except ProcessLookupError:  # nobody else to signal
                    pass
        raise SystemExit(3)
    """)
    assert (result.returncode, result.setup_failed) == (3, False), result.stderr
    assert result.problem == "exit code 3"


def test_asking_to_be_traced_by_its_parent_only_stops_its_own_run():
    result = run_python("""
        import ctypes, signal
        ctypes.CDLL(None).ptrace(0, 0, 0, 0)  # PTRACE_TRACEME
        os.kill(os.getpid(), signal.SIGUSR1)   # stops, for a tracer that never lets it go on
        report("went on")
    """, limits=replace(SMALL, wall_seconds=3))
    # A cold run's tracer is bwrap's init, which ends the sandbox; a warm run's waits for the
    # wall clock. Either way the run is the student's own, never a sandbox that failed to start.
    assert not result.setup_failed and result.problem is not None, (result.problem, result.stderr)
    assert result.wall_seconds < 6
