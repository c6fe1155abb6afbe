"""A class for the similarity check: honest students (``lab_answers``) and planted copies of one
honest student's lab, the way copies are disguised.

The copies of the original student's lab: every variable the student chose renamed; independent
statements reordered; comments and blank lines changed; one answer retyped another way with the
rest copied; and a copy of a copy (the comment-changed copy, renamed and reordered again). Each
transformation keeps the program what it was (the renamed names are exactly the ones the student
chose; statements move only past statements that share no name they change), so a copy runs and
grades as its source does. Every student gets a submission time in the three days before the
deadline; copies hand in after their source. Everything follows from ``seed``.
"""

from __future__ import annotations

import ast
import functools
import io
import random
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import combinations

from tests.lab_answers import COMMENTS, LabWriter

DUE = datetime(2026, 5, 25, 14, 59, tzinfo=timezone.utc)
COPY_KINDS = ("renamed", "reordered", "recommented", "retyped", "copy_of_copy")
# Names a statement may read without depending on another statement: modules and the notebook's
# read-only values. Calls on anything else may change it (conv(XXX) builds the layer's weights).
READ_ONLY = frozenset({"np", "tf", "tnp", "math", "XXX", "XXX0", "XXX1", "STEP_IMAGE_SEED", "lecture_step_image",
                       "len", "tuple", "int", "float", "range", "sum", "dict", "zip", "enumerate", "list"})
FRESH_WORDS = ("alpha", "beta", "gamma", "delta", "tmp", "val", "data", "arr", "mat", "vec", "foo", "temp", "kk",
               "pp", "qq", "aa", "item", "thing", "piece", "part")


@dataclass(frozen=True)
class Student:
    answers: dict  # answer cell id -> source
    other: tuple[str, ...]
    chosen: frozenset[str]  # the names the student chose (a copier may rename these)
    submitted_at: datetime


@dataclass(frozen=True)
class PlantedClass:
    students: dict  # student id -> Student
    honest: tuple[str, ...]  # including the original
    original: str
    copies: dict  # copy kind -> student id
    retyped_cell: str

    @property
    def group(self) -> frozenset[str]:
        return frozenset((self.original, *self.copies.values()))

    @property
    def planted_pairs(self) -> set[frozenset[str]]:
        """Every pair that shares the original's work: the original and each copy, and copies of it."""
        return {frozenset(pair) for pair in combinations(sorted(self.group), 2)}


# --- the transformations ---------------------------------------------------------------------------

def rename(source: str, mapping: dict[str, str]) -> str:
    """``source`` with every variable in ``mapping`` renamed (not attributes, not inside strings
    except f-string fields), comments and layout kept."""
    lines = source.splitlines(keepends=True)
    edits, previous = [], None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and token.string in mapping and previous != ".":
            edits.append((token.start, token.end, mapping[token.string]))
        elif token.type == tokenize.STRING and token.string[:1] in "fF":
            text = re.sub(r"\{(\w+)\}", lambda m: "{" + mapping.get(m.group(1), m.group(1)) + "}", token.string)
            edits.append((token.start, token.end, text))
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            previous = token.string
    for (row, col), (end_row, end_col), text in reversed(edits):
        if row == end_row:
            line = lines[row - 1]
            lines[row - 1] = line[:col] + text + line[end_col:]
    return "".join(lines)


def fresh_names(chosen, taken, rng: random.Random) -> dict[str, str]:
    mapping, used = {}, set(taken)
    for name in sorted(chosen):
        new = name
        while new in used:
            new = f"{rng.choice(FRESH_WORDS)}{rng.randint(1, 99)}"
        mapping[name] = new
        used.add(new)
    return mapping


def _all_names(node: ast.AST) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.ClassDef)):
            found.add(child.name)
        elif isinstance(child, ast.arg):
            found.add(child.arg)
    return found


def _changed_names(node: ast.AST) -> set[str]:
    """What a statement may change: what it assigns or defines, and anything it calls a method
    of or calls (unless read-only); print changes the output."""
    changed = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            changed.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.ClassDef)):
            changed.add(child.name)
        elif isinstance(child, (ast.Attribute, ast.Subscript)) and not isinstance(child.ctx, ast.Load):
            changed |= _all_names(child.value)
        elif isinstance(child, ast.alias):
            changed.add((child.asname or child.name).split(".")[0])
        elif isinstance(child, ast.Call):
            root = child.func
            while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and (root.id not in READ_ONLY or isinstance(node, ast.Expr)):
                changed.add(root.id)
    return changed


