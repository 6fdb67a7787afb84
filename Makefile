# Billing vs Coding: the two commands are `make lab` and `make test`; the rest is for instructors.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard autograder/source/[0-9]*))
NBGRADER := cd autograder && ../$(PY) -m nbgrader
# Kernels, nbgrader and JupyterLab all come from the course environment, whatever the caller's PATH says.
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: help install lab app instructor test test-fast release check-release masters data grade report check-my-work demo-class feedback export bench bench-grading hub hub-stop hub-teardown test-hub clean-answers clean

help:
	@echo "make lab        open JupyterLab on the course, as a learner sees it (installs into $(VENV) first if needed)"
	@echo "make app        open the cost explorer as a stand-alone app (Voila, code hidden) on http://localhost:8866"
	@echo "make instructor open JupyterLab on autograder/ with nbgrader's instructor panels (formgrader, Create Assignment)"
	@echo "make test       run every test (installs first if needed)"
	@echo "make release    regenerate course/ from the masters in autograder/source/"
	@echo "make masters    refresh question text from the banks and re-run the masters' outputs"
	@echo "make data       regenerate data/billing/ (seeded), the billable ICD-10-CM list and the ICD-10-CM look-up data"
	@echo "make grade      grade every submission in autograder/submitted/ (sandboxed, in parallel: JOBS=N; report in autograder/reports/)"
	@echo "make report     the class report: score distribution, item difficulty and discrimination, mastery (autograder/reports/)"
	@echo "make check-my-work NB=course/02_billing.ipynb   a self-learner's saved notebook, graded with feedback"
	@echo "make feedback   write feedback HTML for graded submissions (held back if it would show key text)"
	@echo "make export     write autograder/grades.csv"
	@echo "make bench      measure speed and memory (benchmarks/)"
	@echo "make hub        the course on JupyterHub on this machine (root): accounts, PostgreSQL gradebook, exchange; then start"
	@echo "make test-hub   the whole hub cycle end to end (root; throwaway accounts and PostgreSQL; also part of make test)"
	@echo "make bench-grading   grade a synthetic class: stock nbgrader against the course's command"
	@echo "make demo-class a synthetic class to try grading on (10 students x every assignment, in autograder/submitted/)"
	@echo "make install    the environment only (.venv; make lab and make test do it when needed)"
	@echo "make test-fast  the tests without nbgrader runs, notebook runs or a browser (a minute or two)"
	@echo "make check-release   fail if course/ is not what the masters generate"
	@echo "make hub-stop / make hub-teardown   stop the hub / remove everything make hub made (accounts included)"
	@echo "make clean-answers   delete answers files left in the masters' folders; make clean: every grading folder"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	# Pin the notebook kernel to this environment's Python, so it always finds the course package.
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (billcode)" >/dev/null
	touch $(STAMP)

# axe-core for the browser accessibility checks (npm). Without it the axe checks are skipped with a warning
# (and fail under CI=true, where .ci/run installs npm).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js; \
	else echo "npm not found: the browser accessibility checks will be skipped (apt-get install npm)"; fi

install: $(STAMP)

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The learner's view: no instructor panels (jupyter/README.md says which and why).
lab: install
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/learner $(VENV)/bin/jupyter lab $(ROOT_FLAG) course/01_overview.ipynb

# The cost explorer of 04 as a stand-alone app: Voila runs the notebook and shows only its outputs.
app: install
	$(VENV)/bin/voila apps/cost_explorer.ipynb --port=8866 --no-browser

# The instructor's view: every nbgrader panel (formgrader, Create Assignment, course list), on the course root.
instructor: install
	cd autograder && ../$(VENV)/bin/jupyter lab $(ROOT_FLAG)

test: install $(AXE)
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow and not browser"

release: install
	$(PY) -m billcode.instructor.release

check-release: install
	$(PY) -m billcode.instructor.release --check

masters: install
	$(PY) -m billcode.instructor.authoring sync
	$(PY) -m billcode.instructor.authoring execute

data: install
	$(PY) -c "from billcode.billing.synthetic import write_all; write_all()"
	$(PY) -c "from billcode.coding.billable import write_billable_file; write_billable_file()"
	$(PY) -m billcode.coding.build

JOBS ?= 0
grade: install
	$(PY) -m billcode.instructor.autograde --jobs $(JOBS)

report: install
	$(PY) -m billcode.instructor.analytics

# A self-learner's own notebook, graded as an instructor would grade it: make check-my-work NB=course/02_billing.ipynb
NB ?= course/01_overview.ipynb
check-my-work: install
	$(PY) -m billcode.instructor.self_grade $(NB)

# Ten synthetic students (honest, partial, blank, broken) for every assignment, to try make grade and make report on.
demo-class: install
	$(PY) -m billcode.instructor.synthetic --students 10

feedback: install
	$(PY) -m billcode.instructor.feedback

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

clean-answers:
	find autograder/source -name '*_answers.json' -print -delete

clean:
	rm -rf autograder/release autograder/autograded autograder/feedback autograder/solution autograder/gradebook.db \
	  autograder/.intake autograder/.feedback-staging autograder/reports test-results
