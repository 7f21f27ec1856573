# Survivors' Perspectives, reproducible: one command from a fresh clone to the book.
#
# Data flow: data/reference (published figures) -> data/synthetic (generator output, committed)
# -> validated frame -> analyses in src/ -> executed notebooks -> book/_build/html.
# make decides what is stale from file timestamps, so a second run with nothing changed does
# nothing and never starts Jupyter Book.

.DEFAULT_GOAL := help
# GNU make 4.3 or newer (grouped targets, `&:`, below): an older make (macOS ships 3.81) would
# read `&` as a target name and run the derived-tables recipe once per table. Stop first.
ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make $(MAKE_VERSION) found; needed: GNU make 4.3 or newer; install it (macOS: `brew install make`, then run `gmake`))
endif
.DELETE_ON_ERROR:
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --no-builtin-rules --no-print-directory

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
EDITABLE_STAMP := $(VENV)/.editable
KERNEL := survivors-perspectives

# ---------------------------------------------------------------------------------------------
# Inputs. `make book DATA=survey.csv CONVERSATIONS_DATA=conversations.csv` runs the pipeline
# on other files; their book goes to builds/<name>-<hash of the paths>/, never over the
# synthetic one. The file names and EXTRA_COUNTRIES never enter make or shell text: they go,
# unexpanded, through the environment to survivors_perspectives.build.build_inputs, which refuses
# an unusable name in one line, takes the build folder's lock, copies the files under safe
# names into the build folder, and runs the real build (SP_LOCKED=1) with only those names.
SEED ?= 20220726
SCALE ?= 1
ROBUSTNESS_SEEDS ?= 200
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Where the robustness replicates run (cluster.py): DASK_SCHEDULER=tcp://host:8786 (a Dask
# cluster; the `cluster` extra) or "local"; DERIVE_WORKERS=n worker processes (default: this
# machine's cores). Both reach derive through the environment, never through shell text.
export DASK_SCHEDULER
export DERIVE_WORKERS
# Seconds a second build of the same data waits for the first (empty: as long as it takes).
LOCK_TIMEOUT ?=
export SURVIVORS_PERSPECTIVES_DATA := $(value DATA)
export SURVIVORS_PERSPECTIVES_CONVERSATIONS_DATA := $(value CONVERSATIONS_DATA)
export SURVIVORS_PERSPECTIVES_DECLARED := $(value EXTRA_COUNTRIES)
export SURVIVORS_PERSPECTIVES_TWIN_THRESHOLDS := $(value TWIN_THRESHOLDS)
unexport DATA CONVERSATIONS_DATA EXTRA_COUNTRIES TWIN_THRESHOLDS
DATA_GOALS := book countries reports validate twin
GOALS := $(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))

ifndef SP_LOCKED
.PHONY: $(DATA_GOALS)
$(DATA_GOALS): | $(EDITABLE_STAMP)
	@$(PY) -m survivors_perspectives.build.build_inputs $(if $(LOCK_TIMEOUT),--timeout $(LOCK_TIMEOUT)) \
		-- $(MAKE) $@
else
# From here on, inside the locked build: every name below is made of [A-Za-z0-9._/-].
SURVEY := $(SP_SURVEY)
CONVERSATIONS := $(SP_CONVERSATIONS)
BOOK_SRC := $(SP_BOOK_SRC)
DERIVED_DIR := $(SP_DERIVED_DIR)

BUILD := $(BOOK_SRC)/_build
LOGS := $(BUILD)/logs
HTML_INDEX := $(BUILD)/html/index.html
VALIDATED := $(BUILD)/validated.stamp
# The inputs' SHA-256 (data, reference files, declared countries), rewritten by build_inputs
# only when one changes: what validation, and so everything after it, is rebuilt from.
INPUT_STAMP := $(BUILD)/inputs.sha256
BYTECODE := $(BUILD)/bytecode.stamp
PKG_SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
NOTEBOOK_PARAMETERS := -p survey_path $(SURVEY) -p conversations_path $(CONVERSATIONS) \
	-p derived_dir $(DERIVED_DIR)
# What every step that reads the data is told: where validated frames are stored for the run's
# notebooks (keyed on the files' bytes and the code, src/survivors_perspectives/frame_store.py,
# so each input is validated once per build). The declared countries outside the study
# (EXTRA_COUNTRIES="Kenya,Ghana") reach them in the environment, set by build_inputs.
PIPELINE_ENV := SURVIVORS_PERSPECTIVES_FRAMES="$(abspath $(BUILD)/frames)"
EXECUTE := $(PIPELINE_ENV) $(PY) -m survivors_perspectives.build.execute --kernel $(KERNEL) --log-dir $(LOGS)

