"""The first stage of a submission's way: into nbgrader's submitted folder, trusting nothing in it.

``names`` says which student ids are safe and which notebook names are common variants of the
expected ones; ``regular_files`` lets only regular files cross (symlinks, devices and FIFOs are
dropped, checked with ``lstat`` before anything copies them); ``extractor`` and ``collector`` are
``nbgrader zip_collect``'s plugins for an LMS download (only its top level unpacked, with limits;
ids checked; lateness from the LMS's own file names); ``exchange`` is ``nbgrader collect``'s
source and copy, with ``attribution`` deciding who handed in each exchange folder (its owner) and
when it arrived (change times), never from its name; ``hygiene`` keeps the course's working folders
so on every nbgrader start; ``report`` records each problem for its student, ``messages`` words
the exchange's for the student.
"""
