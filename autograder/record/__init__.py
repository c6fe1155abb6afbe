"""Writing what was judged where nbgrader and the student read it.

``merge`` and ``graded_outputs`` turn judgements into the graded cells' outputs (caps applied
again; the whole notebook made inert, ``autograder.safe_html``); ``not_graded`` leaves no empty
grade behind a grader fault; ``progress`` is the run's record, per notebook; ``recovery`` marks a
notebook being graded so that a killed run's half-written folder is graded again; ``service_lock``
says whether a grading service is the course's writer now;
``finish_grading`` is the last nbgrader step.
"""
