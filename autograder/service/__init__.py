"""The grading service (``week12 serve``): each hand-in graded as it arrives, its feedback back to
its student, and the hub's pages over it.

``settings`` (``c.GradingService``), ``state`` (the service's record, read by ``week12 status``
and the pages), ``policy`` (pure: rate limit, order, supersession), ``watcher`` (complete hand-ins in
the exchange's inbound), ``pipeline`` (one hand-in: collect, grade, feedback, release, in this
process), ``server`` (the long-running loop), ``writer_lock`` (the course's one writer and the
refusal of a second), ``web`` (the JupyterHub
service's pages and JSON API: ``web_pages`` its handlers, ``web_base`` login, headers and errors,
``status_view`` the data shown, ``web_text`` and ``web_display`` its words, ``templates/``).
"""
