"""The course's own settings, read by nbgrader from ``nbgrader_config.py`` like nbgrader's.

``c.KernelFeedback.language`` and ``c.KernelRubric.*_weight`` are traitlets, so the one course
configuration file sets them, and every process that grades reads them from the configuration
nbgrader (or ``Course.config``) loaded: nothing here reads a file or an environment variable.
"""

from __future__ import annotations

from traitlets import Enum, Float
from traitlets.config import Configurable

from autograder.i18n import DEFAULT_LANGUAGE, LANGUAGES

SUPPORTED_LANGUAGES = LANGUAGES


class KernelFeedback(Configurable):
    """How feedback is worded."""

    language = Enum(
        LANGUAGES,
        default_value=DEFAULT_LANGUAGE,
        help="Language of feedback messages: 'ko' (Korean) or 'en' (English).",
    ).tag(config=True)


class KernelRubric(Configurable):
    """Weights of the homework's kernel score (``autograder.scoring.rubric``), scaled to sum to 1.

    Changing them and running ``week12 regrade`` re-scores the stored answers of the whole class
    without executing a notebook.
    """

    localisation_weight = Float(0.5, min=0.0, help="Weight of edge localisation on the hidden images.").tag(config=True)
    flatness_weight = Float(0.2, min=0.0, help="Weight of not responding to flat regions.").tag(config=True)
    selectivity_weight = Float(0.3, min=0.0, help="Weight of responding to the asked-for orientation only.").tag(config=True)

    def edge_weights(self) -> dict:
        return {"localisation": self.localisation_weight, "flatness": self.flatness_weight,
                "selectivity": self.selectivity_weight}