# Country chapters: the list of countries comes from the data, through a generated include
# file, so a new country gets its chapter without code changes.
ifneq ($(filter-out validate,$(GOALS)),)
-include $(BUILD)/countries.mk $(BUILD)/deps.mk
endif
COUNTRY_NOTEBOOKS := $(COUNTRY_SLUGS:%=$(BOOK_SRC)/countries/%.ipynb)
# Every other notebook, notebooks/<part>/<name>.ipynb, becomes $(BOOK_SRC)/<part>/<name>.ipynb.
CHAPTER_SOURCES := $(wildcard notebooks/*/*.ipynb)
CHAPTER_NOTEBOOKS := $(CHAPTER_SOURCES:notebooks/%=$(BOOK_SRC)/%)
# Hand-written pages and configuration (everything in book/ that is not a build product).
BOOK_STATIC := $(shell find book -type f -not -path 'book/_build/*' -not -path 'book/countries/*' \
	-not -path 'book/chapters/*' -not -path 'book/course/*' -not -path '*/__pycache__/*' -not -name '.*')
BOOK_PAGES := $(BOOK_STATIC:book/%=$(BOOK_SRC)/%)
REPORTS_INDEX := $(BUILD)/reports/index.html
REPORT_TEMPLATE := $(shell find src/survivors_perspectives/build/templates/country_report -type f)
DERIVED := $(DERIVED_DIR)/replication.csv $(DERIVED_DIR)/audit.csv $(DERIVED_DIR)/robustness.csv \
	$(DERIVED_DIR)/plausibility.csv
# A failed derive writes nothing (derive.py replaces the tables only when all are computed):
# make must not delete the last good ones either. Nor, on Ctrl-C just after the swap, the
# new book's index.html (the target is reached through the swapped symlink).
.PRECIOUS: $(DERIVED) $(HTML_INDEX)
endif

# ---------------------------------------------------------------------------------------------
.PHONY: help
help: ## Show this list of targets
	@echo "Survivors' Perspectives, reproducible"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: DATA=<survey.csv> CONVERSATIONS_DATA=<conversations.csv> SEED=$(SEED) SCALE=$(SCALE)"
	@echo "           ROBUSTNESS_SEEDS=$(ROBUSTNESS_SEEDS) EXTRA_COUNTRIES=<names outside the study, comma-separated>"
	@echo "           DASK_SCHEDULER=<tcp://host:8786 or local> DERIVE_WORKERS=<processes> PYTHON=$(PYTHON)"
	@echo "           WHEELHOUSE=<folder> WHEEL_PLATFORM=$(WHEEL_PLATFORM) WHEEL_PYTHON=$(WHEEL_PYTHON)"

.PHONY: venv
venv: $(EDITABLE_STAMP) ## Create .venv from requirements.lock and register its Jupyter kernel

# The venv is (re)built when missing or older than the lock. With WHEELHOUSE=<folder> (see
# `make wheelhouse`) every package comes from that folder alone, checked against its hashes:
# the way in for a machine without network.
WHEELHOUSE ?=
WHEEL_PLATFORM ?= manylinux_2_28_x86_64
WHEEL_PYTHON ?= 3.11
INSTALL := src/survivors_perspectives/build/install.py
PIP_SOURCE := $(if $(WHEELHOUSE),--no-index --find-links "$(WHEELHOUSE)" --require-hashes -r "$(WHEELHOUSE)/requirements.txt",-r requirements.lock)
PIP_PROJECT_SOURCE := $(if $(WHEELHOUSE),--no-index --find-links "$(WHEELHOUSE)")

$(VENV_STAMP): requirements.lock
	@command -v $(PYTHON) > /dev/null || { echo "error: $(PYTHON) not found; needed: CPython 3.11 (3.11.2 or later); run \`make venv PYTHON=/path/to/python3.11\`" >&2; exit 1; }
	@$(PYTHON) $(INSTALL) check-python
	$(if $(WHEELHOUSE),@$(PYTHON) $(INSTALL) check-wheelhouse "$(WHEELHOUSE)" --lock requirements.lock)
	@echo "Creating $(VENV) from $(or $(WHEELHOUSE),requirements.lock) (about a minute; log in $(VENV)/install.log)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check $(PIP_SOURCE) > $(VENV)/install.log 2>&1 \
		|| { tail -n 30 $(VENV)/install.log; exit 1; }
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (survivors-perspectives)" > /dev/null
	touch $@

$(EDITABLE_STAMP): $(VENV_STAMP) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check $(PIP_PROJECT_SOURCE) --no-deps -e . >> $(VENV)/install.log 2>&1 \
		|| { tail -n 30 $(VENV)/install.log; exit 1; }
	touch $@

ifdef SP_LOCKED
# Validation runs before any notebook: a malformed file stops the build with every problem listed.
# build_inputs runs it before this make starts whenever the inputs changed; the rule below is
# for a stamp removed by hand.
.PHONY: validate
validate: $(VALIDATED) ## Check the input files (DATA=..., CONVERSATIONS_DATA=...) and list every problem
	@:

# Where Python may not write bytecode (PYTHONDONTWRITEBYTECODE is set on CI), each of a build's
# two dozen processes would compile the package from source again (0.25 s each): compile it
# once per change. Order-only, so a recompiled module re-executes only the notebooks using it.
$(BYTECODE): $(PKG_SRC) | $(EDITABLE_STAMP)
	@mkdir -p $(@D)
	$(PY) -m compileall -q src
	touch $@

$(VALIDATED): $(INPUT_STAMP) | $(EDITABLE_STAMP) $(BYTECODE)
	@mkdir -p $(@D)
	$(PIPELINE_ENV) $(PY) -m survivors_perspectives.validate --survey $(SURVEY) --conversations $(CONVERSATIONS)
	touch $@

$(BUILD)/countries.mk: $(VALIDATED) src/survivors_perspectives/countries.py
	$(PY) -m survivors_perspectives.countries --makefile $(SURVEY) > $@

# Which package modules each notebook imports (followed statically through the package), so
# that changing one module re-executes only the notebooks that use it.
$(BUILD)/deps.mk: $(PKG_SRC) $(wildcard notebooks/*.ipynb notebooks/*/*.ipynb) | $(EDITABLE_STAMP)
	@mkdir -p $(@D)
	$(PY) -m survivors_perspectives.notebook_deps --book-src $(BOOK_SRC) --derived $(DERIVED) > $@

