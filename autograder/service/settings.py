"""The grading service's settings (``c.GradingService.*`` in ``nbgrader_config.py``)."""

from __future__ import annotations

from traitlets import Float, Integer, Unicode
from traitlets.config import Configurable


class GradingService(Configurable):
    """``week12 serve``: grade each hand-in as it arrives, release its feedback to its student."""

    graded_per_window = Integer(
        6, help="Graded hand-ins per student and assignment within window_minutes (0: no limit). A hand-in "
                "over the limit is kept and graded when the window allows; the last one before the deadline "
                "is always graded; one that cannot be graded uses no attempt.").tag(config=True)
    window_minutes = Float(60.0, help="The rate limit's window, in minutes.").tag(config=True)
    poll_seconds = Float(0.05, help="How often the exchange's inbound folder is looked at.").tag(config=True)
    workers = Integer(0, help="Hand-ins run at once, one sandbox each (0: one per core).").tag(config=True)
    retries = Integer(1, help="How many times a hand-in is graded again after a grader fault before it is "
                              "reported not graded (a grader fault is never a student's score).").tag(config=True)
    state_file = Unicode("", help="The service's record (empty: .week12/service.sqlite in the course).").tag(config=True)
    instructors_group = Unicode(
        "week12-instructors", help="The JupyterHub group whose members (instructors and TAs) see every student "
                                   "and the queue on the hub's pages; everyone else sees only themselves.",
    ).tag(config=True)
