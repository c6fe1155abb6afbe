"""A synthetic class of 32 students who submitted the week-12 assignments, for demos and tests.

Grading one reference solution and one blank notebook says little about how the course behaves
with a real class. :data:`SAMPLE_STUDENTS` is a fixed class whose answers look like what students
hand in: the intended horizontal filter written many ways, the typical mistakes (the lecture's
vertical filter, a single column, the Roberts diagonal, a smoothing filter), malformed answers,
an untouched notebook, a truncated file, two students with the same unusual filter, and lab
notebooks that are right, wrong in one step, crash in one step, blank or broken; and, for the
learn-kernel exercise, trainings in several styles and its typical mistakes (``sample_learned``).

:func:`write_sample_class` writes them into a course's ``submitted/`` folder, the way
``nbgrader collect`` leaves a class (notebooks plus ``timestamp.txt``), from the released
notebooks. Everything is fixed in this file, so two writes give identical bytes.

Each student carries the *intended* category of their homework filter (``edge_kernel_kind``)
and of their lab notebook (``lab_kind``), so that a class report can be checked against them.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent

from autograder.contract import HOMEWORK, HOMEWORK_ANSWER_CELL, LAB, LEARN_KERNEL
from autograder.course import Course
from autograder.demo.sample_learned import LEARNED_ANSWERS, LEARNED_KINDS
from autograder.demo.submissions import answered_notebook, submit, submit_blank


class NotebookState(enum.Enum):
    """A submission that holds no typed answer."""

    BLANK = "left blank"  # the released notebook, handed in untouched
    BROKEN = "broken notebook file"  # the file was cut off half-way: not valid JSON


BLANK, BROKEN = NotebookState.BLANK, NotebookState.BROKEN

# What a homework filter is meant to be, in the lecture's terms (the class report's groups).
HOMEWORK_KINDS = ("intended", "single_column", "diagonal", "vertical", "smoothing", "other",
                  "zero", "malformed", "blank", "broken")
# What a lab notebook is meant to be.
LAB_KINDS = ("correct", "one_mistake", "runtime_error", "blank", "broken")

# Both assignments are due at 23:59 Korean time (14:59 UTC). Not written to the gradebook.
SAMPLE_DUE_DATE = datetime(2026, 5, 25, 14, 59, tzinfo=timezone.utc)
# nbgrader's own timestamp.txt format (``Exchange.timestamp_format``), read back by ``parse_utc``.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
SUBMISSION_WINDOW_MINUTES = 3 * 24 * 60  # on-time students hand in during the last three days


def _code(source: str) -> str:
    return dedent(source).strip("\n")


@dataclass(frozen=True)
class SampleStudent:
    """One synthetic student: what they typed into each assignment and what that amounts to.

    ``edge_kernel`` is the source of the homework's answer cell (or a :class:`NotebookState`);
    ``lab_answers`` maps lab answer cell ids to the source typed there (cells not listed hold
    the worked solution), or is a :class:`NotebookState`.
    """

    student_id: str
    description: str
    edge_kernel: str | NotebookState
    edge_kernel_kind: str
    lab_answers: Mapping[str, str] | NotebookState = field(default_factory=dict, hash=False)
    lab_kind: str = "correct"
    minutes_late: int = 0  # after SAMPLE_DUE_DATE, for every assignment; 0 is on time
    learned: str = "solution"  # the learn-kernel notebook: a key of sample_learned.LEARNED_KINDS

    def __post_init__(self):
        consistent = (self.edge_kernel_kind in HOMEWORK_KINDS and self.lab_kind in LAB_KINDS
                      and self.learned in LEARNED_KINDS
                      and (self.edge_kernel_kind in ("blank", "broken")) == isinstance(self.edge_kernel, NotebookState)
                      and (self.lab_kind in ("blank", "broken")) == isinstance(self.lab_answers, NotebookState))
        if not consistent:
            raise ValueError(f"inconsistent sample student {self.student_id}: {self.edge_kernel_kind}, {self.lab_kind}")

    @property
    def homework_answers(self) -> Mapping[str, str] | NotebookState:
        """The homework as answer cell id -> source, like ``lab_answers``."""
        if isinstance(self.edge_kernel, NotebookState):
            return self.edge_kernel
        return {HOMEWORK_ANSWER_CELL: self.edge_kernel}

    @property
    def learned_answers(self) -> Mapping[str, str] | NotebookState:
        return BLANK if self.learned == "blank" else LEARNED_ANSWERS[self.learned]

    @property
    def learned_kind(self) -> str:
        return LEARNED_KINDS[self.learned]

    def answers(self, assignment: str) -> Mapping[str, str] | NotebookState:
        return {LAB.name: self.lab_answers, HOMEWORK.name: self.homework_answers,
                LEARN_KERNEL.name: self.learned_answers}[assignment]


# --- lab answers with one realistic mistake each (right shapes, wrong values) ------------------

LAB_NO_NOISE = {"step_image": _code("""
    _X1 = tnp.ones([50, 25]) * 10
    _X2 = tnp.zeros([50, 25])
    XXX = tf.concat([_X1, _X2], axis=1).reshape(1, 50, 50, 1)  # 잡음을 빼먹음
