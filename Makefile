# Two commands do everything on a fresh machine:
#   make demo   set up, index seeds/ into index/, run an example query
#   make test   set up, run the whole test suite (what CI runs, via .ci/run, after make lint)
#   make lint   ruff (lint and format check), mypy on minsearch/, import layering
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export MINSEARCH_DATA ?= $(abspath ../shared/data)

.PHONY: setup demo lint test test-fast browser bench bench-smoke serve clean

setup: $(STAMP)

# torch is installed first and pinned: an unpinned torch (or one pulled in by
# sentence-transformers) resolves to a CUDA build of several GB.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python scripts/check_env.py
	touch $(STAMP)

demo: setup
	$(BIN)/minsearch index seeds/ --index index
	$(BIN)/minsearch query "dental checks" --index index --limit 5

# Debian's Chromium for the real-browser tests (Playwright drives it; no browser download).
# apt runs only when chromium is missing and apt can install it (root); a user without root
# who lacks chromium is told, and the browser tests skip.
browser:
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else echo "make browser: chromium is missing and cannot be installed without root (apt-get install chromium);" \
		"the browser tests will be skipped" >&2; fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup browser
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: setup
	$(BIN)/python -m benchmarks.run --data $(MINSEARCH_DATA)
	$(BIN)/python -m benchmarks.load

bench-smoke: setup
	$(BIN)/python -m benchmarks.run --smoke --data $(MINSEARCH_DATA)
	$(BIN)/python -m benchmarks.load --smoke

serve: setup
	$(BIN)/minsearch serve --index index

clean:
	rm -rf $(VENV) build *.egg-info
