"""The sandbox's report protocol: what the runner inside sends and the grader outside reads back.

Both sides of the sandbox import this module and nothing of each other: ``autograder.inside``
(the runner and the answer capture, next to student code) speaks it, and ``autograder.grading``
(the trusted read-back and merge) applies every limit here again, since student code runs as the
same user as the runner and can forge anything it sends. Plain data and one size measure: no
behaviour that trusts a value.

- a graded cell is replaced by :func:`capture_source`, which displays that cell's answer in the
  media type :data:`ANSWER_MEDIA_TYPE`; the runner takes it out of the output stream, at most
  :data:`MAX_ANSWER_BYTES`;
- the runner leaves its report (finished, the cell the kernel died in, cells timed out) in the
  executed notebook's metadata under :data:`RUN_METADATA_KEY`;
- a cell's outputs are cut at a number of characters counted by :func:`message_size`, with the
  notice of :data:`OUTPUT_MESSAGES`.
"""

from autograder.i18n import Catalogue

# The media type in which a graded cell's capture displays its answer (JSON text).
ANSWER_MEDIA_TYPE = "application/x-week12-answer"
# The largest answer one graded cell may hand back (the largest real one is a 50x50 image).
MAX_ANSWER_BYTES = 4_000_000
# Where the runner leaves its report in the executed notebook's metadata.
RUN_METADATA_KEY = "week12_run"

# The notice that ends a cell's outputs cut at their cap (by the runner, and again by the grader).
OUTPUT_MESSAGES = Catalogue({
    "output_truncated": {"ko": "\n[출력이 너무 길어 여기서 잘랐습니다 / output truncated]\n", "en": "\n[output truncated]\n"},
})


def message_size(content) -> int:
    """The size of an output, counted the same way on both sides of the sandbox: its text, else
    its data and traceback (a Jupyter message's content or an nbformat output dict)."""
    if not isinstance(content, dict):
        return len(str(content))
    if "text" in content:
        return len(str(content["text"]))
    data = content.get("data", {})
    values = data.values() if isinstance(data, dict) else [data]
    return sum(len(str(value)) for value in values) + len(str(content.get("traceback", "")))


def capture_source(grade_id: str) -> str:
    """The code that replaces a graded cell in the sandboxed notebook: it calls
    ``autograder.inside.capture.save``, named by string (the grader never imports the inside)."""
    return f'__import__("autograder.inside.capture", fromlist=["save"]).save({grade_id!r}, globals())'