""")}
LAB_BIAS_PER_PIXEL = {"lazy_weights": _code("""
    conv = tf.keras.layers.Conv2D(2, (2, 2))
    n_weights_before = len(conv.weights)
    conv(XXX)
    n_weights_after = len(conv.weights)
    kernel_shape = (2, 2, 1, 2)
    bias_shape = (2, 2)  # 필터마다 2x2 bias가 있다고 생각함
""")}
LAB_INTERLEAVED_FILTERS = {"set_filters": _code("""
    w0 = [[0.25, 0.25], [0.25, 0.25]]
    w1 = [[-1.0, 1.0], [-1.0, 1.0]]
    w = np.array([w0, w1]).reshape(2, 2, 1, 2)  # 두 필터의 값이 뒤섞임
    b = np.array([0.0, 0.0])
    conv.set_weights([w, b])
    XXX0 = conv(XXX)[..., 0]
    XXX1 = conv(XXX)[..., 1]
""")}
LAB_COPIED_CHANNEL = {"stacked_filters": _code("""
    twice = {
        "mean->mean": conv(XXX0.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48),
        "mean->edge": conv(XXX0.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48),
        "edge->mean": conv(XXX1.reshape(1, 49, 49, 1))[..., 1].reshape(48, 48),
        "edge->edge": conv(XXX1.reshape(1, 49, 49, 1))[..., 1].reshape(48, 48),
    }
""")}
LAB_EDGE_TWICE_LOST = {"keeps_edge": _code("""
    keeps_edge = {"mean->mean": False, "mean->edge": True, "edge->mean": True, "edge->edge": False}
""")}
LAB_PADDING_IGNORED = {"stride_padding": _code("""
    def conv_output_size(n, k, stride=1, padding="valid"):
        return (n - k + 1) // stride

    shape_stride2 = tuple(tf.keras.layers.Conv2D(1, (2, 2), strides=2)(XXX).shape)
    shape_same = tuple(tf.keras.layers.Conv2D(1, (2, 2), padding="same")(XXX).shape)
