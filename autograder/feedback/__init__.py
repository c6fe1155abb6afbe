"""The students' feedback page: nbgrader's, with an overview of the graded exercises on top.

``template`` says where our nbconvert templates are (``templates/week12_feedback``, extending
nbgrader's ``feedback`` template, and ``templates/week12_formgrade``, the formgrader's grading
page); ``overview`` is the ``ExerciseOverview`` preprocessor that collects one row per graded cell
(title, score, result, the judgement's message); ``inert_page`` renders a student's notebook
inert (the ``InertPage`` step and the templates' filters); ``page_exporter`` is the feedback
page's exporter (nbconvert's, cheap to use many times). This package's ``__init__`` is imported
by ``nbgrader_config.py`` and stays cheap: no nbgrader, no TensorFlow.
"""

from autograder.feedback.template import (FORMGRADE_TEMPLATE_NAME, PAGE_FILTERS, TEMPLATE_NAME, nbgrader_templates_dir,
                                          template_dirs, template_search_paths)

__all__ = ["FORMGRADE_TEMPLATE_NAME", "PAGE_FILTERS", "TEMPLATE_NAME", "nbgrader_templates_dir", "template_dirs",
           "template_search_paths"]
