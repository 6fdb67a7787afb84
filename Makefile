# Billing vs Coding: the two commands are `make lab` and `make test`; the rest is for instructors.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard autograder/source/[0-9]*))
NBGRADER := cd autograder && ../$(PY) -m nbgrader
# Kernels, nbgrader and JupyterLab all come from the course environment, whatever the caller's PATH says.
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: help install lab app instructor test test-fast release check-release masters data grade report check-my-work demo-class feedback export bench bench-grading hub hub-stop hub-teardown test-hub binder-links clean-answers clean

help:
	@echo "Learners"
	@echo "  make lab          JupyterLab on your own copies of the notebooks (my-work/), as a learner sees it"
	@echo "                    PORT=9000 picks the port; ARGS=--no-browser for a remote or headless start"
	@echo "  make app          the cost explorer as a stand-alone app (Voila, code hidden) on port 8866 (PORT=, ARGS=)"
	@echo "  make check-my-work NB=my-work/02_billing.ipynb   your saved notebook, graded as an instructor would"
	@echo "Instructors, in the order of the work"
	@echo "  make install      the environment only (.venv; every target does it when needed)"
	@echo "  make instructor   JupyterLab on autograder/ with nbgrader's formgrader and Create Assignment panels, and"
	@echo "                    the course's own exchange (autograder/exchange/) for the formgrader's Release and Collect"
	@echo "  make masters      after editing a bank or a master: question text and stored outputs (ONLY=02_billing)"
	@echo "  make release      regenerate course/ from the masters (ONLY=...); make check-release: fail on drift"
	@echo "  make demo-class   a synthetic class to try grading on (10 students x every assignment)"
	@echo "  make grade        grade every submission in autograder/submitted/ (sandboxed, in parallel: JOBS=N)"
	@echo "  make report       the class report: scores, item difficulty and discrimination, mastery (autograder/reports/,"
	@echo "                    with class_report.html: the tables and plots in one page)"
	@echo "  make feedback     a feedback page per student and assignment (autograder/feedback/)"
	@echo "  make export       autograder/grades.csv"
	@echo "  make hub          the course on JupyterHub on this machine (root); make hub-stop, make hub-teardown"
	@echo "Developers"
	@echo "  make test         every test (make test-fast: without nbgrader runs, notebook runs or a browser)"
	@echo "  make data         regenerate the data the course builds (data/billing/, the ICD-10-CM files)"
	@echo "  make bench        speed and memory (benchmarks/); make bench-grading: stock nbgrader against make grade"
	@echo "  make test-hub     the whole hub cycle end to end (root; also part of make test)"
	@echo "  make binder-links REPO=you/your-fork   point every Binder link in the README at a fork"
	@echo "  make clean-answers   answers files left in the masters' folders; make clean: every grading folder"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Pin the notebook kernel to this environment's Python, so it always finds the course package. Its display name is
# the one the notebooks carry, so opening a notebook does not change it (an older .venv is re-registered too).
KERNEL := $(VENV)/.kernel-python3
$(KERNEL): $(STAMP) Makefile
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $(KERNEL)

# axe-core for the browser accessibility checks (npm). Without it the axe checks are skipped with a warning
# (and fail under CI=true, where .ci/run installs npm).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js; \
	else echo "npm not found: the browser accessibility checks will be skipped (apt-get install npm)"; fi

install: $(STAMP) $(KERNEL)

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# Learner targets use the environment that is already running when it has the course (Binder, a conda env),
# and build .venv only when it does not.
HAVE_ENV := $(if $(wildcard $(PY)),,$(shell $(PYTHON) -c "import billcode, nbgrader" >/dev/null 2>&1 && echo yes))
LEARNER_PY := $(if $(HAVE_ENV),$(PYTHON),$(PY))
LEARNER_DEPS := $(if $(HAVE_ENV),,install)
PORT ?=
ARGS ?=

# The learner's view: no instructor panels (jupyter/README.md says which and why), on the learner's own copies.
lab: $(LEARNER_DEPS)
	$(LEARNER_PY) -m billcode.workspace
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/learner $(LEARNER_PY) -m jupyter lab $(ROOT_FLAG) --port=$(or $(PORT),8888) \
	  --LabApp.default_url=/lab/tree/my-work/$$($(LEARNER_PY) -m billcode.workspace --first) $(ARGS)

