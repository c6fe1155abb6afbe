"""Who handed in whose work: pairs of students whose own code is alike, with the evidence.
Pure functions over code text (no files, nothing executed); a pointer for a person, never a verdict.

What is compared. Each student's answer cells, cell by cell, and the whole notebook's code (the
answer cells and every other code cell the student wrote or changed), each in its normal form
(``report_code_form``: no names, literals, comments, layout or order of independent
statements). The normal form is fingerprinted with ``copydetect`` (``CodeFingerprint`` over the
form's tokens, one character each, so that a k-gram is ``k`` tokens; every k-gram is kept, a
winnowing window of 1, which these short cells afford), and ``copydetect.compare_files`` finds
the stretches two fingerprints share and how much of each student's code they cover.

What is shared, never evidence. A k-gram that occurs in the released notebook's code, in the
reference solution's answers, or in the code of many students (at least ``shared_fraction`` of
the class, and never fewer than :data:`MIN_SHARED_STUDENTS`) is removed from every fingerprint
before comparing: the short correct lines everyone writes (``conv.set_weights([w, b])``) are
common, not copied. The shared k-grams are removed here rather than by ``CodeFingerprint``'s own
``boilerplate`` argument, because copydetect 0.5.0 drops there every k-gram that occurs twice in
the same code (``np.intersect1d(..., assume_unique=True)`` on a list with repeats).

What is flagged. Cell by cell, the share of the two students' own code (the k-grams left
after removing shared ones) that they have in common; the pair's score is the mean of that share
over the cells where either wrote own code, so that each answer counts once, however long: two
honest students who happen to write one long answer alike share one cell, while a copy shares
every cell but the ones retyped. A pair is flagged from ``threshold``, or when one student's own
code is found almost whole (``notebook_threshold``) anywhere in the other's notebook (code moved
between cells), over ``min_tokens`` tokens of own code in common or more. Pairs are ranked by
score; students linked by flagged pairs form a group (a run who all share one piece of work is
one group), shown by the strongest link of each member.

Candidates come from an index of the k-grams (the winnowing paper's way), so that only pairs
that share own code are compared in full: a class of 300 needs no 44 850 full comparisons.
copydetect is imported when a class is compared (it loads ``matplotlib.pyplot``; nothing here
draws), and its k-gram hashes are Python's own string hashes, so one comparison runs in one process.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from autograder.report.code_form import (ParsedCell, Token, bound_names, module_bindings, normal_form,
                                                  parse_cell)

OTHER_CODE = "other code"  # the comparison of the code cells that are not answer cells
MIN_SHARED_STUDENTS = 3  # two students alone never make code common: that is what a copy looks like
_SEPARATOR = "\x00"  # the token between two cells of one notebook
# Compared in full: pairs who share this part of the smaller notebook's own k-grams. A flagged
# pair shares far more (the tests' planted copies, retyped answer and all: 75% or more); a pair
# under it could only score high if one long answer, unlike the other's, outweighed all the rest.
CANDIDATE_FLOOR = 0.15


@dataclass(frozen=True)
class SubmittedCode:
    """One student's code of one assignment, as read from the submitted notebook (untrusted)."""

    student: str
    answers: Mapping[str, str]  # answer cell grade id -> source
    other: tuple[str, ...] = ()  # other code cells the student wrote or changed, in notebook order
    submitted_at: datetime | None = None  # from the gradebook


@dataclass(frozen=True)
class SharedCode:
    """Code every student may have: the released notebook and the reference solution's answers."""

    given: tuple[str, ...] = ()  # the released notebook's other code cells (set-up, tests, figures)
    released_answers: tuple[str, ...] = ()  # its answer cells as released (the scaffolds)
    reference: tuple[str, ...] = ()  # the worked solution's answer cells


@dataclass(frozen=True)
class SimilaritySettings:
    shared_fraction: float = 0.2  # code written alike by this share of the class is common
    threshold: float = 0.65  # flag from this share of own code in common, cell by cell
    notebook_threshold: float = 0.85  # ... or from this share of one's own code anywhere in the other's notebook
    min_tokens: int = 40  # ... over at least this many tokens (a few statements)
    kgram: int = 20  # tokens in a k-gram: the shortest stretch that counts as a match


