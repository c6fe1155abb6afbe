"""Work in from an LMS, results back out to it: Canvas, Moodle or a generic download.

``c.Lms.preset`` in ``nbgrader_config.py`` chooses the LMS (:mod:`autograder.lms.presets`). Its
preset reads that LMS's download as ``nbgrader zip_collect`` unpacks it (who handed in which
notebook, and what the LMS says about lateness), and writes what goes back: grades in the LMS's
gradebook import CSV, feedback pages in its bulk-upload layout where it has one. Who is who in
the LMS (its ids and names) is kept per assignment in the roster (:mod:`autograder.lms.roster`)
when collecting, for the exports to use. :mod:`autograder.lms.release` routes nbgrader's own
``release_feedback`` (and the formgrader's button) the same way.
"""
