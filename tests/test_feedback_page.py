"""The feedback page (`nbgrader generate_feedback`): nbgrader's page with an overview of the graded
exercises at the top, from the real gradebook, and never a hidden test."""

from __future__ import annotations

import base64
import io

import matplotlib.image
import nbformat
import numpy as np
import pytest
from bs4 import BeautifulSoup

from autograder.authoring import week12_homework as homework
from autograder.authoring import week12_lab as lab
from autograder.contract import GRADED_CELLS, HOMEWORK_TASK
from autograder.exercises import EXERCISES, Judgement
from autograder.feedback import FORMGRADE_TEMPLATE_NAME, TEMPLATE_NAME
from autograder.feedback.template import TEMPLATES_DIR
from autograder.feedback.overview import exercise_title, overview_row
from autograder.record.graded_outputs import graded_outputs, record_judgement
from autograder.scoring import score_kernel
from tests.conftest import copy_course
from tests.submissions import answered_notebook, cell_scores, submit

VERTICAL_FILTER_KERNEL = [[-1.0, 1.0], [-1.0, 1.0]]  # the lecture's filter: partial credit
VERTICAL_FILTER = f"kernel = {VERTICAL_FILTER_KERNEL}"
INTENDED_FILTER_KERNEL = [[-1.0, -1.0], [1.0, 1.0]]
KEEPS_EDGE_ALL_TRUE = 'keeps_edge = {"mean->mean": True, "mean->edge": True, "edge->mean": True, "edge->edge": True}'
HOMEWORK_STUDENT, LAB_STUDENT = "vertical-filter", "keeps-edge-wrong"
HIDDEN_TEST_TRACES = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "run_hidden_check")


@pytest.fixture(scope="module")
def graded_course(own_release):
    """One homework with partial credit and one lab with a single failed exercise, autograded and
    turned into feedback pages by the real nbgrader commands and this course's configuration."""
    course = own_release
    submit(course, HOMEWORK_STUDENT, homework.ASSIGNMENT, {homework.NOTEBOOK: answered_notebook(
        course, homework.ASSIGNMENT, homework.NOTEBOOK, {homework.ANSWER_GRADE_ID: VERTICAL_FILTER})})
    submit(course, LAB_STUDENT, lab.ASSIGNMENT, {lab.NOTEBOOK: answered_notebook(
        course, lab.ASSIGNMENT, lab.NOTEBOOK, {"keeps_edge": KEEPS_EDGE_ALL_TRUE})})
    for student, assignment in ((HOMEWORK_STUDENT, homework.ASSIGNMENT), (LAB_STUDENT, lab.ASSIGNMENT)):
        course.nbgrader("autograde", assignment, "--student", student, "--force")
        course.nbgrader("generate_feedback", assignment, "--student", student, "--force")
    return course


def feedback_html(course, student: str, assignment: str, notebook: str) -> str:
    path = course.root / "feedback" / student / assignment / notebook.replace(".ipynb", ".html")
    return path.read_text(encoding="utf-8")


def overview_rows(html: str) -> dict[str, dict]:
    """grade_id -> what the overview says about that exercise, in page order."""
    overview = BeautifulSoup(html, "html.parser").find(id="week12-overview")
    assert overview is not None, "the page has no exercise overview"
    rows = {}
    for row in overview.select("tr.week12-exercise"):
        score, out_of = (float(part) for part in row.select_one("td.week12-score").get_text().split("/"))
        rows[row["data-grade-id"]] = {
            "link": row.select_one("a")["href"],
            "score": score, "out_of": out_of,
            "result": row.select_one("td.week12-result .label").get_text(),
            "status": next(c for c in row["class"] if c != "week12-exercise").removeprefix("week12-"),
            "message": row.select_one("td.week12-message").get_text(),
            "message_html": row.select_one("td.week12-message").decode_contents(),
        }
    return rows