CELL_MATCH = 0.5  # a cell matches when at least half of the two students' own code in it is in common


@dataclass(frozen=True)
class MarkedLine:
    text: str
    marked: bool  # part of a stretch of own code the other student's code also has


@dataclass(frozen=True)
class CellComparison:
    """One cell of a pair: how much of each student's own code in it the other's has."""

    cell: str  # the answer cell's grade id, or OTHER_CODE
    shares: tuple[float, float]  # of each student's own code in this cell, the part the other's has
    share: float  # of both students' own code in this cell, the part in common
    own_code: bool  # either student wrote code here that is not shared
    same_form: bool  # the same code once names, literals, comments and order are gone
    lines: tuple[tuple[MarkedLine, ...], tuple[MarkedLine, ...]]

    @property
    def matched(self) -> bool:
        return self.own_code and self.share >= CELL_MATCH


@dataclass(frozen=True)
class SimilarPair:
    """Two students, the one who handed in first first (by name when a time is unknown)."""

    first: str
    second: str
    score: float  # own code in common, cell by cell: the mean of ``share`` over cells with own code
    notebook_shares: tuple[float, float]  # of each one's own code, the part anywhere in the other's notebook
    matched_tokens: int  # own code in common, whole notebooks
    times: tuple[datetime | None, datetime | None]
    cells: tuple[CellComparison, ...]  # in notebook order, the other code last

    @property
    def students(self) -> frozenset[str]:
        return frozenset((self.first, self.second))

    @property
    def matched_cells(self) -> tuple[str, ...]:
        return tuple(cell.cell for cell in self.cells if cell.matched)


@dataclass(frozen=True)
class SimilarGroup:
    students: tuple[str, ...]  # in the order they handed in
    times: tuple[datetime | None, ...]  # when each handed in (the gradebook's), None if unknown
    pairs: tuple[SimilarPair, ...]  # every flagged pair among them, ranked
    links: tuple[SimilarPair, ...]  # one strongest link per member after the first (a spanning tree)


@dataclass(frozen=True)
class ClassSimilarity:
    students: int  # compared
    answer_cells: tuple[str, ...]
    common_students: int  # code written alike by this many students is common
    settings: SimilaritySettings
    pairs: tuple[SimilarPair, ...] = ()
    groups: tuple[SimilarGroup, ...] = ()


# --- fingerprints --------------------------------------------------------------------------------

class _Encoder:
    """Token text -> one character, the same for every student of one comparison."""

    def __init__(self):
        self.codes = {}

    def text(self, tokens: Sequence[Token]) -> str:
        codes = self.codes
        return "".join(codes.setdefault(t.text, chr(0x10000 + len(codes) % 0xEFFFF)) for t in tokens)


@dataclass
class _Document:
    """One cell's tokens and fingerprint, as copydetect's ``compare_files`` reads it."""

    text: str
    tokens: tuple[Token, ...]
    source: str
    k: int
    hashes: set = field(default_factory=set)
    hash_idx: dict = field(default_factory=dict)
    token_coverage: float = 0.0
    offsets: np.ndarray = field(default_factory=lambda: np.array([]))

    @property
    def filtered_code(self) -> str:
        return self.text

    def fingerprint(self):
        from copydetect import CodeFingerprint

        return CodeFingerprint("code", self.k, 1, filter=False, fp=io.StringIO(self.text))

    def keep_own(self, fingerprint, shared: set) -> None:
        """Keep the k-grams that are not ``shared`` (and lie within one cell); coverage counts the
        tokens they span."""
        from copydetect.utils import get_token_coverage

        text, k = self.text, self.k
        self.hash_idx = {}
        for value, where in fingerprint.hash_idx.items():
            if int(value) in shared:
                continue
            # A k-gram across two cells is an artefact of joining them, not code anyone wrote.
            where = [i for i in where if _SEPARATOR not in text[i:i + k]]
            if where:
                self.hash_idx[int(value)] = where
        self.hashes = set(self.hash_idx)
        self.token_coverage = float(get_token_coverage(self.hash_idx, self.k, len(self.text)))


@dataclass
class _Student:
    code: SubmittedCode
    cells: dict[str, _Document]  # by cell name, answer cells then OTHER_CODE
    whole: _Document


