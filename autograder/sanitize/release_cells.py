"""A sanitizing step: a submission is reduced to the cells of the released assignment.

Students copy and paste cells in Jupyter every day. nbgrader stops the *whole* ``autograde`` run
(not one notebook) when ``CheckCellMetadata`` meets a cell whose nbgrader metadata has another
schema version or none (``SchemaTooOldError``), which is what ``DeduplicateIds`` leaves of a
duplicated graded cell. ``AlignWithRelease`` runs first among ``Autograde.sanitize_preprocessors``
and makes every nbgrader cell one of the release's, as nbgrader's ``OverwriteCells`` does for
sources:

- a cell whose grade id the release has gets the release's nbgrader metadata back (schema
  version, grade, solution, locked, points): altered or outdated metadata is restored;
- of several cells with one grade id, the last keeps it (nbgrader's own choice) and the others
  become ordinary cells (they still run as the student's code);
- a cell with a grade id the release does not have, or with unreadable or empty nbgrader
  metadata, becomes an ordinary cell;
- a graded cell the student deleted is put back from the release, after the cell that comes
  before it there.

What was set aside is kept in the notebook's metadata (``week12.set_aside``) in the course's
language, and shown at the top of the feedback page. ``CheckCellMetadataAlone`` replaces
nbgrader's ``CheckCellMetadata``: anything still wrong fails that notebook only.
"""

from __future__ import annotations

import copy

import nbformat
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import CheckCellMetadata, NbGraderPreprocessor

from autograder.judging.judge_client import judge_settings
from autograder.judging.messages import GRADING_MESSAGES

METADATA_KEY, SET_ASIDE_KEY = "week12", "set_aside"
RELEASE_FIELDS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task")


class ReleaseMissing(RuntimeError):
    pass


def _release(config, assignment: str, notebook: str):
    coursedir = CourseDirectory(config=config)
    path = f"{coursedir.format_path(coursedir.release_directory, '.', assignment)}/{notebook}.ipynb"
    try:
        return nbformat.read(path, as_version=4)
    except OSError:
        raise ReleaseMissing(f"the released notebook {path} is missing: run nbgrader generate_assignment "
                             f"{assignment}") from None


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    value = meta.get("grade_id") if isinstance(meta, dict) else None
    return value if isinstance(value, str) and value else None


def _release_fields(cell) -> dict:
    return {key: value for key, value in cell.metadata.nbgrader.items() if key in RELEASE_FIELDS}


def set_aside(nb) -> list[str]:
    """What the sanitizing step set aside in this notebook, as worded for the student."""
    notes = nb.get("metadata", {}).get(METADATA_KEY, {}).get(SET_ASIDE_KEY, [])
    return [str(note) for note in notes] if isinstance(notes, list) else []


def align_with_release(nb, release, language: str) -> list[str]:
    """Make ``nb``'s nbgrader cells exactly the release's; returns what was set aside, worded."""
    say = lambda message_id, **fields: GRADING_MESSAGES.message(message_id, language, **fields)  # noqa: E731
    released = {_grade_id(cell): cell for cell in release.cells if _grade_id(cell)}
    order = [grade_id for grade_id in (_grade_id(cell) for cell in release.cells) if grade_id]
    notes: list[str] = []
    last_index = {}
    for index, cell in enumerate(nb.cells):
        if _grade_id(cell) in released:
            last_index[_grade_id(cell)] = index
    for index, cell in enumerate(nb.cells):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        grade_id = _grade_id(cell)
        if grade_id not in released:
            del cell.metadata["nbgrader"]
            notes.append(say("set_aside_unknown", cell=index + 1, grade_id=grade_id or "-"))
        elif last_index[grade_id] != index:
            del cell.metadata["nbgrader"]
            notes.append(say("set_aside_copy", cell=index + 1, grade_id=grade_id))
        else:
            wanted = _release_fields(released[grade_id])
            meta = cell.metadata["nbgrader"]
            if {key: meta.get(key) for key in wanted} != wanted:
                notes.append(say("set_aside_restored", grade_id=grade_id))
            cell.metadata["nbgrader"] = {**{k: v for k, v in meta.items() if k == "checksum"}, **wanted}
    present = {_grade_id(cell) for cell in nb.cells if "nbgrader" in cell.get("metadata", {})}
    for position, grade_id in enumerate(order):
        if grade_id in present or not utils.is_grade(released[grade_id]):
            continue
        before = [_grade_id(cell) for cell in nb.cells]
        anchor = max((before.index(earlier) for earlier in order[:position] if earlier in before), default=-1)
        nb.cells.insert(anchor + 1, copy.deepcopy(released[grade_id]))
        present.add(grade_id)
        notes.append(say("set_aside_missing", grade_id=grade_id))
    return notes


class AlignWithRelease(NbGraderPreprocessor):
    """Reduce a submission to the cells of the released notebook (see the module docstring)."""

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        release = _release(self.config, info["assignment"], info["notebook"])
        notes = align_with_release(nb, release, judge_settings(self.config).language)
        if notes:
            ours = dict(nb.metadata.get(METADATA_KEY, {}))
            ours[SET_ASIDE_KEY] = notes
            nb.metadata[METADATA_KEY] = ours
            for note in notes:
                self.log.warning("%s/%s: %s", info.get("student"), info.get("notebook"), note)
        return nb, resources


class CheckCellMetadataAlone(CheckCellMetadata):
    """nbgrader's check, failing this notebook alone where nbgrader would stop the whole run."""

    def preprocess(self, nb, resources):
        try:
            return super().preprocess(nb, resources)
        except (SchemaTooOldError, SchemaTooNewError) as error:
            raise ValueError(f"the notebook's nbgrader metadata cannot be read: {error}") from None