def graded_cell_ids(course, assignment: str, notebook: str) -> list[str]:
    nb = nbformat.read(course.root / "assignments" / assignment / notebook, as_version=4)
    return [cell.metadata.nbgrader.grade_id for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")]


@pytest.fixture(scope="module")
def lab_page(graded_course):
    return feedback_html(graded_course, LAB_STUDENT, lab.ASSIGNMENT, lab.NOTEBOOK)


@pytest.fixture(scope="module")
def homework_page(graded_course):
    return feedback_html(graded_course, HOMEWORK_STUDENT, homework.ASSIGNMENT, homework.NOTEBOOK)


# --- the real pages -----------------------------------------------------------------------------

@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_overview_has_one_row_per_graded_cell_in_notebook_order(graded_course, lab_page, homework_page):
    assert list(overview_rows(lab_page)) == graded_cell_ids(graded_course, lab.ASSIGNMENT, lab.NOTEBOOK)
    assert list(overview_rows(homework_page)) == [homework.SCORE_GRADE_ID]


@pytest.mark.nbgrader
@pytest.mark.sandbox
@pytest.mark.parametrize("student, assignment, notebook", [
    (LAB_STUDENT, lab.ASSIGNMENT, lab.NOTEBOOK),
    (HOMEWORK_STUDENT, homework.ASSIGNMENT, homework.NOTEBOOK),
])
def test_overview_scores_are_the_gradebooks(graded_course, student, assignment, notebook):
    rows = overview_rows(feedback_html(graded_course, student, assignment, notebook))
    gradebook = cell_scores(graded_course, assignment, student)
    assert {grade_id: (row["score"], row["out_of"]) for grade_id, row in rows.items()} == \
        {grade_id: (round(score, 2), round(out_of, 2)) for grade_id, (score, out_of) in gradebook.items()}


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_overview_total_is_the_notebooks_score(lab_page, graded_course):
    page = BeautifulSoup(lab_page, "html.parser")
    total = page.select_one("#week12-overview tr.week12-total td.week12-score").get_text()
    gradebook = cell_scores(graded_course, lab.ASSIGNMENT, LAB_STUDENT).values()
    expected = (sum(score for score, _ in gradebook), sum(out_of for _, out_of in gradebook))
    assert tuple(float(part) for part in total.split("/")) == expected


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_badges_say_pass_or_fail_from_the_score(lab_page):
    rows = overview_rows(lab_page)
    assert rows["test_keeps_edge"]["status"] == "fail" and "fail" in rows["test_keeps_edge"]["result"]
    assert all(row["status"] == "pass" and "pass" in row["result"]
               for grade_id, row in rows.items() if grade_id != "test_keeps_edge")


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_homework_partial_credit_shows_the_verdicts_message(homework_page):
    row = overview_rows(homework_page)[homework.SCORE_GRADE_ID]
    assert 0 < row["score"] < row["out_of"]
    assert row["status"] == "partial"
    assert "세로" in row["message"]  # "this filter responds to vertical edges"
    assert not row["message"].startswith("필터 채점")  # the verdict's title line says nothing


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_failed_check_shows_the_first_line_of_its_message(graded_course, lab_page):
    path = graded_course.root / "autograded" / LAB_STUDENT / lab.ASSIGNMENT / lab.NOTEBOOK
    autograded = nbformat.read(path, as_version=4)
    cell = next(cell for cell in autograded.cells if cell.get("id") == "test_keeps_edge")
    evalue = next(output.evalue for output in cell.outputs if output.output_type == "error")
    assert overview_rows(lab_page)["test_keeps_edge"]["message"] == evalue.strip().splitlines()[0]


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_messages_are_html_escaped(lab_page):
    message_html = overview_rows(lab_page)["test_keeps_edge"]["message_html"]
    assert "->" not in message_html and "-&gt;" in message_html  # "'mean->edge': ..."


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_each_row_links_to_its_cells_score_header(lab_page):
    page = BeautifulSoup(lab_page, "html.parser")
    for grade_id, row in overview_rows(lab_page).items():
        assert row["link"] == f"#{grade_id}"
        assert page.find("a", attrs={"name": grade_id}) is not None


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_nbgraders_score_header_is_kept_on_every_graded_cell(lab_page):
    for grade_id in overview_rows(lab_page):
        assert f"Grade cell: <code>{grade_id}</code>" in lab_page


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_lab_titles_are_shown(graded_course, lab_page):
    rows = BeautifulSoup(lab_page, "html.parser").select("#week12-overview tr.week12-exercise")
    titles = {row["data-grade-id"]: row.select_one("a").get_text() for row in rows}
    graded = graded_cell_ids(graded_course, lab.ASSIGNMENT, lab.NOTEBOOK)
    assert graded and titles == {grade_id: GRADED_CELLS[grade_id].title_ko for grade_id in graded}


def png_pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def response_figure(kernel) -> np.ndarray:
    """The scorer's own picture of ``kernel`` on the homework's task, in the course language."""
    return png_pixels(score_kernel(kernel, task=HOMEWORK_TASK, language="ko").figure_png())


@pytest.mark.nbgrader
@pytest.mark.sandbox
def test_homework_page_shows_the_response_figure_of_the_students_own_filter(homework_page):
    verdict = BeautifulSoup(homework_page, "html.parser").select_one(".week12-kernel-verdict")
    (image,) = verdict.select('img[src^="data:image/png;base64,"]')
    shown = png_pixels(base64.b64decode(image["src"].removeprefix("data:image/png;base64,")))
    assert np.array_equal(shown, response_figure(VERTICAL_FILTER_KERNEL))
    assert not np.array_equal(shown, response_figure(INTENDED_FILTER_KERNEL))


@pytest.mark.nbgrader
@pytest.mark.sandbox
@pytest.mark.parametrize("page", ["lab_page", "homework_page"])
def test_no_hidden_test_source_on_the_page(request, page):
    html = request.getfixturevalue(page)
    assert [trace for trace in HIDDEN_TEST_TRACES if trace in html] == []


@pytest.mark.nbgrader
@pytest.mark.sandbox
@pytest.mark.parametrize("page", ["lab_page", "homework_page"])
def test_every_image_on_the_page_says_what_it_shows(request, page):
    # The page is taken as the template renders it (autograder/feedback/page_exporter.py), without
    # nbconvert's second pass that gave images a placeholder text: each must carry its own.
    images = BeautifulSoup(request.getfixturevalue(page), "html.parser").select("img")
    assert images
    assert [image.get("alt", "").strip() for image in images if not image.get("alt", "").strip()] == []
    assert not any("No description has been provided" in image["alt"] for image in images)


# --- the configuration and the pieces, without nbgrader runs --------------------------------------

def test_formgrader_renders_with_nbgraders_grading_template_made_inert(tmp_path):
    """The formgrader's manual-grading page loads the same nbgrader_config.py: it renders with
    week12_formgrade, nbgrader's 'formgrade' with a student's notebook inert; the feedback page's
    settings, scoped to GenerateFeedback, stay its own."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.converters import GenerateFeedback
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

    course = copy_course(tmp_path / "course")
    formgrader = FormgradeExtension()
    formgrader.initialize([], root=str(course.root))
    exporter = HTMLExporter(config=formgrader.config)
    assert exporter.template_name == FORMGRADE_TEMPLATE_NAME
    assert '"base_template": "formgrade"' in (TEMPLATES_DIR / FORMGRADE_TEMPLATE_NAME / "conf.json").read_text()
    feedback = GenerateFeedback(coursedir=formgrader.coursedir, parent=formgrader)
    assert feedback.exporter_class(parent=feedback, config=feedback.config).template_name == TEMPLATE_NAME


def _plain_notebook():
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(1, 1))
    png = io.BytesIO()
    figure.savefig(png, format="png")
    plt.close(figure)
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# 제목\n\nsome *text* and `code`"),
                nbformat.v4.new_code_cell("kernel = [[-1, -1], [1, 1]]\nprint(kernel)", execution_count=1, outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="[[-1, -1], [1, 1]]\n"),
                    nbformat.v4.new_output("display_data", data={
                        "image/png": base64.b64encode(png.getvalue()).decode("ascii"), "text/plain": "<Figure>"})])]
    return nb


@pytest.mark.parametrize("template", ["classic", "lab"])
def test_the_feedback_exporter_renders_htmlexporters_page_but_for_its_last_pass(template):
    # FeedbackPageExporter repeats HTMLExporter's set-up by hand: this notices when nbconvert's changes.
    from nbconvert import HTMLExporter

    from autograder.feedback.page_exporter import FeedbackPageExporter

    def without_last_pass(page: str) -> str:
        soup = BeautifulSoup(page, "html.parser")
        for element in soup.select("[alt], [tabindex]"):
            element.attrs.pop("alt", None)
            element.attrs.pop("tabindex", None)
        return str(soup)

    nb = _plain_notebook()
    ours, _ = FeedbackPageExporter(template_name=template).from_notebook_node(nb)
    theirs, _ = HTMLExporter(template_name=template).from_notebook_node(nb)
    assert "kernel" in ours and "data:image/png;base64," in ours
    assert without_last_pass(ours) == without_last_pass(theirs)


def test_an_exporter_set_up_otherwise_never_runs_templates_compiled_for_another():
    from autograder.feedback.page_exporter import FeedbackPageExporter

    FeedbackPageExporter(template_name="classic", enable_async=True).from_notebook_node(_plain_notebook())
    page, _ = FeedbackPageExporter(template_name="classic").from_notebook_node(_plain_notebook())
    assert "print" in page


def test_every_exercise_has_a_title():
    assert set(GRADED_CELLS) == set(EXERCISES)
    assert all(exercise_title(grade_id).ko and exercise_title(grade_id).en for grade_id in EXERCISES)


def _graded_cell(judgement: Judgement, points: float = 2):
    cell = nbformat.v4.new_code_cell("visible checks", id=judgement.grade_id)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": judgement.grade_id, "points": points, "score": 0.0,
                                 "solution": False, "locked": True, "schema_version": 3}
    cell.metadata = nbformat.from_dict(cell.metadata)
    cell.outputs = graded_outputs(judgement, points, None)
    return cell


def test_the_overview_message_is_the_judgements_summary_not_its_rendered_text():
    judgement = Judgement("test_pooling", 0.0, message="first line of the message\nmore detail",
                          summary="what the student should read first")
    cell = _graded_cell(judgement)
    record_judgement(cell, judgement)
    assert overview_row(cell).message == "what the student should read first"


def test_a_cell_graded_without_a_record_shows_its_errors_first_line():
    cell = _graded_cell(Judgement("test_pooling", 0.0, message="the check failed\nbecause of this"))
    assert overview_row(cell).message == "the check failed"
