"""The class report: one self-contained page on how the class did, for the instructor.

``data`` reads what grading left behind (gradebook, answer store, submitted notebooks as data);
``analysis`` computes pass rates, score summaries, filter kinds and identical unusual filters;
``similarity`` (with ``code_form`` and ``notebooks``) finds answers that look copied; ``page``
draws the figures and renders ``templates/class_report.html.j2``. ``week12 report``
(``autograder.workflow.report``) writes it.
"""
