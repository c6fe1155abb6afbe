"""The package's floor plan holds: no import cycle, each part imports only the parts below it,
small modules, a pure scorer, and no environment-variable hand-offs.

The import graph is built from the source with ``ast`` (every ``import`` statement, also those
inside functions), so that a lazy import cannot hide a cycle or a dependency the wrong way.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
MAX_MODULE_LINES = 400

# Which parts of the package each part may import (a part is a subpackage or a top-level module).
# Read it as the data flow: the student-side API and the sandbox's inside sit on the exercises and
# the scorer; the trusted grading side on those and the sandbox; the instructor's verbs on all of
# them; and the solution-bearing builders are imported by the command line alone.
ALLOWED = {
    "i18n": set(),
    "startup_chatter": set(),  # standard library only: the notebooks carry a copy of it
    "console": set(),  # where the verbs print (rich, tqdm): readable on a terminal and in a log
    "safe_html": set(),  # what a student's notebook may put on a page (nh3, nbconvert's Markdown)
    "contract": set(),
    "settings": {"i18n"},
    "course": set(),
    "scoring": {"i18n"},
    "answers": {"i18n"},  # the sandbox's report protocol words its truncation notice
    "sandbox": set(),
    "lms": {"course"},  # the exports read the gradebook of the course they are given
    "collect": {"i18n", "lms"},  # i18n: what the collect report tells a student
    "exercises": {"answers", "contract", "i18n", "scoring"},
    "notebook": {"contract", "exercises", "i18n", "scoring", "startup_chatter"},
    "inside": {"answers", "exercises", "i18n", "startup_chatter"},
    # Never "inside": the trusted side reads the sandbox's report by the protocol in answers/.
    # The stages of one notebook's grading, in order; never "inside": the trusted side reads the
    # sandbox's report by the protocol in answers/.
    "sanitize": {"contract", "judging"},
    "run": {"answers", "record", "sandbox", "settings"},
    "judging": {"answers", "exercises", "i18n", "scoring", "settings"},
    "record": {"answers", "exercises", "judging", "safe_html", "scoring"},
    "grading": {"answers", "judging", "record", "run", "sandbox", "sanitize", "settings"},
    "feedback": {"contract", "exercises", "record", "safe_html", "sanitize"},
    "preprocessors": {"feedback", "grading", "record", "sanitize"},
    "report": {"answers", "contract", "course", "exercises", "i18n", "safe_html", "scoring"},
    # The grading service: a room of its own, over the same stages as the batch verbs.
    "service": {"answers", "collect", "course", "feedback", "grading", "i18n", "judging", "lms", "record", "run",
                "safe_html", "sandbox", "settings", "start_up"},
    # The step a command that collects or grades runs first (recovery, hygiene, the exchange).
    "start_up": {"collect", "lms", "record"},
    "workflow": {"answers", "collect", "console", "contract", "course", "exercises", "grading", "i18n", "judging",
                 "lms", "record", "report", "run", "safe_html", "sandbox", "scoring", "service", "settings", "start_up"},
    "demo": {"console", "contract", "course", "workflow"},
    "authoring": {"contract", "scoring"},  # the homework notebook states the rubric's thresholds
    # Old import paths kept for notebooks released before autograder.notebook.
    "lab": {"exercises"},
    "homework": {"notebook"},
    "plotting": {"notebook", "scoring"},
    # What is wrong with the set-up, in one line, before and while any verb runs: the gradebook and
    # folders of the course, the grading step's sandbox refusal.
    "environment_check": {"course", "grading", "run"},
    "cli": {"authoring", "collect", "console", "course", "demo", "environment_check", "run", "start_up", "workflow"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict) -> str | None:
    """The package module ``name`` refers to (the longest known prefix), or None if it is outside."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # `from a import b`: the module a.b when b is one, else a's own names.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                           for alias in node.names]
            for target in targets:
                resolved = _resolve(target, known)
                if resolved is not None and resolved != name:
                    edges.add(resolved)
            # `__import__("autograder.x")` in generated code is a string, not an import here.
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            visit(node)
    return found


def part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_the_graph_sees_lazy_imports():
    graph = import_graph()
    # A function-level import in the class-grading verb (the worker pool's executor).
    assert "autograder.grading.sandboxed_execute" in graph["autograder.grading.pool"]
    assert "autograder.scoring.figure" in graph["autograder.scoring.verdict"]


def test_there_is_no_import_cycle():
    assert _cycles(import_graph()) == []


def test_each_part_imports_only_the_parts_below_it():
    wrong = sorted((module, target) for module, targets in import_graph().items() for target in targets
                   if part(module) and part(target) and part(target) != part(module)
                   and part(target) not in ALLOWED[part(module)])
    assert wrong == []


def test_the_trusted_side_never_imports_what_runs_inside_the_sandbox():
    """Only the protocol module is shared across the boundary (``answers/protocol.py``)."""
    trusted = ("grading", "feedback", "workflow", "collect", "lms", "report", "service", "sanitize", "run", "record")
    crossing = sorted((module, target) for module, targets in import_graph().items() for target in targets
                      if part(module) in trusted and part(target) == "inside")
    assert crossing == []
    assert "inside" not in ALLOWED["grading"]


def test_every_part_is_on_the_floor_plan():
    assert {part(module) for module in modules() if part(module)} == set(ALLOWED)


def test_the_readme_floor_plan_names_every_folder():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| folder | stage | trust |"):]
    table = table[:table.index("\n\n")]
    rows = {line.split("|")[1].strip().strip("`").rstrip("/") for line in table.splitlines()[2:]}
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert rows == folders


def test_the_solution_builders_are_imported_by_the_command_line_only():
    importers = {module for module, targets in import_graph().items()
                 if any(part(target) == "authoring" for target in targets) and part(module) != "authoring"}
    assert importers == {"autograder.cli"}


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_environment_variable_hands_settings_over():
    # Settings go through traitlets (nbgrader_config.py and nbgrader's command line), the judge's
    # command line and the runner's input files; answers come back as the capture's output.
    named = {node.value for path in modules().values()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("WEEK12_")}
    assert named == set()


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_scorer_imports_neither_nbgrader_nor_tensorflow():
    loaded = _run("import json, sys, autograder.scoring; print(json.dumps(sorted(sys.modules)))")
    heavy = [name for name in loaded if name.split(".")[0] in ("nbgrader", "tensorflow", "keras", "matplotlib",
                                                                 "traitlets", "nbformat")]
    assert heavy == []


@pytest.mark.parametrize("task", ["horizontal_edge", "vertical_edge", "smoothing"])
def test_scoring_a_kernel_reads_no_file(task):
    opened = _run(f"""
import json, sys
from autograder.scoring import describe_kernel, score_kernel
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
for kernel in ([[-1, -1], [1, 1]], [[-1, 1], [-1, 1]], [[0.25, 0.25], [0.25, 0.25]], "text", None):
    verdict = score_kernel(kernel, task={task!r}, language="en")
    verdict.to_text()
    describe_kernel(kernel)
print(json.dumps(opened))
""")
    assert opened == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
