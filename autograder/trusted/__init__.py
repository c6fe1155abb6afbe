"""Trusted grading: student code runs sandboxed, grades are computed outside it.

The flow is one-way (see ``preprocessors/sandboxed_execute.py``):

1. ``notebook_for_sandbox`` replaces every graded cell by a call to ``capture.save``;
2. ``runner`` executes that notebook inside the sandbox; ``capture.save`` writes each graded
   cell's answer as plain-data JSON into the job folder;
3. ``judge`` scores those answers in a fresh process that no student code touched;
4. the preprocessor writes the judgements into the graded cells for nbgrader to save.
"""