def _document(cells: Sequence[ParsedCell], renamable, encoder: _Encoder, k: int) -> _Document:
    tokens, offset = [], 0
    for cell in cells:
        tokens += [Token(t.text, t.first_line + offset, t.last_line + offset) for t in normal_form(cell, renamable)]
        offset += cell.source.count("\n") + 2  # shown joined by a blank line
    return _Document(encoder.text(tokens), tuple(tokens), "\n\n".join(cell.source for cell in cells), k)


def _renamable(cells: Sequence[ParsedCell], given: set[str]) -> frozenset[str]:
    """The names a student chose: every name their code binds, but for the notebook's own."""
    return frozenset(set().union(*(bound_names(cell) for cell in cells)) - given)


def _student(code: SubmittedCode, cells: Sequence[str], given: set, encoder: _Encoder, k: int) -> _Student:
    answers = {cell: parse_cell(code.answers.get(cell, "")) for cell in cells}
    other = [parse_cell(source) for source in code.other]
    renamable = _renamable([*answers.values(), *other], given)
    documents = {cell: _document([parsed], renamable, encoder, k) for cell, parsed in answers.items()}
    documents[OTHER_CODE] = _document(other, renamable, encoder, k)
    whole = _Document(_SEPARATOR.join(d.text for d in documents.values()), (), "", k)
    return _Student(code, documents, whole)


def _shared_hashes(shared: SharedCode, given: set, encoder: _Encoder, k: int) -> set[int]:
    found = set()
    for sources in (shared.given, shared.released_answers, shared.reference):
        cells = [parse_cell(source) for source in sources]
        renamable = _renamable(cells, given)
        for cell in cells:
            found |= {int(h) for h in _document([cell], renamable, encoder, k).fingerprint().hashes}
    return found


# --- pairs ---------------------------------------------------------------------------------------

