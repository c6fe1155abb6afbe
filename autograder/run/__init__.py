"""Running a notebook in the sandbox and reading back what came out, trusting none of it.

In order: ``prepare`` (every graded cell becomes a capture of its answer; the input is keyed,
``run_records``), ``environment`` (what the sandbox's interpreter imports, what it must not see;
``refusal`` when grading cannot be safe), ``sandbox_run`` (cold, or forked from a warm parent:
``warm_start``) and ``readback`` (the runner's report, every cap applied again); ``prefetch`` keeps
runs done ahead by the class command's pool, by key; ``cluster_task`` is one run on a Dask worker.
Nothing here runs student code outside a sandbox or imports ``autograder.inside``: the two sides
speak ``autograder.answers.protocol``.
"""
