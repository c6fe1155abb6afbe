"""The students' feedback page: nbgrader's, with an overview of the graded exercises on top.

``template`` says where our nbconvert template is (``templates/week12_feedback``, extending
nbgrader's ``feedback`` template); ``overview`` is the ``ExerciseOverview`` preprocessor that
collects one row per graded cell (title, score, result, the judgement's message). This package's
``__init__`` is imported by ``nbgrader_config.py`` and stays cheap: no nbgrader, no TensorFlow.
"""

from autograder.feedback.template import (TEMPLATE_NAME, nbgrader_templates_dir, template_dirs,
                                          template_search_paths)

__all__ = ["TEMPLATE_NAME", "nbgrader_templates_dir", "template_dirs", "template_search_paths"]