def _candidate_pairs(own: list[set[int]], factor: float) -> list[tuple[int, int]]:
    """Pairs of students who share own k-grams, at least ``factor`` of the smaller set's."""
    holders = defaultdict(list)
    for index, hashes in enumerate(own):
        for value in hashes:
            holders[value].append(index)
    runs = Counter(tuple(students) for students in holders.values() if len(students) > 1)
    n = len(own)
    shared = Counter()
    for students, weight in runs.items():
        members = np.asarray(students)
        left, right = np.triu_indices(len(members), 1)
        for code in (members[left] * n + members[right]).tolist():
            shared[code] += weight
    sizes = [len(hashes) for hashes in own]
    return [(code // n, code % n) for code, count in shared.items()
            if count >= factor * min(sizes[code // n], sizes[code % n])]


def _marked_lines(document: _Document, slices) -> tuple[MarkedLine, ...]:
    marked = set()
    for start, end in zip(*(np.asarray(part, dtype=int).tolist() for part in slices)):
        for token in document.tokens[start:end]:
            marked.update(range(token.first_line, token.last_line + 1))
    return tuple(MarkedLine(text, number in marked) for number, text in enumerate(document.source.split("\n"), 1))


_NO_SLICES = (np.array([[], []]), np.array([[], []]))


def _overlap(a: _Document, b: _Document):
    """copydetect's comparison of two documents' own code: (shares, slices), nothing when disjoint."""
    from copydetect import compare_files

    if not (a.hashes & b.hashes):
        return (0.0, 0.0), _NO_SLICES
    _, shares, slices = compare_files(a, b)
    return (float(shares[0]), float(shares[1])), slices


def _cell_comparisons(a: _Student, b: _Student, with_lines: bool) -> list[CellComparison]:
    cells = []
    for name, left in a.cells.items():
        right = b.cells[name]
        if not (left.tokens or right.tokens):
            continue
        shares, slices = _overlap(left, right)
        own = left.token_coverage + right.token_coverage
        share = (shares[0] * left.token_coverage + shares[1] * right.token_coverage) / own if own else 0.0
        lines = (_marked_lines(left, slices[0]), _marked_lines(right, slices[1])) if with_lines else ((), ())
        cells.append(CellComparison(name, shares, share, bool(own), left.text == right.text, lines))
    return cells


def _pair(a: _Student, b: _Student, settings: SimilaritySettings) -> SimilarPair | None:
    """The pair's evidence if it is flagged, else None."""
    from copydetect import compare_files

    overlap, notebook_shares, _ = compare_files(a.whole, b.whole)
    if overlap < settings.min_tokens:
        return None
    own = [cell.share for cell in _cell_comparisons(a, b, with_lines=False) if cell.own_code]
    score = sum(own) / len(own) if own else 0.0
    if score < settings.threshold and max(notebook_shares) < settings.notebook_threshold:
        return None

    if _when(b.code.submitted_at, b.code.student) < _when(a.code.submitted_at, a.code.student):
        a, b, notebook_shares = b, a, (notebook_shares[1], notebook_shares[0])
    return SimilarPair(a.code.student, b.code.student, score, (float(notebook_shares[0]), float(notebook_shares[1])),
                       int(overlap), (a.code.submitted_at, b.code.submitted_at),
                       tuple(_cell_comparisons(a, b, with_lines=True)))


def _when(at: datetime | None, student: str) -> tuple:
    """Who handed in first: by the gradebook's time, unknown times last, then by name."""
    return (at is None, at.timestamp() if at else 0.0, student)


def _groups(pairs: Sequence[SimilarPair], times: Mapping[str, datetime | None]) -> tuple[SimilarGroup, ...]:
    """Students linked by flagged pairs; each group's links are a maximum spanning tree."""
    parent = {}

    def root(student):
        parent.setdefault(student, student)
        while parent[student] != student:
            parent[student] = parent[parent[student]]
            student = parent[student]
        return student

    links = []
    for pair in pairs:  # ranked: strongest first (Kruskal)
        a, b = root(pair.first), root(pair.second)
        if a != b:
            parent[a] = b
            links.append(pair)
    members = defaultdict(list)
    for student in parent:
        members[root(student)].append(student)

    groups = []
    for group in members.values():
        ordered = tuple(sorted(group, key=lambda student: _when(times.get(student), student)))
        groups.append(SimilarGroup(ordered, tuple(times.get(student) for student in ordered),
                                   tuple(p for p in pairs if p.first in group),
                                   tuple(p for p in links if p.first in group)))
    return tuple(sorted(groups, key=lambda g: (-g.pairs[0].score, g.students)))


def compare_class(submissions: Sequence[SubmittedCode], answer_cells: Sequence[str], shared: SharedCode,
                  settings: SimilaritySettings = SimilaritySettings()) -> ClassSimilarity:
    """Flagged pairs of ``submissions`` (one per student), ranked, with each pair's evidence cell
    by cell, and the groups they form. ``answer_cells`` are the grade ids of the answer cells, in
    notebook order. Never raises on what a student wrote."""
    k = settings.kgram
    given = set().union(*(module_bindings(parse_cell(source)) for source in shared.given))
    encoder = _Encoder()
    excluded = _shared_hashes(shared, given, encoder, k)
    students = [_student(code, list(answer_cells), given, encoder, k) for code in submissions]
    fingerprints = [student.whole.fingerprint() for student in students]
    writers = Counter(int(h) for fingerprint in fingerprints for h in fingerprint.hashes)
    common_students = max(MIN_SHARED_STUDENTS, math.ceil(settings.shared_fraction * len(students)))
    excluded |= {value for value, count in writers.items() if count >= common_students}
    for student, fingerprint in zip(students, fingerprints):
        student.whole.keep_own(fingerprint, excluded)
        for document in student.cells.values():
            document.keep_own(document.fingerprint(), excluded)

    # Only pairs who share a fair part of their own k-grams can be flagged: the index finds them
    # without comparing every pair.
    pairs = []
    for i, j in _candidate_pairs([s.whole.hashes for s in students], CANDIDATE_FLOOR):
        pair = _pair(students[i], students[j], settings)
        if pair is not None:
            pairs.append(pair)
    # Strongest first; among equals, the pair whose first member handed in earliest, so that a
    # group's links lead back to the earliest submission.
    pairs.sort(key=lambda p: (-round(p.score, 6), -round(max(p.notebook_shares), 6), _when(p.times[0], p.first),
                              _when(p.times[1], p.second)))
    times = {s.code.student: s.code.submitted_at for s in students}
    return ClassSimilarity(len(students), tuple(answer_cells), common_students, settings, tuple(pairs),
                           _groups(pairs, times))
