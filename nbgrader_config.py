"""nbgrader configuration for the week-12 convolution course.

The repository root is the course root: run every nbgrader command from here.
"""

import os

c = get_config()  # noqa: F821 -- injected by traitlets when nbgrader loads this file
COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "dl-week12-conv"
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.solution_directory = "solutions"
# release/, submitted/, autograded/, feedback/ and gradebook.db are nbgrader's defaults and are
# generated (and git-ignored).

# Importing TensorFlow and building Keras layers takes longer than nbgrader's default 30 s per
# cell on a loaded 2-core machine.
c.Execute.timeout = 120

# nbgrader zeroes a test cell that wrote anything to stderr. TensorFlow, absl and Python warnings
# write there on their own, so a correct answer could lose its points to a log line. Under trusted
# grading (below) a graded cell's outputs are written by the grader and never hold stderr, and the
# student's other cells keep their own stderr without TensorFlow's start-up chatter
# (autograder/startup_chatter.py). Where a course grades in the kernel instead (nbgrader's own
# Execute and IgnorePattern steps), IgnorePattern drops every stderr stream before grades are saved.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# Trusted grading: student code runs in a bubblewrap sandbox (no network, no course files, a
# non-root user, memory/CPU/time/process/file-size limits); only plain-data answers come out, and
# every grade is computed from them in a fresh process outside the sandbox. SandboxedExecute takes
# the place of nbgrader's Execute; the other steps are nbgrader's own defaults. If no sandbox can
# be made, grading stops with an explanation unless allow_unsandboxed is set to True.
c.Autograde.autograde_preprocessors = [
    "autograder.preprocessors.SandboxedExecute",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "autograder.preprocessors.CheckCellMetadataAlone",
    "autograder.preprocessors.FinishGrading",
]
# Sanitizing, before anything runs: a copied, altered or deleted nbgrader cell would stop the whole
# run at CheckCellMetadata; AlignWithRelease makes every nbgrader cell the release's and says what it
# set aside (shown on the feedback page), and CheckCellMetadataAlone fails a notebook alone.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "autograder.preprocessors.AlignWithRelease",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "autograder.preprocessors.CheckCellMetadataAlone",
]
c.SandboxedExecute.cell_timeout = 120
c.SandboxedExecute.allow_unsandboxed = False
# Fork each notebook's runner and kernel from a warm parent (TensorFlow already imported) into a
# fresh sandbox of its own, instead of starting Python and a kernel per notebook (README: "Warm
# start"). False: every notebook starts cold; the grades are the same either way.
c.SandboxedExecute.warm_start = True
# TensorFlow's oneDNN custom operations in the students' kernels: on where the processor has them
# (TensorFlow's default). False sets TF_ENABLE_ONEDNN_OPTS=0 in the sandbox; grades are the same.
c.SandboxedExecute.tensorflow_onednn = True

# `week12 autograde` runs the notebooks here, one sandbox per core, unless a Dask scheduler is
# named (here or with --scheduler): its workers then run them, each in a sandbox of its own, and
# this machine's nbgrader still writes every grade (README: "Grading on a Dask cluster").
c.Cluster.scheduler = ""

# The exchange (where `nbgrader release_feedback` puts feedback and `nbgrader collect` finds
# submissions) lives in the course folder, so one machine needs no shared /srv directory; it is
# made (as nbgrader's release would) when this file is loaded, so the formgrader finds it. On a
# JupyterHub whose students submit through the exchange, point it at the hub's shared folder.
c.Exchange.root = os.path.join(COURSE_ROOT, "exchange")
# Collecting from the exchange copies regular files only (nbgrader's copy follows symlinks).
c.ExchangeFactory.collect = "autograder.collect.exchange.SafeExchangeCollect"
# Releasing feedback (nbgrader release_feedback, the formgrader's button) sends exchange
# submissions' pages to the exchange and packs the others for the LMS (autograder/lms/release.py).
c.ExchangeFactory.release_feedback = "autograder.lms.release.ReleaseFeedbackByRoute"

# Where submissions come from and results go back (autograder/lms/presets.py): "generic" (the file
# names below), "canvas" (Canvas's "Download Submissions" zip, LATE marks kept; out: its gradebook
# import CSV) or "moodle" (Moodle's "Download all submissions" zip, in folders or not, with its
# grading worksheet beside it for lateness; out: the worksheet to upload and the feedback-files zip).
c.Lms.preset = "generic"
# The LMS's names and ids of the assignments, for the grade export's columns (Canvas matches a
# column "<title> (<id>)" by the id in the assignment's address), e.g.
# c.Lms.assignment_titles = {"week12-lab": "12주차 실습"}; c.Lms.assignment_ids = {"week12-lab": "4521"}
# `nbgrader export` (week12 export: exports/grades.csv) writes nbgrader's CSV through the course's
# one CSV writer: a name that would start a spreadsheet formula is neutralised, numbers stay numbers
# (autograder/lms/spreadsheet.py).
c.ExportApp.plugin_class = "autograder.lms.grades_export.SpreadsheetSafeCsvExport"