# The cost explorer of 04 as a stand-alone app: Voila runs the notebook and shows only its outputs.
app: $(LEARNER_DEPS)
	$(LEARNER_PY) -m voila apps/cost_explorer.ipynb --port=$(or $(PORT),8866) --no-browser $(ARGS)

# The instructor's view: every nbgrader panel (formgrader, Create Assignment, course list), on the course root, with
# the course's own exchange folder (autograder/exchange/, not committed) for the formgrader's Release and Collect.
instructor: install
	$(PY) -m billcode.instructor.author.release --exchange
	@echo "The formgrader: Nbgrader > Formgrader in JupyterLab, or full width at /formgrader on the same server."
	cd autograder && ../$(VENV)/bin/jupyter lab $(ROOT_FLAG) --port=$(or $(PORT),8888) $(ARGS)

# Two pytest-xdist workers (TEST_WORKERS=1 runs the tests one by one). Each test file goes whole to one worker, and
# the browser tests all to the same one (tests/conftest.py); files are handed out in collection order, browser first.
TEST_WORKERS ?= 2
test: install $(AXE)
	$(PY) -m pytest $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder)

test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

# ONLY=02_billing limits release and masters to some assignments (default: all).
ONLY ?=
release: install
	$(PY) -m billcode.instructor.author.release $(ONLY)

check-release: install
	$(PY) -m billcode.instructor.author.release --check

masters: install
	$(PY) -m billcode.instructor.author.authoring sync $(ONLY)
	$(PY) -m billcode.instructor.author.authoring execute $(ONLY)

data: install
	$(PY) -c "from billcode.billing.synthetic import write_all; write_all()"
	$(PY) -c "from billcode.coding.billable import write_billable_file; write_billable_file()"
	$(PY) -m billcode.coding.build
	$(PY) -c "from billcode.quiz.bank import write_validator; write_validator()"
	$(PY) -c "from billcode.billing.x12_maps import build; build()"

JOBS ?= 0
grade: install
	$(PY) -m billcode.instructor.grade.autograde --jobs $(JOBS)

report: install
	$(PY) -m billcode.instructor.report.analytics

# A self-learner's own notebook, graded as an instructor would grade it: make check-my-work NB=my-work/02_billing.ipynb
NB ?= my-work/01_overview.ipynb
check-my-work: $(LEARNER_DEPS)
	$(LEARNER_PY) -m billcode.instructor.report.self_grade $(NB)

# Ten synthetic students (honest, partial, blank, broken) for every assignment, to try make grade and make report on.
demo-class: install
	$(PY) -m billcode.instructor.report.synthetic --students 10

feedback: install
	$(PY) -m billcode.instructor.report.feedback

export: install
	$(NBGRADER) export

bench: install
	$(PY) benchmarks/run.py

bench-grading: install
	$(PY) benchmarks/grading.py

# The course on JupyterHub (root): deploy/hub/DESIGN.md. hubctl.py needs only Debian's Python.
hub:
	/usr/bin/python3 deploy/hub/hubctl.py setup
	/usr/bin/python3 deploy/hub/hubctl.py start

hub-stop:
	/usr/bin/python3 deploy/hub/hubctl.py stop

hub-teardown:
	/usr/bin/python3 deploy/hub/hubctl.py teardown

test-hub: install
	$(PY) -m pytest -m hub tests/test_hub.py -s

# A fork's Binder links: make binder-links REPO=you/your-fork (every mybinder.org link in the README).
binder-links:
	@test -n "$(REPO)" || { echo "Say which repository: make binder-links REPO=owner/name"; exit 2; }
	sed -i -E 's#(mybinder\.org/v2/gh/)[^/]+/[^/]+/#\1$(REPO)/#g' README.md
	@grep -c "mybinder.org/v2/gh/$(REPO)/" README.md | xargs echo "Binder links now pointing at $(REPO):"

clean-answers:
	find autograder/source -name '*_answers.json' -print -delete

clean:
	rm -rf autograder/release autograder/autograded autograder/feedback autograder/solution autograder/gradebook.db \
	  autograder/.intake autograder/.feedback-staging autograder/reports test-results
