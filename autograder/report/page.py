"""The class report's page: figures (matplotlib, embedded as PNG data URIs) and the Jinja2 page.

Figures are drawn with ``matplotlib.figure.Figure`` on the Agg canvas (no ``pyplot`` state), so
the page is one file that can be mailed or archived. The template (``templates/class_report.html.j2``)
holds the page's words; it is rendered with autoescape on, because student ids are untrusted.
"""

from __future__ import annotations

import numpy as np

from autograder.contract import HOMEWORK_TASK
from autograder.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_delay
from autograder.safe_html import page_csp
from autograder.scoring.figure import draw_response_figure, png_data_uri, render_png
from autograder.report.analysis import (identical_unusual_groups, kernel_group, kernel_groups,
                                                 pass_rates, score_summary)
from autograder.report.data import ClassData
from autograder.report.similarity import compare_class


# --- figures ----------------------------------------------------------------------------

def _data_uri(figure) -> str:
    return png_data_uri(render_png(figure))


def score_histogram(summary: dict, title: str) -> str:
    """Histogram of total score / maximum in tenths, mean and median marked (labels in English)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(5.2, 2.8), dpi=90, layout="tight")
    axis = figure.subplots()
    axis.hist(summary["shares"], bins=np.linspace(0, 1, 11), color="#7a9cc6", edgecolor="white")
    axis.axvline(summary["mean"], color="#c0392b", lw=1.5, label=f"mean {summary['mean']:.0%}")
    axis.axvline(summary["median"], color="#2c3e50", lw=1.5, ls="--", label=f"median {summary['median']:.0%}")
    axis.set(xlim=(0, 1), xlabel="score / max score", ylabel="students", title=title)
    axis.xaxis.set_major_formatter("{x:.0%}")
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of students
    axis.legend(fontsize=8)
    return _data_uri(figure)


def pass_rate_chart(rates: list[dict], title: str) -> str:
    """Horizontal bars: share of submissions that passed each graded cell (labels in English)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2, max(1.8, 0.8 + 0.32 * len(rates))), dpi=90, layout="tight")
    axis = figure.subplots()
    labels = [rate["grade_id"] for rate in rates]
    axis.barh(labels, [rate["rate"] for rate in rates], color="#6aa57a")
    axis.invert_yaxis()
    axis.set(xlim=(0, 1), xlabel="pass rate", title=title)
    axis.xaxis.set_major_formatter("{x:.0%}")
    axis.tick_params(axis="y", labelsize=8)
    return _data_uri(figure)


def response_figure(kernel: list, language: str) -> str:
    return png_data_uri(draw_response_figure(np.array(kernel, dtype=float), task=HOMEWORK_TASK, language=language))


# --- the page ---------------------------------------------------------------------------

def _problem_rows(data: ClassData) -> list[dict]:
    """Students without a submission, notebooks that failed to grade, and runs that fell short;
    ``reason`` is a label id of the template, ``detail`` the notebook or the note."""
    submitted = {(row.assignment, row.student) for row in data.submissions}
    rows = [{"student": student, "assignment": assignment.name, "reason": "not_submitted", "detail": ""}
            for assignment in data.assignments for student in data.students
            if (assignment.name, student) not in submitted]
    for row in data.submissions:
        rows += [{"student": row.student, "assignment": row.assignment, "reason": "failed", "detail": name}
                 for name in row.failed_notebooks]
        rows += [{"student": row.student, "assignment": row.assignment, "reason": "run_note", "detail": note}
                 for note in row.run_notes]
    return rows


def _similarity_sections(data: ClassData) -> list[dict]:
    """Per assignment: the similarity check's result (None where nothing was released to compare
    against), the notebooks it could not read or read in part, and each group's score matrix."""
    sections = []
    for assignment in data.assignments:
        code = data.code.get(assignment.name)
        if code is None:
            sections.append({"name": assignment.name, "result": None, "unreadable": (), "shortened": ()})
            continue
        result = compare_class(code.submissions, code.answer_cells, code.shared, data.similarity)
        matrices = []
        for group in result.groups:
            scores = {pair.students: pair.score for pair in group.pairs}
            matrices.append([[scores.get(frozenset((a, b))) for b in group.students] for a in group.students])
        sections.append({"name": assignment.name, "result": result, "matrices": matrices,
                         "unreadable": code.unreadable, "shortened": code.shortened})
    return sections


def _page_context(data: ClassData, language: str) -> dict:
    """Numbers, figures and rows for the template (its words are in the template itself)."""
    assignments = []
    for assignment in data.assignments:
        summary = score_summary(data, assignment)
        rates = pass_rates(data, assignment)
        assignments.append({
            "name": assignment.name, "max_score": assignment.max_score, "summary": summary, "rates": rates,
            "histogram": score_histogram(summary, assignment.name) if summary["n"] else None,
            "pass_chart": pass_rate_chart(rates, assignment.name) if rates else None})
    groups = kernel_groups(data.homework)
    learned = kernel_groups(data.learned) if data.learned else []
    for group in groups + learned:
        group["figure"] = response_figure(group["example"], language) if group["example"] else None
    kinds = {answer.student: answer.kind for answer in data.homework}
    identical = identical_unusual_groups({a.student: a.kernel for a in data.homework if a.kernel is not None})
    late = [{"student": row.student, "assignment": row.assignment, "how_late": format_delay(row.seconds_late, language)}
            for row in sorted(data.submissions, key=lambda r: (r.assignment, -r.seconds_late)) if row.seconds_late > 0]
    return {"language": language, "data": data, "assignments": assignments, "groups": groups, "learned": learned,
            "identical": [{"kernel": k, "students": s, "group": kernel_group(kinds[s[0]])} for k, s in identical],
            "late": late, "problems": _problem_rows(data), "similarity": _similarity_sections(data),
            "no_duedate": [assignment.name for assignment in data.assignments if not assignment.has_duedate],
            "generated": data.generated_at.strftime("%Y-%m-%d %H:%M %Z")}


def render_class_report(data: ClassData, language: str = "ko") -> str:
    """The whole report as one self-contained HTML page (UTF-8, figures inline, data escaped)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    environment = Environment(loader=PackageLoader("autograder.report", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["number"] = lambda value: f"{float(value):g}"
    environment.filters["percent"] = lambda value: f"{100 * float(value):.0f}%"
    environment.filters["when"] = lambda at: at.strftime("%Y-%m-%d %H:%M UTC") if at else "—"
    # The page runs no script: its policy says so to the browser (autograder/safe_html.py).
    context = {**_page_context(data, language), "content_security_policy": page_csp()}
    return environment.get_template("class_report.html.j2").render(context)
