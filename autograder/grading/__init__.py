"""Grading one notebook inside ``nbgrader autograde``, and the runners of the class command.

``sandboxed_execute`` is the nbgrader step that takes ``Execute``'s place and composes the
stages, each a folder of its own: ``autograder.run`` (prepare, sandbox, read back),
``autograder.judging`` (a fresh process judges the answers) and ``autograder.record`` (the judged
outputs, the run's record). ``pool`` (local sandboxes) and ``cluster`` (a Dask cluster's workers)
run the class's notebooks ahead of nbgrader for ``week12 autograde``, each input once, by key.
Nothing here runs student code or trusts its output.
"""
