"""``week12 doctor``: can this machine grade safely, as this user, and if not, what to change.

The same diagnosis that ``nbgrader autograde`` refuses with (``autograder.sandbox.probe``): the
settings that decide whether an unprivileged sandbox can be made (user namespaces, AppArmor for
the bwrap binary actually used, a container's rights, the kernel), then a trial sandbox that
checks from inside what grading relies on; and what the sandbox will import (the course package,
the same as this grader's) and what it must not see.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from dataclasses import dataclass

from autograder.course import Course


@dataclass(frozen=True)
class DoctorReport:
    user: str
    uid: int
    mode: str
    bwrap: str
    checks: list  # probe.Check
    mounts: object | None  # grading.environment.SandboxMounts, when a sandbox can be made
    mounts_problem: str | None
    warm_start: str = "off"  # "off", "ok", or why it does not work here
    service: tuple = ()  # (what, ok, detail): what `week12 serve` needs here

    @property
    def ok(self) -> bool:
        return (all(check.ok for check in self.checks) and self.mounts_problem is None
                and self.warm_start in ("off", "ok") and all(ok for _, ok, _ in self.service))


def service_checks(course: Course) -> tuple:
    """What the grading service needs as this account (read only: nothing is made or changed)."""
    from autograder.record.service_lock import LOCK_PATH, writer_lock_holder

    found = []
    course_dir = course.exchange_root / course.course_id
    inbound, feedback = course_dir / "inbound", course_dir / "feedback"
    if inbound.is_dir():
        found.append(("the exchange's inbound folder can be listed and read (hand-ins are found there)",
                      os.access(inbound, os.R_OK | os.X_OK), f"{inbound}: give this account read access"))
    else:
        found.append((f"no exchange inbound folder yet ({inbound}): releasing an assignment makes it", True, ""))
    # What the first release will make (feedback/, the course folder, the exchange itself) is
    # made inside the nearest folder that exists: that one must be writable.
    where = next((folder for folder in (feedback, course_dir, *course_dir.parents) if folder.is_dir()), feedback)
    found.append(("feedback can be released into the exchange", os.access(where, os.W_OK | os.X_OK),
                  f"{where}: this account must be able to write it"))
    record = (course.root / LOCK_PATH).parent
    where = record if record.is_dir() else course.root
    found.append(("the service's record and lock can be written", os.access(where, os.W_OK | os.X_OK),
                  f"{where}: this account must be able to write it"))
    holder = writer_lock_holder(course.root)
    found.append((f"a grading service runs already (pid {holder.get('pid')} on {holder.get('host')}): it is this "
                  "course's gradebook writer" if holder else "no grading service runs in this course now", True, ""))
    return tuple(found)


def _bwrap_version(path) -> str:
    try:
        done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10)
        return f"{path} ({done.stdout.strip() or done.stderr.strip()})"
    except OSError as error:
        return f"{path} ({error})"


def examine(course: Course) -> DoctorReport:
    from autograder.run.environment import EnvironmentMismatch, check_course_package
    from autograder.grading.sandboxed_execute import SandboxedExecute
    from autograder.sandbox import find_bwrap
    from autograder.sandbox.leases import FIRST_SANDBOX_UID, POOL_SIZE
    from autograder.sandbox.probe import diagnose

    executor = SandboxedExecute(config=course.config)
    configured = executor.bwrap_path or None
    diagnosis = diagnose(configured)
    bwrap = find_bwrap(configured)
    if os.geteuid() == 0:
        mode = (f"root: each sandbox runs as a uid of its own, leased from {FIRST_SANDBOX_UID}-"
                f"{FIRST_SANDBOX_UID + POOL_SIZE - 1} (RLIMIT_NPROC per uid)")
    else:
        mode = ("an ordinary account: each sandbox is an unprivileged user namespace of its own "
                "(RLIMIT_NPROC counted per namespace)")
    mounts, problem, warm = None, None, "off"
    if diagnosis.ok:
        try:
            check_course_package(course.root)
            mounts = executor.mounts()
        except EnvironmentMismatch as error:
            problem = str(error)
    if mounts is not None and executor.warm_start:
        from autograder.run.sandbox_run import run_environment
        from autograder.run.warm_start import trial

        warm = trial(run_environment(executor.cpu_threads, executor.tensorflow_onednn), mounts=mounts,
                     bwrap_path=configured) or "ok"
    return DoctorReport(getpass.getuser(), os.getuid(), mode, _bwrap_version(bwrap) if bwrap else "none",
                        diagnosis.checks, mounts, problem, warm, service_checks(course))


def print_report(report: DoctorReport, console) -> None:
    console.print(f"[bold]week12 doctor[/bold]: can this machine grade safely as {report.user} (uid {report.uid})?")
    console.print(f"  sandbox mode: {report.mode}")
    console.print(f"  bwrap:        {report.bwrap}")
    for check in report.checks:
        mark = "[green]ok[/green]  " if check.ok else "[red]FAIL[/red]"
        console.print(f"  {mark} {check.name}" + ("" if check.ok else f": {check.detail}"), highlight=False)
        if not check.ok and check.fix:
            console.print(f"         to fix: {check.fix}", highlight=False)
    if report.mounts is not None:
        console.print(f"  the sandbox imports the course package from {report.mounts.package_dir}")
        console.print(f"  read-only in the sandbox: {', '.join(map(str, report.mounts.readonly))}", highlight=False)
        console.print(f"  hidden there: {', '.join(map(str, report.mounts.hidden))}", highlight=False)
    if report.mounts_problem:
        console.print(f"  [red]FAIL[/red] course package: {report.mounts_problem}", highlight=False)
    if report.warm_start == "ok":
        console.print("  [green]ok[/green]   warm start: a warm parent started single-threaded and a trial run "
                      "forked from it joined its sandbox", highlight=False)
    elif report.warm_start != "off":
        console.print(f"  [red]FAIL[/red] warm start: {report.warm_start}", highlight=False)
        console.print("         to fix: c.SandboxedExecute.warm_start = False in nbgrader_config.py "
                      "(every notebook then starts cold)", highlight=False)
    for what, ok, detail in report.service:
        console.print(("  [green]ok[/green]   " if ok else "  [red]FAIL[/red] ") + f"grading service: {what}"
                      + ("" if ok else f": {detail}"), highlight=False)
    console.print("[green]This machine can grade safely as this user.[/green]" if report.ok else
                  "[red]This machine cannot grade safely as this user: nbgrader autograde will refuse.[/red]")
