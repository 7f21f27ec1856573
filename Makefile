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
# on other files; their book goes to builds/<file name>/, never over the synthetic one.
SYNTHETIC_SURVEY := data/synthetic/frontline_survey.csv
SYNTHETIC_CONVERSATIONS := data/synthetic/survivor_conversations.csv
SURVEY := $(or $(DATA),$(SYNTHETIC_SURVEY))
CONVERSATIONS := $(or $(CONVERSATIONS_DATA),$(SYNTHETIC_CONVERSATIONS))
SEED ?= 20220726
SCALE ?= 1
ROBUSTNESS_SEEDS ?= 200
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Where the robustness replicates run: DASK_SCHEDULER=tcp://host:8786 (a Dask cluster; needs
# the `cluster` extra) or "local" (a local Dask cluster); unset, joblib's processes here.
# DERIVE_WORKERS sets the worker processes (default: this machine's cores).
DASK_SCHEDULER ?=
DERIVE_WORKERS ?=
DERIVE_CLUSTER := $(if $(DERIVE_WORKERS),--jobs $(DERIVE_WORKERS)) $(if $(DASK_SCHEDULER),--dask-scheduler "$(DASK_SCHEDULER)")

ifeq ($(SURVEY)$(CONVERSATIONS),$(SYNTHETIC_SURVEY)$(SYNTHETIC_CONVERSATIONS))
BOOK_SRC := book
DERIVED_DIR := data/derived
else
RUN_DIR := builds/$(notdir $(basename $(SURVEY)))
BOOK_SRC := $(RUN_DIR)/book
DERIVED_DIR := $(RUN_DIR)/derived
endif

BUILD := $(BOOK_SRC)/_build
LOGS := $(BUILD)/logs
HTML_INDEX := $(BUILD)/html/index.html
VALIDATED := $(BUILD)/validated.stamp
DECLARED := $(BUILD)/extra_countries.txt
BYTECODE := $(BUILD)/bytecode.stamp
PKG_SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
REFERENCE := $(wildcard data/reference/*.csv data/reference/*.json)
DATA_INPUTS := $(SURVEY) $(CONVERSATIONS) $(REFERENCE)
NOTEBOOK_PARAMETERS := -p survey_path "$(SURVEY)" -p conversations_path "$(CONVERSATIONS)" \
	-p derived_dir "$(DERIVED_DIR)"
# What every step that reads the data is told: where validated frames are stored for the run's
# notebooks (keyed on the files' bytes and the code, src/survivors_perspectives/frame_store.py,
# so each input is validated once per build), and which countries outside the study the data
# may hold (EXTRA_COUNTRIES="Kenya,Ghana"; any other name must be one of the six).
EXTRA_COUNTRIES ?=
PIPELINE_ENV := SURVIVORS_PERSPECTIVES_FRAMES="$(abspath $(BUILD)/frames)" \
	SURVIVORS_PERSPECTIVES_EXTRA_COUNTRIES="$(EXTRA_COUNTRIES)"
EXECUTE := $(PIPELINE_ENV) $(PY) -m survivors_perspectives.execute --kernel $(KERNEL) --log-dir $(LOGS)

# Country chapters: the list of countries comes from the data, through a generated include
# file, so a new country gets its chapter without code changes (and `make help` needs no venv).
GOALS := $(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))
ifneq ($(filter-out help clean lint format venv data lock validate wheelhouse binder,$(GOALS)),)
-include $(BUILD)/countries.mk $(BUILD)/deps.mk
# The declared countries as a file that changes only when the declaration does, so declaring
# or withdrawing one validates again and re-runs everything that read the data.
$(shell mkdir -p $(BUILD) && { [ -f $(DECLARED) ] && [ "$$(cat $(DECLARED))" = "$(EXTRA_COUNTRIES)" ] \
	|| printf '%s' "$(EXTRA_COUNTRIES)" > $(DECLARED); })
endif
COUNTRY_NOTEBOOKS := $(COUNTRY_SLUGS:%=$(BOOK_SRC)/countries/%.ipynb)
# Every other notebook, notebooks/<part>/<name>.ipynb, becomes $(BOOK_SRC)/<part>/<name>.ipynb.
CHAPTER_SOURCES := $(wildcard notebooks/*/*.ipynb)
CHAPTER_NOTEBOOKS := $(CHAPTER_SOURCES:notebooks/%=$(BOOK_SRC)/%)
# Hand-written pages and configuration (everything in book/ that is not a build product).
BOOK_STATIC := $(shell find book -type f -not -path 'book/_build/*' -not -path 'book/countries/*' \
	-not -path 'book/chapters/*' -not -path 'book/course/*' -not -name '.*')
