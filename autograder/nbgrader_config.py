"""nbgrader configuration for the Billing vs Coding course (run nbgrader from this folder)."""

from pathlib import Path

from billcode.quiz.answers import ANSWERS_SUFFIX
from billcode.instructor.grade.preprocessors import AUTOGRADE, AUTOGRADE_SANITIZE, CODE_STUB, GENERATE_ASSIGNMENT, GENERATE_FEEDBACK
from billcode.instructor.grade.collect import SafeExchangeCollect
from billcode.instructor.report.export import SafeCsvExport
from billcode.instructor.report.feedback_page import FeedbackPage

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
here = Path(__file__).resolve().parent

c.CourseDirectory.course_id = "billing-vs-coding"
c.CourseDirectory.root = str(here)
# On one machine the course has its own exchange (nbgrader's default, /usr/local/share/nbgrader/exchange, needs
# root to create): `make instructor` creates exchange/ here (not committed), so the formgrader's Release and
# Collect work. On a hub, the hub's configuration sets the shared exchange instead (deploy/hub/).
c.Exchange.root = str(here / "exchange")

# Student code runs in the grading sandbox (bubblewrap) on a scratch copy: each cell for at most 30 s (then it is
# interrupted and the next cells run), the whole notebook for at most 10 minutes. Every graded cell is then
# scored in nbgrader's own process from keys/<assignment>.py, never from what the kernel printed.
c.Autograde.autograde_preprocessors = AUTOGRADE
c.SandboxedExecute.course_root = str(here)
c.SandboxedExecute.cell_timeout = 30
c.SandboxedExecute.notebook_timeout = 600
c.ScoreOutsideKernel.course_root = str(here)
c.ApplyClassParams.course_root = str(here)
c.InertStudentMarkdown.course_root = str(here)
# The validator (students' Validate button, tests) still runs cells in a kernel: same per-cell limit.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# Keep a huge printout from swamping the gradebook.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# A student who deleted a graded cell gets it back (and scored) instead of "needs manual grading";
# one who switched a cell's graded role off gets it back instead of the whole notebook going ungraded.
c.Autograde.sanitize_preprocessors = AUTOGRADE_SANITIZE
c.OverwriteCells.add_missing_cells = True

# Student copies: drop instructor-only cells and saved widget state; friendly answer stubs.
c.GenerateAssignment.preprocessors = GENERATE_ASSIGNMENT
c.ClearSolutions.code_stub = {"python": CODE_STUB}

# Feedback: the course's own page (billcode/instructor/report/feedback_page.py), for `make feedback` and the
# formgrader's Generate Feedback button alike: per graded question and exercise, the answer, the points and the
# explanation, from the gradebook and the bank; never a test cell's source or a hidden test.
c.GenerateFeedback.preprocessors = GENERATE_FEEDBACK
c.GenerateFeedback.exporter_class = FeedbackPage
c.FeedbackPage.course_root = str(here)
# The formgrader never shows student-written HTML or script live: markdown the student wrote or changed is made
# plain text at autograde (InertStudentMarkdown; nbgrader's templates do not sanitise it), outputs keep text and
# images only, and the rest of each page nbconvert renders is sanitised here. The feedback page escapes everything.
c.HTMLExporter.sanitize_html = True

# A student's saved quiz answers (<assignment>_answers.json) must never be replaced by a copy that an
# instructor's own run of the master may have left in source/ (it would hold the key answers).
c.Autograde.exclude_overwriting = {
    folder.name: [f"{folder.name}{ANSWERS_SUFFIX}"] for folder in sorted((here / "source").iterdir()) if folder.is_dir()
}

# `nbgrader export` (make export): grades.csv quoted, and a student id that is a spreadsheet formula kept as text.
c.ExportApp.plugin_class = SafeCsvExport

# `nbgrader collect` (and the formgrader's Collect button): a folder in the exchange's inbound/ is collected only if
# the student it names handed it in (its owner), and one whose name or time does not parse is skipped and named,
# instead of stopping everyone's collection (billcode/instructor/grade/collect.py).
c.ExchangeFactory.collect = SafeExchangeCollect
