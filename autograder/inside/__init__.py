"""Everything that runs *inside* the sandbox, next to student code: trust nothing it hands back.

``runner`` executes the prepared notebook with nbclient; ``capture`` is what each graded cell
became, and writes that cell's answer as plain data. Student code runs in the same kernel and as
the same user, so it can change anything here: the trusted side (``autograder.grading``) reads
what comes out as untrusted data, re-checks every size and shape, and judges it elsewhere.
"""

# Where the runner leaves its report (finished, kernel died in which cell, cells timed out) in
# the executed notebook's metadata; read back, untrusted, by ``autograder.grading.merge``.
RUN_METADATA_KEY = "week12_run"
