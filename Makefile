# Two commands on a fresh machine: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
CHROMIUM := /usr/bin/chromium

# Deterministic notebooks: fixed hash seed, inline figures, the venv first on PATH.
export PYTHONHASHSEED := 0
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
unexport MPLBACKEND

.PHONY: all venv book execute test lint unit nbval nbval-portable stories build-check browser chromium export bench bench-large clean

all: book

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## book: build the HTML book into _build/html from the committed notebook outputs
book: $(STAMP)
	@$(BIN)/python -m newslens.book check
	$(BIN)/jupyter-book build . -W -n --keep-going

## execute: re-run every chapter in place (outputs are committed and checked by nbval), report every failing
## cell at once, and stamp the outputs when all succeed. With DATA=folder: assemble a separate book for that story
## in OUT (default _stories/<name of the folder>), execute it there and build it; the committed book is untouched.
DATA ?=
OUT ?= _stories/$(notdir $(abspath $(DATA)))
execute: $(STAMP)
ifeq ($(strip $(DATA)),)
	$(BIN)/python -m newslens.book execute
else
	$(BIN)/python -m newslens.book story --data "$(DATA)" --out "$(OUT)"
	$(BIN)/jupyter-book build "$(OUT)" -W -n --keep-going
	@echo "newslens: the book for $(DATA) is in $(OUT)/_build/html/index.html"
endif

## export: write every table of the book as CSV into export/
export: $(STAMP)
	$(BIN)/python -m newslens export --out export

## bench: time the pipeline (1k and 10k synthetic articles; 10k again on 2 worker processes, BENCH_WORKERS=0 skips it)
## and the book against their floors;
## writes benchmarks/RESULTS.md. Not part of `make test`; takes a few minutes.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## bench-large: the Parquet export of 100,000 synthetic articles on 2 worker processes, once (up to 30 minutes);
## writes the "100,000 articles" section of benchmarks/RESULTS.md (wall time, peak memory of all processes)
bench-large: $(STAMP)
	$(BIN)/python benchmarks/large.py --articles 100000 --workers 2

## test: unit tests, strict nbval (under several OpenBLAS kernels), a clean -W -n book build (no stale pages hiding warnings) and the browser test
test: $(STAMP) chromium
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory nbval
	$(MAKE) --no-print-directory nbval-portable
	rm -rf _build
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory browser
	$(MAKE) --no-print-directory stories

## lint: ruff on the package, the tests and the benchmarks; nbqa runs ruff on the chapters' code
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/nbqa ruff chapters

unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not stories" tests

## stories: the whole book executed and built (-W) on two other data folders, then checked for seed names:
## the synthetic story (tests/fixtures/synthetic_story) and a generated corpus of about 40 captures
stories: $(STAMP)
	$(MAKE) --no-print-directory execute DATA=tests/fixtures/synthetic_story OUT=_stories/synthetic
	rm -rf _stories/large-data
	$(BIN)/python tests/fixtures/make_large_story.py _stories/large-data
	$(MAKE) --no-print-directory execute DATA=_stories/large-data OUT=_stories/large
	$(BIN)/python -m pytest -q -m stories tests

NBVAL = $(BIN)/python -m pytest -q --nbval --nbval-current-env -p no:randomly $(NOTEBOOKS)

## nbval: strict nbval (outputs compared byte for byte) under this machine's OpenBLAS kernel
nbval: $(STAMP)
	$(NBVAL)

## nbval-portable: strict nbval again under other OpenBLAS kernels and one thread: the outputs must not
## depend on the CPU (Haswell only where the CPU has AVX2, which that kernel needs)
nbval-portable: $(STAMP)
	OPENBLAS_CORETYPE=Prescott $(NBVAL)
	OPENBLAS_NUM_THREADS=1 $(NBVAL)
	@if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then \
	  echo "OPENBLAS_CORETYPE=Haswell"; OPENBLAS_CORETYPE=Haswell $(NBVAL); \
	else echo "no AVX2 on this CPU: the Haswell kernel run is skipped"; fi

## node_modules: axe-core for the browser test, at the version pinned in package-lock.json
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

browser: $(STAMP) chromium $(NODE_STAMP)
	$(BIN)/python -m pytest -q -m browser tests

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's chromium for the browser test"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	fi

clean:
	rm -rf _build export _stories
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