BOOK_PAGES := $(BOOK_STATIC:book/%=$(BOOK_SRC)/%)
REPORTS_DIR := $(BUILD)/reports
REPORTS_INDEX := $(REPORTS_DIR)/index.html
REPORT_TEMPLATE := $(shell find src/survivors_perspectives/templates/country_report -type f)
DERIVED := $(DERIVED_DIR)/replication.csv $(DERIVED_DIR)/audit.csv $(DERIVED_DIR)/robustness.csv

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
INSTALL := src/survivors_perspectives/install.py
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

# Validation runs before any notebook: a malformed file stops the build with every problem listed.
.PHONY: validate
validate: | $(EDITABLE_STAMP) ## Check the input files (DATA=..., CONVERSATIONS_DATA=...) and list every problem
	$(PIPELINE_ENV) $(PY) -m survivors_perspectives.validate --survey "$(SURVEY)" --conversations "$(CONVERSATIONS)"

# Where Python may not write bytecode (PYTHONDONTWRITEBYTECODE is set on CI), each of a build's
# two dozen processes would compile the package from source again (0.25 s each): compile it
# once per change. Order-only, so a recompiled module re-executes only the notebooks using it.
$(BYTECODE): $(PKG_SRC) | $(EDITABLE_STAMP)
	@mkdir -p $(@D)
	$(PY) -m compileall -q src
	touch $@

$(VALIDATED): $(DATA_INPUTS) $(DECLARED) | $(EDITABLE_STAMP) $(BYTECODE)
	@mkdir -p $(@D)
	$(PIPELINE_ENV) $(PY) -m survivors_perspectives.validate --survey "$(SURVEY)" --conversations "$(CONVERSATIONS)"
	touch $@

$(BUILD)/countries.mk: $(VALIDATED) src/survivors_perspectives/countries.py
	$(PY) -m survivors_perspectives.countries --makefile "$(SURVEY)" > $@

# Which package modules each notebook imports (followed statically through the package), so
# that changing one module re-executes only the notebooks that use it.
$(BUILD)/deps.mk: $(PKG_SRC) $(wildcard notebooks/*.ipynb notebooks/*/*.ipynb) | $(EDITABLE_STAMP)
	@mkdir -p $(@D)
	$(PY) -m survivors_perspectives.notebook_deps --book-src $(BOOK_SRC) --derived $(DERIVED) > $@

.PHONY: book
book: $(HTML_INDEX) $(REPORTS_INDEX) ## Build the whole book (creates the venv if missing); DATA=... for other data
	@echo "Book: $(HTML_INDEX)"
	@echo "Country reports: $(REPORTS_INDEX)"

.PHONY: countries
countries: $(COUNTRY_NOTEBOOKS) ## Execute only the per-country notebooks (papermill)

$(BOOK_SRC)/countries/%.ipynb: notebooks/country_findings.ipynb $(COUNTRY_DEPS) $(VALIDATED)
	$(EXECUTE) $< $@ --title "$(COUNTRY_NAME_$*)" -p country "$(COUNTRY_NAME_$*)" $(NOTEBOOK_PARAMETERS)

# Standalone country reports: nbconvert turns each executed country notebook into one offline
# HTML file (a PDF too where xelatex and pandoc are installed), from the same notebooks as the
# chapters, so their numbers are the book's.
.PHONY: reports
reports: $(REPORTS_INDEX) ## Write one standalone HTML report per country into book/_build/reports
	@echo "Country reports: $(REPORTS_INDEX)"

$(REPORTS_INDEX): $(COUNTRY_NOTEBOOKS) $(REPORT_DEPS) $(REPORT_TEMPLATE) CITATION.cff | $(EDITABLE_STAMP)
	$(PY) -m survivors_perspectives.reports --executed-dir $(BOOK_SRC)/countries --out $(REPORTS_DIR)

