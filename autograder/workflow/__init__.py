"""The instructor's grading loop for a whole class, one module per step (verb).

``collect`` -> ``autograde`` -> ``feedback`` -> ``release_feedback`` -> ``export`` -> ``report``,
with ``regrade`` re-scoring stored answers and ``pipeline`` running every step in order. Each
step is a thin layer over the real nbgrader command or Gradebook API that does the job.
"""