""")}
LAB_AVERAGE_NOT_DIVIDED = {"pooling": _code("""
    def max_pool_2x2(image):
        image = np.asarray(image)
        h, w = image.shape
        return image.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))

    def avg_pool_2x2(image):
        image = np.asarray(image)
        h, w = image.shape
        return image.reshape(h // 2, 2, w // 2, 2).sum(axis=(1, 3))

    pooled_max_keras = tf.keras.layers.MaxPooling2D(pool_size=(2, 2))(XXX)
    pooled_avg_keras = tf.keras.layers.AveragePooling2D(pool_size=(2, 2))(XXX)
""")}
LAB_BIAS_COUNTED = {"parameter_sharing": _code("""
    n_dense_weights = (6 * 6 * 1) * (5 * 5 * 2)
    n_conv_weights = 2 * 2 * 1 * 2 + 2  # bias까지 셈
    _conv6 = tf.keras.layers.Conv2D(2, (2, 2))
    _conv6(tnp.zeros([1, 6, 6, 1]))
    n_conv_params_keras = _conv6.count_params()
""")}
LAB_POOLING_ROUNDS_UP = {"basic_unit": _code("""
    unit = tf.keras.Sequential([
        tf.keras.Input((50, 50, 1)),
        tf.keras.layers.Conv2D(2, (2, 2)),
        tf.keras.layers.Activation("relu"),
        tf.keras.layers.MaxPooling2D(pool_size=(2, 2)),
    ])
    unit_output_shapes = [(1, 49, 49, 2), (1, 49, 49, 2), (1, 25, 25, 2)]
""")}
# A typo: the cell raises NameError, and the later cells that need `twice` fail with it.
LAB_TYPO_NAME_ERROR = {"stacked_filters": _code("""
    twice = {
        "mean->mean": conv(XXX0.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48),
        "mean->edge": conv(XXX0.reshape(1, 49, 49, 1))[..., 1].reshape(48, 48),
        "edge->mean": conv(XX1.reshape(1, 49, 49, 1))[..., 0].reshape(48, 48),
        "edge->edge": conv(XX1.reshape(1, 49, 49, 1))[..., 1].reshape(48, 48),
    }
""")}

# --- homework answers that need a Keras layer or are not one 2x2 filter -------------------------

KERAS_LAYER_KERNEL = _code("""
    edge_conv = tf.keras.layers.Conv2D(1, (2, 2))
    edge_conv(XXX)  # 가중치를 만들기 위해 한 번 통과
    edge_conv.set_weights([np.array([[-1.0, -1.0], [1.0, 1.0]]).reshape(2, 2, 1, 1), np.zeros(1)])
    kernel = edge_conv.kernel
""")
TWO_FILTERS = _code("""
    w_top = np.array([[-1.0, -1.0], [1.0, 1.0]]).reshape(2, 2, 1, 1)
    w_left = np.array([[-1.0, 1.0], [-1.0, 1.0]]).reshape(2, 2, 1, 1)
    kernel = np.concatenate([w_top, w_left], axis=-1)  # (2, 2, 1, 2): 필터 두 개
""")
SOBEL_3X3 = _code("""
    kernel = [[-1, -2, -1],
              [0, 0, 0],
              [1, 2, 1]]  # Sobel
""")
LECTURE_FILTER = "kernel = [[-1.0, 1.0], [-1.0, 1.0]]"  # copied from the lecture: common, not suspicious
COPIED_UNUSUAL = "kernel = [[-3, -1], [2, 2]]"  # the same odd values twice: the report should flag it

S = SampleStudent
SAMPLE_STUDENTS: tuple[SampleStudent, ...] = (
    S("s01-minji", "intended filter as a nested list of ints", "kernel = [[-1, -1],\n          [1, 1]]",
      "intended"),
    S("s02-jiwoo", "intended filter, sign flipped, floats; trains with Adam", "# 위가 밝고 아래가 어두우니 위에서 아래를 뺀다\n"
      "kernel = [[1.0, 1.0], [-1.0, -1.0]]", "intended", learned="tape_adam"),
    S("s03-seoyeon", "intended filter as a numpy int array; lab image without noise",
      "kernel = np.array([[-1, -1], [1, 1]])", "intended", LAB_NO_NOISE, "one_mistake"),
    S("s04-hyunwoo", "intended filter in Keras kernel shape (2, 2, 1, 1); trains with model.fit",
      "kernel = np.array([[-1.0, -1.0], [1.0, 1.0]]).reshape(2, 2, 1, 1)", "intended", learned="fit_adam"),
    S("s05-jihoon", "intended filter as a Conv2D layer's kernel (needs TensorFlow)", KERAS_LAYER_KERNEL,
      "intended"),
    S("s06-yuna", "intended filter scaled by 0.5; lab bias shape wrong", "kernel = [[-0.5, -0.5], [0.5, 0.5]]",
      "intended", LAB_BIAS_PER_PIXEL, "one_mistake"),
    S("s07-doyoon", "intended direction with Sobel-like unequal weights; target from the rows' means",
      "kernel = [[-1, -2], [1, 2]]", "intended", learned="row_means_target"),
    S("s08-haeun", "intended filter scaled by 10, handed in 7 minutes late",
      "kernel = 10 * np.array([[1, 1], [-1, -1]])", "intended", minutes_late=7),
    S("s09-siwoo", "single column: left column only", "kernel = [[-1, 0], [1, 0]]", "single_column"),
    S("s10-jiho", "single column: right column only; lab filters interleaved by reshape",
      "kernel = [[0, -1], [0, 1]]", "single_column", LAB_INTERLEAVED_FILTERS, "one_mistake"),
    S("s11-subin", "single column, scaled numpy array", "kernel = np.array([[2.0, 0.0], [-2.0, 0.0]])",
      "single_column"),
    S("s12-yejin", "Roberts diagonal; learning rate too small", "kernel = [[-1, 0], [0, 1]]  # Roberts cross",
      "diagonal", learned="small_rate"),
    S("s13-minjun", "Roberts anti-diagonal; lab notebook file truncated", "kernel = [[0, -1], [1, 0]]",
      "diagonal", BROKEN, "broken"),
    S("s14-seojun", "Roberts diagonal, sign flipped", "kernel = np.array([[1.0, 0.0], [0.0, -1.0]])",
      "diagonal"),
    S("s15-eunji", "the lecture's vertical filter, copied; lab reads the wrong channel twice",
      LECTURE_FILTER, "vertical", LAB_COPIED_CHANNEL, "one_mistake"),
    S("s16-taeyang", "the lecture's vertical filter, copied; trains toward it too", LECTURE_FILTER, "vertical",
      learned="lecture_filter_target"),
    S("s17-hana", "the lecture's vertical filter, sign flipped; lab says edge->edge loses the edge",
      "kernel = [[1, -1], [1, -1]]", "vertical", LAB_EDGE_TWICE_LOST, "one_mistake"),
    S("s18-junho", "the lecture's vertical filter, doubled", "kernel = [[-2, 2], [-2, 2]]", "vertical"),
    S("s19-sora", "the lecture's vertical filter in Keras shape; lab cell raises NameError",
      "kernel = np.array([[-0.5, 0.5], [-0.5, 0.5]]).reshape(2, 2, 1, 1)", "vertical",
      LAB_TYPO_NAME_ERROR, "runtime_error"),
    S("s20-daeun", "the mean filter; lab output size ignores padding",
      "kernel = [[0.25, 0.25], [0.25, 0.25]]  # 평균 필터", "smoothing", LAB_PADDING_IGNORED, "one_mistake"),
    S("s21-woojin", "the mean filter via np.ones", "kernel = np.ones((2, 2)) / 4", "smoothing"),
    S("s22-chaewon", "top row only: mostly brightness, a smoothing filter", "kernel = [[1, 1], [0, 0]]",
      "smoothing"),
    S("s23-kyungmin", "random-looking values; returns a hard-coded filter instead of training",
      "kernel = [[0.9, -0.4], [-0.7, 0.2]]", "other", learned="hard_coded"),
    S("s24-nari", "checkerboard; lab average pooling not divided by 4; learning rate diverges",
      "kernel = [[-1, 1], [1, -1]]", "other", LAB_AVERAGE_NOT_DIVIDED, "one_mistake", learned="diverges"),
    S("s25-sanghoon", "unusual filter, identical to s26-yerin's", COPIED_UNUSUAL, "other"),
    S("s26-yerin", "unusual filter, identical to s25-sanghoon's, handed in 95 minutes late", COPIED_UNUSUAL,
      "other", minutes_late=95),
    S("s27-donghyun", "zero filter; lab left blank", "kernel = np.zeros((2, 2))", "zero", BLANK, "blank"),
    S("s28-jisoo", "3x3 Sobel filter instead of 2x2; lab counts the bias as weights; training has a typo",
      SOBEL_3X3, "malformed", LAB_BIAS_COUNTED, "one_mistake", learned="typo"),
    S("s29-hyejin", "the filter written as a string", 'kernel = "[[-1, -1], [1, 1]]"', "malformed"),
    S("s30-mingyu", "two filters in shape (2, 2, 1, 2); lab pooling shape rounded up", TWO_FILTERS,
      "malformed", LAB_POOLING_ROUNDS_UP, "one_mistake"),
    S("s31-soyoung", "never started: every notebook handed in as released", BLANK, "blank", BLANK, "blank",
      learned="blank"),
    S("s32-jaewon", "homework notebook file truncated", BROKEN, "broken"),
)
del S

# The pair of students with the same unusual homework answer.
COPIED_PAIR = ("s25-sanghoon", "s26-yerin")

ASSIGNMENTS = {LAB.name: LAB.notebook, HOMEWORK.name: HOMEWORK.notebook, LEARN_KERNEL.name: LEARN_KERNEL.notebook}


def submission_time(student: SampleStudent, assignment: str) -> datetime:
    """When the student handed the assignment in (UTC): within three days before the due date,
    spread by a checksum of the names so that it is fixed, or ``minutes_late`` after it."""
    if student.minutes_late:
        return SAMPLE_DUE_DATE + timedelta(minutes=student.minutes_late)
    spread = zlib.crc32(f"{student.student_id}/{assignment}".encode()) % SUBMISSION_WINDOW_MINUTES
    return SAMPLE_DUE_DATE - timedelta(minutes=1 + spread, seconds=spread % 60)


def _require_release(course: Course) -> None:
    """Fail early, naming the command to run, if a notebook the class is written from is missing."""
    for assignment, notebook in ASSIGNMENTS.items():
        released = course.folder("release", assignment=assignment) / notebook
        if not released.is_file():
            raise FileNotFoundError(f"{released} is missing: the sample class is written from the released "
                                    f"notebooks; run `nbgrader generate_assignment {assignment}` first.")
        solved = course.folder("solution", assignment=assignment) / notebook
        if not solved.is_file():
            raise FileNotFoundError(f"{solved} is missing: run `week12 build-notebooks` first.")


def _write_submission(course: Course, student_id: str, assignment: str,
                      answers: Mapping[str, str] | NotebookState) -> Path:
    notebook = ASSIGNMENTS[assignment]
    if answers is BLANK:
        return submit_blank(course, student_id, assignment)
    if answers is BROKEN:
        folder = submit(course, student_id, assignment, {notebook: answered_notebook(course, assignment, notebook)})
        text = (folder / notebook).read_text(encoding="utf-8")
        (folder / notebook).write_text(text[: len(text) // 2], encoding="utf-8")
        return folder
    return submit(course, student_id, assignment,
                  {notebook: answered_notebook(course, assignment, notebook, dict(answers))})


def write_sample_class(course: Course, students: Iterable[SampleStudent] = SAMPLE_STUDENTS) -> list[Path]:
    """Write ``submitted/<student>/<assignment>/`` (notebook and nbgrader ``timestamp.txt``) for
    every student and every assignment, replacing those folders if present.

    Needs the released notebooks (``nbgrader generate_assignment``) and the worked solutions
    (``solutions/``): raises :class:`FileNotFoundError` saying which command to run otherwise.
    Returns the submission folders, in the order of ``students``, then of :data:`ASSIGNMENTS`.
    """
    _require_release(course)
    folders = []
    for student in students:
        for assignment in ASSIGNMENTS:
            folder = _write_submission(course, student.student_id, assignment, student.answers(assignment))
            stamp = submission_time(student, assignment).strftime(TIMESTAMP_FORMAT)
            (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
            folders.append(folder)
    return folders


# How an LMS names the files of a download (``c.FileNameCollectorPlugin.named_regexp``).
DOWNLOAD_TIME_FORMAT = "%Y%m%dT%H%M%SZ"


def write_sample_download(course: Course, students: Iterable[SampleStudent] = SAMPLE_STUDENTS) -> list[Path]:
    """Write the class as an LMS download instead: one zip per assignment in
    ``downloaded/<assignment>/archive/`` (``Course.lms_archive``), holding ``<student>__<time>__<notebook>`` files, for
    ``nbgrader zip_collect``. The same notebooks as :func:`write_sample_class`; nothing is left in
    ``submitted/`` for these students. Returns the archives.
    """
    import shutil
    import zipfile

    students = list(students)
    folders = write_sample_class(course, students)
    archives = {}
    for assignment in ASSIGNMENTS:
        archive = course.lms_archive(assignment) / f"{assignment}-submissions.zip"
        if archive.parent.parent.exists():
            shutil.rmtree(archive.parent.parent)
        archive.parent.mkdir(parents=True)
        archives[assignment] = zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED)
    by_id = {student.student_id: student for student in students}
    for folder in folders:
        student, assignment = by_id[folder.parent.name], folder.name
        stamp = submission_time(student, assignment).strftime(DOWNLOAD_TIME_FORMAT)
        notebook = ASSIGNMENTS[assignment]
        # A fixed date inside the zip keeps two writes byte-identical.
        entry = zipfile.ZipInfo(f"{student.student_id}__{stamp}__{notebook}", date_time=(2026, 5, 26, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_DEFLATED
        archives[assignment].writestr(entry, (folder / notebook).read_bytes())
        shutil.rmtree(folder)
    for archive in archives.values():
        archive.close()
    return [Path(archive.filename) for archive in archives.values()]
