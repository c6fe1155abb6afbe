"""The course's JupyterHub: the grading service as a hub-managed service, in the Services menu.

Run the hub from the course directory with the course's environment (README "On the course's
JupyterHub"): ``.venv/bin/jupyterhub -f jupyterhub_config.py``. The hub starts ``week12 serve
--hub`` itself: it grades each hand-in as it arrives and serves the students' and instructors'
pages at ``/services/week12-grading/``. Everything else about the hub (authenticator, spawner,
HTTPS) is the course's own choice; the entries the grading service needs are the three below:
the service, the role that lets users reach it, and the instructors' group.
"""

import os
import sys

c = get_config()  # noqa: F821 -- injected by traitlets when JupyterHub loads this file
COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, COURSE_ROOT)

from autograder.course import load_course_config  # noqa: E402
from autograder.service.settings import GradingService  # noqa: E402

SERVICE = "week12-grading"
# The hub group of instructors and TAs: c.GradingService.instructors_group in nbgrader_config.py,
# read from there so that the hub and the pages never disagree.
INSTRUCTORS = GradingService(config=load_course_config(COURSE_ROOT)).instructors_group

# 1. The service. JupyterHub starts it with its OAuth client settings in the environment
#    (JUPYTERHUB_SERVICE_URL, JUPYTERHUB_SERVICE_PREFIX, JUPYTERHUB_API_TOKEN, JUPYTERHUB_CLIENT_ID...),
#    routes /services/week12-grading/ to its url, and lists it in the Services menu.
c.JupyterHub.services = [
    {
        "name": SERVICE,
        "display": True,  # in the Services menu
        "url": "http://127.0.0.1:10112",  # where the pages listen (loopback: only the hub's proxy reaches it)
        "command": [os.path.join(os.path.dirname(sys.executable), "week12"), "serve", "--hub"],
        "cwd": COURSE_ROOT,
        # A hub run as root may start it as the course's grading account (README "Grading as an
        # ordinary account"), which must own the course directory:
        # "user": "week12-grader",
        "oauth_no_confirm": True,  # part of the course's hub: no "authorize this service?" prompt
        "info": {"description": "Grades and feedback on submit / 제출하면 채점과 피드백"},
    },
]

# 2. Who may reach it: every user of the hub (the pages show each student only their own
#    hand-ins, and the queue only to the instructors' group). The service itself needs no
#    permission on the hub: it only asks the hub who a browser's or a token's user is, and the
#    hub's answer always names the user's groups.
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
]

# 3. The instructors' group: add the instructors' and TAs' hub names here, or later on the hub's
#    admin page (Groups).
c.JupyterHub.load_groups = {INSTRUCTORS: {"users": []}}

# Students hand in from JupyterLab's Assignments panel (nbgrader's extension, installed with the
# course's environment); the single-user servers open in JupyterLab.
c.Spawner.default_url = "/lab"
