"""The trusted side of grading one notebook: nothing here runs student code or trusts its output.

In the order a notebook goes through them (inside ``nbgrader autograde``):

- ``prepare``: every graded cell becomes a capture of its answer; the input is keyed (``run_records``);
- ``prefetch``: the run the class command's worker pool did ahead, if any, is taken by that key;
- ``sandbox_run``: otherwise the notebook runs in the sandbox (``autograder.sandbox``) with the
  runner of ``autograder.inside``, and ``readback`` reads its files back without trusting them;
- ``judge`` (a process of its own, fed by ``judge_client``): the answers are judged by the
  exercises' judgements (``autograder.exercises``);
- ``merge`` and ``graded_outputs``: the judgements become the graded cells' outputs;
- ``sandboxed_execute``: the nbgrader preprocessor that does all of the above in ``Execute``'s place;
  ``finish_grading``: the last step, once the grades are saved;
- ``recovery``: a grading killed part-way is graded again; ``progress``: the run's record.
"""