.PHONY: book
book: $(HTML_INDEX) ## Build the whole book (creates the venv if missing); DATA=... for other data
	@echo "Book: $(HTML_INDEX)"
	@echo "Country reports: $(REPORTS_INDEX)"

.PHONY: countries
countries: $(COUNTRY_NOTEBOOKS) ## Execute only the per-country notebooks (papermill)

$(BOOK_SRC)/countries/%.ipynb: notebooks/country_findings.ipynb $(COUNTRY_DEPS) $(VALIDATED)
	$(EXECUTE) $< $@ --title $(COUNTRY_NAME_$*) -p country $(COUNTRY_NAME_$*) $(NOTEBOOK_PARAMETERS)

# Standalone country reports: nbconvert turns each executed country notebook into one offline
# HTML file (a PDF too, printed from it, where headless Chromium is found), from the same
# notebooks as the chapters, so their numbers are the book's. They are made with the book and
# swapped in with it, and copied beside the book's pages in html/reports.
.PHONY: reports
reports: $(HTML_INDEX) ## Write one standalone HTML report per country into book/_build/reports
	@echo "Country reports: $(REPORTS_INDEX)"

# Derived tables: the replication table, the audit of the report's numbers, and the robustness
# runs over generator seeds (cached on their inputs, so unchanged inputs cost nothing).
$(DERIVED) &: $(DERIVE_DEPS) $(VALIDATED)
	$(PIPELINE_ENV) $(PY) -m survivors_perspectives.build.derive --survey $(SURVEY) --conversations $(CONVERSATIONS) \
		--out $(DERIVED_DIR) --seeds $(ROBUSTNESS_SEEDS)

# Each notebook's package modules (and, for those that read them, the derived tables) are
# added as prerequisites by $(BUILD)/deps.mk.
$(BOOK_SRC)/%.ipynb: notebooks/%.ipynb $(VALIDATED)
	$(EXECUTE) $< $@ $(NOTEBOOK_PARAMETERS)

ifneq ($(BOOK_SRC),book)
$(BOOK_PAGES): $(BOOK_SRC)/%: book/%
	@mkdir -p $(@D)
	cp $< $@
endif

# The HTML, the standalone reports and a copy of the derived tables are built into a staging
# folder and swapped in together by one rename (build_book.py): a failed or interrupted build
# keeps the last good book. Chapters of countries no longer in the data are left out.
# The derived tables come first so that, when stale, the longest job starts at once rather than
# after the country chapters, and the chapters reading them do not end up last.
$(HTML_INDEX): $(DERIVED) $(BOOK_PAGES) $(COUNTRY_NOTEBOOKS) $(CHAPTER_NOTEBOOKS) $(BOOK_BUILD_DEPS) \
		$(REPORT_TEMPLATE) CITATION.cff | $(EDITABLE_STAMP)
	$(PY) -m survivors_perspectives.build.build_book $(BOOK_SRC) --build-dir $(BUILD) \
		--survey $(SURVEY) --conversations $(CONVERSATIONS) --derived $(DERIVED_DIR) \
		--countries $(COUNTRY_SLUGS)

