"""The released notebooks run where the course package is not installed, as on Google Colab.

A plain virtual environment with only ``tensorflow-cpu``, ``numpy``, ``matplotlib``, ``ipykernel``
and ``nbclient`` (no course package, no nbgrader) runs the released lab, homework and learn-kernel
notebooks, answered correctly, top to bottom: no cell fails, the visible checks print what they confirmed, and the
notebooks, downloaded from there with Colab's metadata, get the same grades as any other.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.contract import HOMEWORK, LAB, LEARN_KERNEL
from tests.accounts import HUB_ROOT
from tests.submissions import answered_notebook, cell_scores, submit

pytestmark = pytest.mark.nbgrader

PLAIN_PACKAGES = ("tensorflow-cpu", "numpy", "matplotlib", "ipykernel", "nbclient")
PROBE = "import importlib.util\nprint('course package:', importlib.util.find_spec('autograder'))"

# Runs inside the plain environment: execute a notebook and write it back.
DRIVER = """
import sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[1])
"""


def _plain_environment() -> Path:
    key = hashlib.sha256(" ".join((sys.version, *PLAIN_PACKAGES)).encode()).hexdigest()[:16]
    venv = HUB_ROOT / f"week12-plain-{key}"
    with open(HUB_ROOT / "week12-plain.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", *PLAIN_PACKAGES], check=True, capture_output=True)
            (venv / ".complete").write_text("")
    return venv


@pytest.fixture(scope="module")
def plain_environment():
    return _plain_environment()


def _isolated_env(venv: Path, home: Path) -> dict[str, str]:
    # Nothing of the course environment leaks in: no PYTHONPATH, no kernelspecs from elsewhere.
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "JUPYTER_DATA_DIR": str(home / "jupyter"),
            "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"), "LANG": "C.UTF-8",
            "TF_CPP_MIN_LOG_LEVEL": "2"}


def _run_there(venv: Path, nb, workdir: Path):
    (workdir / "home").mkdir(parents=True, exist_ok=True)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE, id="probe"))
    path = workdir / "notebook.ipynb"
    nbformat.write(nb, path)
    (workdir / "driver.py").write_text(DRIVER)
    subprocess.run([str(venv / "bin" / "python"), str(workdir / "driver.py"), str(path), str(workdir)],
                   cwd=workdir, env=_isolated_env(venv, workdir / "home"), check=True, timeout=1200)
    ran = nbformat.read(path, as_version=4)
    probe = ran.cells.pop(0)
    return ran, probe


def _errors(nb) -> list[tuple[str, str]]:
    return [(cell.get("id"), f"{out.ename}: {out.evalue}") for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.output_type == "error"]


def _text(cell) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream")


@pytest.fixture(scope="module")
def ran_there(plain_environment, own_release, tmp_path_factory):
    results = {}
    for assignment in (LAB, HOMEWORK, LEARN_KERNEL):
        nb = answered_notebook(own_release, assignment.name, assignment.notebook)
        results[assignment.name] = _run_there(plain_environment, nb, tmp_path_factory.mktemp(assignment.name))
    return results


def test_the_plain_environment_has_no_course_package(ran_there):
    for _, probe in ran_there.values():
        assert _text(probe).strip() == "course package: None"


@pytest.mark.parametrize("assignment", [LAB.name, HOMEWORK.name, LEARN_KERNEL.name])
def test_released_notebooks_run_top_to_bottom_without_the_course_package(ran_there, assignment):
    nb, _ = ran_there[assignment]
    assert _errors(nb) == []
    stderr = [(cell.get("id"), out.text) for cell in nb.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.output_type == "stream" and out.name == "stderr"]
    assert stderr == []


def test_every_visible_check_of_the_lab_runs_there(ran_there):
    nb, _ = ran_there[LAB.name]
    graded = {cell.metadata["nbgrader"]["grade_id"]: _text(cell) for cell in nb.cells
              if cell.metadata.get("nbgrader", {}).get("grade")}
    assert set(graded) == {cell.grade_id for cell in LAB.graded_cells}
    assert all("보이는 테스트 통과" in text for text in graded.values()), graded


def test_the_homework_checks_run_there(ran_there):
    nb, _ = ran_there[HOMEWORK.name]
    by_id = {cell.get("id"): cell for cell in nb.cells}
    visible = _text(by_id["visible-check"])
    assert "형식 확인: kernel = [[-1.0, -1.0], [1.0, 1.0]]" in visible
    assert "49/49개 열" in visible  # the intended filter finds the edge in every column of XXX.T
    assert "채점에서 계산합니다" in _text(by_id[HOMEWORK.graded_cells[0].grade_id])


def test_the_learn_kernel_check_trains_there(ran_there):
    nb, _ = ran_there[LEARN_KERNEL.name]
    by_id = {cell.get("id"): cell for cell in nb.cells}
    checked = _text(by_id["check-training"])
    assert "가장 강한 줄은 행 24" in checked and "49/49개 열" in checked and "수렴: " in checked
    assert "채점에서" in _text(by_id[LEARN_KERNEL.graded_cells[0].grade_id])


def test_a_visible_check_fails_there_with_the_courses_message(plain_environment, own_release, tmp_path):
    nb = answered_notebook(own_release, LAB.name, LAB.notebook, {"keeps_edge": 'keeps_edge = {"mean->mean": None}'})
    ran, _ = _run_there(plain_environment, nb, tmp_path / "lab")
    errors = dict(_errors(ran))
    assert list(errors) == ["test_keeps_edge"], errors
    assert errors["test_keeps_edge"].startswith("VisibleCheckFailed: keeps_edge")


@pytest.mark.sandbox
def test_notebooks_worked_on_there_grade_as_any_other(ran_there, own_release):
    """Downloaded from Colab (its metadata added, outputs kept), they earn full marks."""
    for assignment in (LAB, HOMEWORK, LEARN_KERNEL):
        nb, _ = ran_there[assignment.name]
        nb = json.loads(json.dumps(nb))
        nb["metadata"]["colab"] = {"provenance": [], "name": assignment.notebook}
        for cell in nb["cells"]:
            cell["metadata"].setdefault("id", cell.get("id"))
        submit(own_release, "from-colab", assignment.name, {assignment.notebook: nbformat.from_dict(nb)})
        own_release.nbgrader("autograde", assignment.name, "--student", "from-colab", "--force")
        scores = cell_scores(own_release, assignment.name, "from-colab")
        assert scores and all(score == max_score for score, max_score in scores.values()), scores


def test_no_course_variable_leaks_into_the_plain_run(plain_environment):
    # Guards the fixture: the plain environment cannot import the package even from its own site.
    probe = subprocess.run([str(plain_environment / "bin" / "python"), "-c", "import autograder"],
                           cwd="/", env=_isolated_env(plain_environment, Path("/tmp")), capture_output=True)
    assert probe.returncode != 0 and b"ModuleNotFoundError" in probe.stderr
