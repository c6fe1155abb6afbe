"""The bundled sample class, and the main job that grades it end to end (``week12 sample-class``).

``sample_class`` is 32 synthetic students (answers in many correct forms, typical mistakes,
crashes, blank and truncated notebooks, late students); ``submissions`` writes submissions the
way students make them (the released notebook, answers typed in); ``main_job`` runs the whole
instructor's loop on them. Used by the main job, the test suite and the benchmarks.
"""
