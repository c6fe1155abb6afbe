"""Everything that runs *inside* the sandbox, next to student code: trust nothing it hands back.

``runner`` executes the prepared notebook with nbclient; ``capture`` is what each graded cell
became, and writes that cell's answer as plain data. Student code runs in the same kernel and as
the same user, so it can change anything here: the trusted side (``autograder.grading``) reads
what comes out as untrusted data, re-checks every size and shape, and judges it elsewhere. The
constants and the size measure below are shared with that side, which applies them again.
"""

from autograder.i18n import Catalogue

# The notice that ends a cell's outputs cut at their cap (by the runner, and again by the grader).
OUTPUT_MESSAGES = Catalogue({
    "output_truncated": {"ko": "\n[출력이 너무 길어 여기서 잘랐습니다 / output truncated]\n", "en": "\n[output truncated]\n"},
})

# Where the runner leaves its report (finished, kernel died in which cell, cells timed out) in
# the executed notebook's metadata; read back, untrusted, by ``autograder.grading.merge``.
RUN_METADATA_KEY = "week12_run"
# The largest answer one graded cell may hand back (the largest real one is a 50x50 image).
MAX_ANSWER_BYTES = 4_000_000


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