# A synthetic twin of the real data, made inside the secure room: fitted to DATA and
# CONVERSATIONS_DATA, measured, and written to $(TWIN_DIR)/release only if it passes the release
# gate (src/survivors_perspectives/twin/gate.py; TWIN_THRESHOLDS=<csv> tightens it). The real-data
# book's release page shows the assessment once this has run. Like the book, it runs inside the
# locked build on the safe copies of the inputs (build_inputs), beside the run's book folder.
TWIN_DIR := $(if $(filter book,$(BOOK_SRC)),builds/synthetic,$(patsubst %/book,%,$(BOOK_SRC)))/twin
.PHONY: twin
twin: $(VALIDATED) ## Fit, measure and (if it passes the gate) release a twin of DATA=... CONVERSATIONS_DATA=...
	$(PIPELINE_ENV) $(PY) -m survivors_perspectives.twin --survey $(SURVEY) \
		--conversations $(CONVERSATIONS) --out $(TWIN_DIR) --seed "$(SEED)" \
		$${SURVIVORS_PERSPECTIVES_TWIN_THRESHOLDS:+--thresholds "$$SURVIVORS_PERSPECTIVES_TWIN_THRESHOLDS"}

$(BOOK_SRC)/chapters/twin_release.ipynb: NOTEBOOK_PARAMETERS += -p twin_dir $(TWIN_DIR)
$(BOOK_SRC)/chapters/twin_release.ipynb: $(wildcard $(TWIN_DIR)/assessment/summary.json)
endif

# ---------------------------------------------------------------------------------------------
.PHONY: data
data: | $(EDITABLE_STAMP) ## Regenerate the synthetic data in data/synthetic from SEED
	$(PY) -m survivors_perspectives.synth --seed $(SEED) --scale $(SCALE) --out data/synthetic
	$(PY) -m survivors_perspectives.conversations.synth --seed $(SEED) --out data/synthetic

# SP_BOOK_REQUIRED=1: the tests reading the book fail, never skip, if it is missing (conftest.py).
# PYTEST_OPTIONS is empty for `make test` (what CI runs): every test, the slow ones too.
PYTEST_OPTIONS :=
.PHONY: test
test: ## Build the book (in parallel), then run the linters and the test suite
	$(MAKE) -j$(JOBS) book
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SP_BOOK_REQUIRED=1 $(PY) -m pytest $(PYTEST_OPTIONS)

.PHONY: test-fast
test-fast: PYTEST_OPTIONS := -m "not slow"
test-fast: test ## The same without the tests marked slow (other data's builds, notebook runs)

.PHONY: bench
bench: | $(EDITABLE_STAMP) ## Time cold, no-op, one-country and parallel builds (medians)
	$(PY) benchmarks/bench_build.py

.PHONY: lint
lint: | $(EDITABLE_STAMP) ## Check code style (ruff) without changing files
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: format
format: | $(EDITABLE_STAMP) ## Fix code style in place (ruff)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# JupyterLab at the repository root with the project's kernel as the default; a notebook that
# reads the derived tables makes them first when they are missing (notebook_inputs.py).
.PHONY: lab
# Jupyter refuses to start as root unless told: containers (Binder's build, CI) often are root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: | $(EDITABLE_STAMP) ## Open JupyterLab at the repository root with the project's kernel
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--MultiKernelManager.default_kernel_name=$(KERNEL) $(LAB_ROOT) $(LAB_OPTIONS)

.PHONY: binder
binder: | $(EDITABLE_STAMP) ## Print the Binder launch link (from repository-code in CITATION.cff)
	@$(PY) -m survivors_perspectives.build.binder

# An offline install: every locked package (and the pinned build backend, and this project)
# as wheels for WHEEL_PLATFORM and WHEEL_PYTHON, with their hashes, to carry into a room
# without network and install there with `make venv WHEELHOUSE=<folder>`.
.PHONY: wheelhouse
wheelhouse: ## Gather every locked package into WHEELHOUSE (default wheelhouse/) for WHEEL_PLATFORM, WHEEL_PYTHON
	$(PYTHON) $(INSTALL) gather --lock requirements.lock --out "$(or $(WHEELHOUSE),wheelhouse)" \
		--platform $(WHEEL_PLATFORM) --python $(WHEEL_PYTHON) --project .

# Resolved by the oldest supported Python (LOCK_PYTHON, Debian 12's python3 3.11.2 where it
# has pip-tools), so that no pin needs a newer one.
LOCK_PYTHON ?= $(PY)
.PHONY: lock
lock: | $(EDITABLE_STAMP) ## Re-resolve requirements.lock from pyproject.toml (needs the package registry)
	$(LOCK_PYTHON) -m piptools compile --quiet --extra test --extra dev --extra cluster --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml
	$(PY) -m survivors_perspectives.build.environment --write

.PHONY: clean
clean: ## Remove build products (executed notebooks, the built book, builds/); keeps .venv and data
	rm -rf book/_build book/countries book/chapters book/course data/derived builds wheelhouse
