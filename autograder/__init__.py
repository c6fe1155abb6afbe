"""Week-12 convolution course: kernel scoring, nbgrader integration and class grading."""

__version__ = "0.1.0"
