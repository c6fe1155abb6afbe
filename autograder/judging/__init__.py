"""Judging answers in a process no student code touched.

``judge`` is that process (bounded decoding, the exercises' own judgements); ``judge_client``
feeds it each notebook's answers within ``c.SandboxedExecute.judge_seconds`` and replaces it if it
stalls; ``figure_cache`` keeps drawn figures by content; ``messages`` is what the grader tells a
student about a notebook's grading, in Korean and English.
"""
