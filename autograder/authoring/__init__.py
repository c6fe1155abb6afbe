"""Source notebooks of the course, written as code.

The notebooks under ``assignments/`` are generated from these modules with nbformat so that cell
ids, nbgrader metadata and the shared set-up cells stay consistent; ``week12 build-notebooks``
rewrites them and a test fails when the committed files are out of date.
"""