def _segments(source: str) -> tuple[list[str], list[ast.stmt]]:
    """The cell cut before each top-level statement (comments above a statement go with it)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    starts = [0] + [statement.end_lineno for statement in tree.body[:-1]]
    ends = [statement.end_lineno for statement in tree.body[:-1]] + [len(lines)]
    segments = ["".join(lines[start:end]) for start, end in zip(starts, ends)]
    return [s if s.endswith("\n") else s + "\n" for s in segments], tree.body


def reorder(source: str, rng: random.Random, swaps: int = 30) -> str:
    """Independent top-level statements of the cell shuffled by random swaps of neighbours."""
    segments, statements = _segments(source)
    items = list(zip(segments, statements))
    for _ in range(swaps):
        if len(items) < 2:
            break
        i = rng.randrange(len(items) - 1)
        (_, first), (_, second) = items[i], items[i + 1]
        if not (_changed_names(first) & _all_names(second) or _changed_names(second) & _all_names(first)):
            items[i], items[i + 1] = items[i + 1], items[i]
    return "".join(segment for segment, _ in items)


def recomment(source: str, rng: random.Random) -> str:
    """Comments and blank lines taken out, others put in between statements."""
    lines = source.splitlines(keepends=True)
    for token in reversed(list(tokenize.generate_tokens(io.StringIO(source).readline))):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col].rstrip() + "\n"
    bare = "".join(line for line in lines if line.strip())
    segments, _ = _segments(bare)
    out = []
    for segment in segments:
        if rng.random() < 0.35:
            out.append("\n")
        if rng.random() < 0.4:
            out.append(rng.choice(COMMENTS) + "\n")
        out.append(segment)
    return "".join(out)


def _structure(source: str) -> Counter:
    """What a cell is made of, names and numbers aside: node kinds and attributes used."""
    return Counter((type(node).__name__, getattr(node, "attr", "")) for node in ast.walk(ast.parse(source)))


# --- the class -------------------------------------------------------------------------------------

def _copy(student: Student, answers: dict, later: timedelta) -> Student:
    return Student(answers, student.other, student.chosen, student.submitted_at + later)


def _renamed(student: Student, rng: random.Random, later: timedelta) -> Student:
    taken = set().union(*(re.findall(r"\w+", s) for s in (*student.answers.values(), *student.other)))
    mapping = fresh_names(student.chosen, taken, rng)
    return Student({cell: rename(source, mapping) for cell, source in student.answers.items()},
                   tuple(rename(source, mapping) for source in student.other),
                   frozenset(mapping.values()), student.submitted_at + later)


@functools.lru_cache(maxsize=16)  # the same seed is the same class; tests share it, none changes it
def planted_class(seed: int, honest: int = 32) -> PlantedClass:
    """``honest`` honest students and five planted copies of one of them, ids shuffled."""
    rng = random.Random(seed)
    students = []
    for _ in range(honest):
        writer = LabWriter(random.Random(rng.getrandbits(64)))
        answers = writer.answers()
        at = DUE - timedelta(minutes=rng.randint(10, 3 * 24 * 60))
        students.append(Student(answers, tuple(writer.other_cells()), frozenset(writer.chosen), at))
    original_index = rng.randrange(honest)
    original = students[original_index]

    def later():
        return timedelta(minutes=rng.randint(5, 24 * 60))

    copies = {"renamed": _renamed(original, rng, later())}
    copies["reordered"] = _copy(original, {c: reorder(s, rng) for c, s in original.answers.items()}, later())
    copies["recommented"] = _copy(original, {c: recomment(s, rng) for c, s in original.answers.items()}, later())
    retyped_cell = rng.choice([c for c in original.answers if c != "keeps_edge"])
    while True:
        retyped = LabWriter(random.Random(rng.getrandbits(64))).answers()[retyped_cell]
        if _structure(retyped) != _structure(original.answers[retyped_cell]):
            break
    copies["retyped"] = _copy(original, {**original.answers, retyped_cell: retyped}, later())
    source = copies["recommented"]
    twice_copied = _renamed(source, rng, later())
    copies["copy_of_copy"] = _copy(twice_copied, {c: reorder(s, rng) for c, s in twice_copied.answers.items()},
                                   timedelta(0))
    everyone = students + [copies[kind] for kind in COPY_KINDS]
    ids = [f"st{number:03d}" for number in rng.sample(range(1, 1000), len(everyone))]
    by_id = dict(zip(ids, everyone))
    original_id = ids[original_index]
    copy_ids = {kind: ids[honest + index] for index, kind in enumerate(COPY_KINDS)}
    return PlantedClass(by_id, tuple(ids[:honest]), original_id, copy_ids, retyped_cell)


# --- what every student was given, from the repository's worked solution -----------------------------

SOLUTION_BLOCK = re.compile(r"( *)### BEGIN SOLUTION\n[\s\S]*?### END SOLUTION")


def lab_shared_code(root):
    """The lab's shared code without running nbgrader: the worked solution's other code cells (the
    release's, hidden tests already stripped), its answer cells as nbgrader releases them (each
    solution block replaced by the stub) and its answers. Returns ``(answer cell ids, SharedCode)``."""
    import nbformat

    from autograder.report.similarity import SharedCode

    notebook = nbformat.read(root / "solutions" / "week12-lab" / "conv_lab.ipynb", as_version=4)
    given, released, reference, cells = [], [], [], []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("solution"):
            cells.append(nbgrader["grade_id"])
            reference.append(cell.source)
            released.append(SOLUTION_BLOCK.sub(r"\1# YOUR CODE HERE\n\1raise NotImplementedError()", cell.source))
        else:
            given.append(cell.source)
    return tuple(cells), SharedCode(tuple(given), tuple(released), tuple(reference))


def submitted_code(planted: PlantedClass):
    """The class as the similarity check takes it (times as the gradebook would give them)."""
    from autograder.report.similarity import SubmittedCode

    return [SubmittedCode(student, s.answers, s.other, s.submitted_at) for student, s in planted.students.items()]


def write_planted_class(course, planted: PlantedClass) -> None:
    """Each student's lab as a notebook in the course's ``submitted/`` folder: the released
    notebook with their answers typed in, and their own cells put in after the answer they
    looked at (a fixed place per student)."""
    import nbformat

    from tests.submissions import answered_notebook, submit

    for student, work in planted.students.items():
        notebook = answered_notebook(course, "week12-lab", "conv_lab.ipynb", work.answers)
        place = random.Random(student).randrange(len(notebook.cells) // 2, len(notebook.cells))
        for offset, source in enumerate(work.other):
            notebook.cells.insert(place + offset, nbformat.v4.new_code_cell(source))
        submit(course, student, "week12-lab", {"conv_lab.ipynb": notebook})
