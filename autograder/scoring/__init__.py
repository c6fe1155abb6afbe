"""Scoring week-12 convolution filters: pure numpy, no TensorFlow.

``score_kernel(kernel_like, task='horizontal_edge')`` reads whatever a student wrote for their
2x2 filter (:func:`coerce_kernel`), measures what it does on a seeded hidden battery of noisy
step images (``metrics``), scores it with the task's rubric (``rubric``) and returns a
:class:`KernelVerdict` with per-criterion outcomes, Korean or English feedback and, in a
notebook, a picture of the filter's response. :func:`describe_kernel` names what a filter does
('intended_horizontal', 'vertical', 'smoothing'...) for feedback and for grouping answers.
The learn-kernel exercise's rubric (``training_rubric.score_training``) judges what a student's
training learned with the same scorer, plus how far each training got (``training_metrics``).
"""

from .kernel_input import KernelInput, coerce_kernel
from .kernel_kinds import describe_kernel
from .rubric import TASKS, score_kernel
from .verdict import CriterionOutcome, KernelVerdict

__all__ = ["score_kernel", "coerce_kernel", "KernelInput", "KernelVerdict", "CriterionOutcome",
           "TASKS", "describe_kernel"]
