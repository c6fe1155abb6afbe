"""Everything that runs *inside* the sandbox, next to student code: trust nothing it hands back.

``runner`` executes the prepared notebook with nbclient; ``capture`` is what each graded cell
became, and writes that cell's answer as plain data. Student code runs in the same kernel and as
the same user, so it can change anything here: the trusted side (``autograder.grading``) reads
what comes out as untrusted data, re-checks every size and shape, and judges it elsewhere. The
protocol both sides speak is ``autograder.answers.protocol``; the names below are re-exported from it.
"""

from autograder.answers.protocol import MAX_ANSWER_BYTES, OUTPUT_MESSAGES, RUN_METADATA_KEY, message_size

__all__ = ["MAX_ANSWER_BYTES", "OUTPUT_MESSAGES", "RUN_METADATA_KEY", "message_size"]