# An LMS download for `nbgrader zip_collect`: downloaded/<assignment>/archive/*.zip holding files
# named <student>__<UTC time, e.g. 20260525T145900Z>__<notebook>.ipynb.
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)__(?P<timestamp>\d{8}T\d{6}Z)__(?P<file_id>[^/]+\.ipynb)$")
# Only the download's top level is unpacked, within limits, without mode bits; a student's own
# archive is reported, not unpacked; ids are checked; a student twice is refused (autograder/collect).
c.ZipCollectApp.extractor_plugin = "autograder.collect.extractor.SafeExtractor"
c.ZipCollectApp.collector_plugin = "autograder.collect.collector.SafeFileNameCollector"

# The homework's kernel score (autograder.scoring.rubric): criterion weights, scaled to sum to 1.
# After changing them, `week12 regrade week12-homework` re-scores the stored answers of the whole
# class in seconds, without running a notebook.
c.KernelRubric.localisation_weight = 0.5
c.KernelRubric.flatness_weight = 0.2
c.KernelRubric.selectivity_weight = 0.3

# The class report's similarity section (`week12 report`, autograder/report/similarity.py):
# a pointer for a person, never a verdict (no grade changes). Code written alike by at least this
# share of the class (and never fewer than 3 students) counts as shared, never as evidence, like the
# released notebook and the worked solution; a pair is shown from this share of the two students'
# own code in common, cell by cell (or when one's own code is almost all in the other's notebook).
c.ClassReport.similarity_shared_fraction = 0.2
c.ClassReport.similarity_threshold = 0.65

# Language of the kernel autograder's feedback: "ko" (Korean, this course's default) or "en".
c.KernelFeedback.language = "ko"

# Worked solutions (nbgrader's solution step, written to solutions/): the answers stay in, hidden
# tests are stripped, and the notebooks are not executed so that the files are reproducible and a
# test can tell when they are out of date.
c.GenerateSolution.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# Feedback pages (`nbgrader generate_feedback`): nbgrader's page with an overview of the graded
# exercises at the top (title, score, pass/partial/fail, the grader's first message, a link to
# the cell), from the template in autograder/feedback/templates (see autograder/feedback/template.py).
# ExerciseOverview collects the rows after GetGrades has read the scores from the gradebook.
# InertPage and the template render what the student's notebook holds inert, under a
# Content-Security-Policy that allows no script (autograder/safe_html.py; README "Threat model").
# The exporter settings are scoped to GenerateFeedback: the plain c.HTMLExporter.* below are the
# formgrader's, and nbgrader resets the unscoped extra_template_paths when it generates feedback.
from autograder import feedback as week12_feedback  # noqa: E402 -- kept with the block it serves

c.GenerateFeedback.preprocessors = [
    "autograder.preprocessors.InertPage",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "autograder.preprocessors.ExerciseOverview",
]
# nbconvert's HTMLExporter with its templates compiled once per process and the page taken as rendered
# (autograder/feedback/page_exporter.py): the grading service makes a page per hand-in.
c.GenerateFeedback.exporter_class = "autograder.feedback.page_exporter.FeedbackPageExporter"
c.GenerateFeedback.HTMLExporter.template_name = week12_feedback.TEMPLATE_NAME
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = week12_feedback.template_dirs()
c.GenerateFeedback.HTMLExporter.extra_template_paths = week12_feedback.template_search_paths()
c.GenerateFeedback.HTMLExporter.filters = week12_feedback.PAGE_FILTERS

# The formgrader's grading page (nbgrader's formgrade template, which a TA opens inside their
# logged-in Jupyter server): the same inert rendering, and a policy under which only nbgrader's
# own scripts run there.
c.HTMLExporter.template_name = week12_feedback.FORMGRADE_TEMPLATE_NAME
c.HTMLExporter.extra_template_basedirs = week12_feedback.template_dirs()
c.HTMLExporter.extra_template_paths = week12_feedback.template_search_paths()
c.HTMLExporter.preprocessors = ["autograder.preprocessors.InertPage"]
c.HTMLExporter.filters = week12_feedback.PAGE_FILTERS

# The grading service's pages on the course's JupyterHub (jupyterhub_config.py; README "On the
# course's JupyterHub"): members of this hub group (instructors and TAs) see every student and the
# queue, and may pause grading; everyone else sees only their own hand-ins.
c.GradingService.instructors_group = "week12-instructors"

# Loading this file only reads it. nbgrader's own commands that collect, grade or release feedback
# (`nbgrader autograde` as a TA types it...) run the course's start-up step as they start: a killed
# grading's half-written folders graded again (never skipped, never doubled), links and other
# non-regular files dropped from the working folders, "Copy of X" notebooks renamed, the exchange
# made (autograder/start_up.py). week12's verbs run the same step themselves, by name; anything else
# that loads this file (week12 report, doctor, export, status, the formgrader) changes nothing.
from autograder.start_up import start_up_for_nbgrader_command  # noqa: E402

start_up_for_nbgrader_command(c, COURSE_ROOT)