# Derived tables: the replication table, the audit of the report's numbers, and the robustness
# runs over generator seeds (cached on their inputs, so unchanged inputs cost nothing).
$(DERIVED) &: $(DERIVE_DEPS) $(VALIDATED)
	$(PIPELINE_ENV) $(PY) -m survivors_perspectives.derive --survey "$(SURVEY)" --conversations "$(CONVERSATIONS)" \
		--out $(DERIVED_DIR) --seeds $(ROBUSTNESS_SEEDS) $(DERIVE_CLUSTER)

# Each notebook's package modules (and, for those that read them, the derived tables) are
# added as prerequisites by $(BUILD)/deps.mk.
$(BOOK_SRC)/%.ipynb: notebooks/%.ipynb $(VALIDATED)
	$(EXECUTE) $< $@ $(NOTEBOOK_PARAMETERS)

ifneq ($(BOOK_SRC),book)
$(BOOK_PAGES): $(BOOK_SRC)/%: book/%
	@mkdir -p $(@D)
	cp $< $@
endif

# Built into a staging folder and swapped in only on success: a failed build keeps the last good book.
# The derived tables come first so that, when stale, the longest job starts at once rather than
# after the country chapters, and the chapters reading them do not end up last.
$(HTML_INDEX): $(DERIVED) $(BOOK_PAGES) $(COUNTRY_NOTEBOOKS) $(CHAPTER_NOTEBOOKS) $(BOOK_BUILD_DEPS) | $(EDITABLE_STAMP)
	$(PY) -m survivors_perspectives.build_book $(BOOK_SRC) --build-dir $(BUILD) \
		--survey "$(SURVEY)" --conversations "$(CONVERSATIONS)"

# ---------------------------------------------------------------------------------------------
.PHONY: data
data: | $(EDITABLE_STAMP) ## Regenerate the synthetic data in data/synthetic from SEED
	$(PY) -m survivors_perspectives.synth --seed $(SEED) --scale $(SCALE) --out data/synthetic
	$(PY) -m survivors_perspectives.conversations.synth --seed $(SEED) --out data/synthetic

.PHONY: test
test: ## Build the book (in parallel), then run the linters and the test suite
	$(MAKE) -j$(JOBS) book
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

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

# JupyterLab at the repository root with the project's kernel as the default; the derived
# tables the course notebooks read are made first (the notebooks also make them if missing).
.PHONY: lab
lab: $(DERIVED) | $(EDITABLE_STAMP) ## Open JupyterLab at the repository root with the project's kernel
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--MultiKernelManager.default_kernel_name=$(KERNEL) $(LAB_OPTIONS)

.PHONY: binder
binder: | $(EDITABLE_STAMP) ## Print the Binder launch link (from repository-code in CITATION.cff)
	@$(PY) -m survivors_perspectives.binder

# An offline install: every locked package (and the pinned build backend, and this project)
# as wheels for WHEEL_PLATFORM and WHEEL_PYTHON, with their hashes, to carry into a room
# without network and install there with `make venv WHEELHOUSE=<folder>`.
.PHONY: wheelhouse
wheelhouse: ## Gather every locked package into WHEELHOUSE (default wheelhouse/) for WHEEL_PLATFORM, WHEEL_PYTHON
	$(PYTHON) $(INSTALL) gather --lock requirements.lock --out "$(or $(WHEELHOUSE),wheelhouse)" \
		--platform $(WHEEL_PLATFORM) --python $(WHEEL_PYTHON) --project .

.PHONY: lock
# Resolved by the oldest supported Python (LOCK_PYTHON, Debian 12's python3 3.11.2 where it
# has pip-tools), so that no pin needs a newer one.
LOCK_PYTHON ?= $(PY)
lock: | $(EDITABLE_STAMP) ## Re-resolve requirements.lock from pyproject.toml (needs the package registry)
	$(LOCK_PYTHON) -m piptools compile --quiet --extra test --extra dev --extra cluster --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml
	$(PY) -m survivors_perspectives.environment --write

.PHONY: clean
clean: ## Remove build products (executed notebooks, the built book, builds/); keeps .venv and data
	rm -rf book/_build book/countries book/chapters book/course data/derived builds wheelhouse
