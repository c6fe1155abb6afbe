"""Whose work is each file of a download: one student id for one participant, or nobody's.

The LMS knows each participant by its own id (Canvas's user id, Moodle's participant id); the
course knows them by the student id the preset makes (Moodle's from the name). A file is collected
for a student id only when that id stands for exactly one participant and that participant for
exactly one id, and only when no other file of that student would be collected as the same file:

- **one id, two participants** (``name_collision``): two people whose names give one id (``Kim
  Minji`` and ``Kim  Minji``, a name with a zero-width space, one in decomposed Hangul, two long
  names alike up to the cut) are both refused, every file of theirs, and each is told with both
  names and both LMS ids and what to do: one folder cannot hold two people's work, and neither may
  be graded as the other;
- **one participant, two ids** (a download edited by hand): refused the same way, since every grade
  goes back to the LMS by that one participant's id;
- **one file twice** (``duplicate``): two files of one student that would both become the same
  file (``x.ipynb`` and ``x (1).ipynb``, or two ``data.csv`` in folders of their upload) are both
  refused, with both named, instead of one silently replacing the other.

Pure: the collector reads the files, this decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from autograder.lms.names import shown_name
from autograder.lms.roster import LmsFile

LMS_TITLES = {"canvas": "Canvas", "moodle": "Moodle"}
ID_WORDS = {"canvas": "user", "moodle": "participant"}


@dataclass(frozen=True)
class DownloadFile:
    path: str  # where it was unpacked
    lms_path: str  # its path inside the download, as the LMS wrote it
    found: LmsFile  # who and what the preset read from that path
    collected_as: str  # the file it would become in the student's folder


@dataclass(frozen=True)
class Refusal:
    kind: str  # "name_collision" or "duplicate" (autograder.collect.report.KINDS)
    student: str
    detail: str


def participant(found: LmsFile) -> str:
    """How the LMS itself knows the file's owner (empty when the layout has no LMS id: generic)."""
    return f"{found.lms}:{found.lms_id}" if found.lms_id else ""


def describe_participant(found: LmsFile) -> str:
    """``Moodle participant 101 'Kim Minji'``: the LMS's id and the name as the LMS wrote it."""
    lms = LMS_TITLES.get(found.lms, found.lms or "LMS")
    who = f"{lms} {ID_WORDS.get(found.lms, 'id')} {found.lms_id}"
    return f"{who} {shown_name(found.name)}" if found.name else f"{who} (no name in the download)"


def refusals(files: list[DownloadFile]) -> tuple[set[str], list[Refusal]]:
    """The paths not to collect, and one refusal per participant (collisions) or per file pair
    (duplicates) saying why."""
    owners: dict[str, dict[str, LmsFile]] = defaultdict(dict)  # student id -> participant -> file
    ids_of: dict[str, set[str]] = defaultdict(set)  # participant -> student ids
    for file in files:
        who = participant(file.found)
        if who:
            owners[file.found.student_id].setdefault(who, file.found)
            ids_of[who].add(file.found.student_id)
    colliding = {student for student, people in owners.items() if len(people) > 1}
    colliding |= {student for ids in ids_of.values() if len(ids) > 1 for student in ids}
    refused, said = set(), []
    for student in sorted(colliding):
        for who, found in sorted(owners[student].items()):
            said.append(Refusal("name_collision", student, _collision(student, who, found, owners, ids_of)))
    seen: dict[tuple[str, str], list[DownloadFile]] = defaultdict(list)
    for file in files:
        if file.found.student_id in colliding:
            refused.add(file.path)
        else:
            seen[(file.found.student_id, file.collected_as)].append(file)
    for (student, collected_as), twice in sorted(seen.items()):
        if len(twice) > 1:
            refused.update(file.path for file in twice)
            names = " and ".join(shown_name(file.lms_path) for file in sorted(twice, key=lambda f: f.lms_path))
            said.append(Refusal("duplicate", student, f"{collected_as} twice ({names}): neither is collected; "
                                "keep one in the download"))
    return refused, said


def _collision(student: str, who: str, found: LmsFile, owners: dict, ids_of: dict) -> str:
    others = [other for key, other in sorted(owners[student].items()) if key != who]
    if others:
        also = " and ".join(describe_participant(other) for other in others)
        return (f"{describe_participant(found)} and {also} both give the student id {student!r}: one id cannot "
                "hold two people's work, so neither is collected. Make the names differ in the LMS and collect "
                "again, or grade one by hand under another id (submitted/<id>/<assignment>/)")
    ids = " and ".join(repr(other) for other in sorted(ids_of[who]))
    return (f"{describe_participant(found)} appears under more than one name in the download (student ids {ids}), "
            "so nothing of theirs is collected: every grade goes back to the LMS by that one id. Download "
            "the submissions again from the LMS, unedited, and collect again")
