"""Before anything runs: a submission reduced to what nbgrader can grade, one notebook alone.

``release_cells``: ``AlignWithRelease`` makes every nbgrader cell the release's (copied, altered,
invented, outdated or deleted cells set aside and said on the feedback page) and
``CheckCellMetadataAlone`` fails a notebook nbgrader still cannot read, alone, instead of the run.
"""
