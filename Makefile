# charterpress: `make build` and `make test` are all the set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: build test fuzz lint format check schema bench clean system system-test golden pins

# The package's bytecode is written ahead (compileall writes it even where the environment sets
# PYTHONDONTWRITEBYTECODE, as this machine does): every charterpress process would otherwise
# compile the modules it imports anew (about 0.2 s of a whole command; a rebuild with nothing
# changed takes 0.15 s). An edited module's stale bytecode is ignored, never run.
COMPILE := $(BIN)/python -m compileall -q builder

build: $(VENV)/.installed system  ## make .venv, install, build every charter into dist/
	@$(COMPILE)
	$(BIN)/charterpress build

# The suite runs on TEST_JOBS processes (pytest-xdist), a test file to a process: files share
# their session's builds (support.products_of), so splitting by file builds each charter least.
# Two processes on two cores: three were measured slower (777 s against 672 s; 23 min of CPU
# against 19: each process warms its own caches, and the cores were already busy).
# --no-loadscope-reorder: xdist (3.5+) would otherwise hand out the files with the most tests first,
# undoing conftest's LONGEST_FIRST (the one-test sub-pytest of test_any_charter.py then ran last).
TEST_JOBS ?= 2

test: $(VENV)/.installed-test system-test  ## same set-up plus test extras, run pytest
	@$(COMPILE)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder --durations=15

fuzz: $(VENV)/.installed-test system-test  ## property tests: 300 generated charters, 3000 mutated sources (slow; CI runs 30 and 150)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q --hypothesis-show-statistics tests/test_properties.py tests/commands/test_mutations.py

check: $(VENV)/.installed  ## validate every source
	$(BIN)/charterpress check

lint: $(VENV)/.installed-dev  ## ruff: lint and formatting check
	$(BIN)/ruff check builder tests bench
	$(BIN)/ruff format --check builder tests bench

format: $(VENV)/.installed-dev
	$(BIN)/ruff format builder tests bench
	$(BIN)/ruff check --fix builder tests bench

schema: $(VENV)/.installed  ## regenerate sources/charter.schema.json from the model
	$(BIN)/python -c "from charterpress.source.schema import json_schema_text; open('sources/charter.schema.json','w',encoding='utf-8').write(json_schema_text())"

golden: $(VENV)/.installed-test system  ## regenerate the visual-regression references (tests/golden/): look at them
	$(BIN)/python tests/golden.py

bench: $(VENV)/.installed system  ## measure the build on this machine: bench/results.json + a table
	@$(COMPILE)
	$(BIN)/python bench/bench.py

# The lowest versions the pins in pyproject.toml allow for the libraries whose private APIs or
# object model we lean on (WeasyPrint's layout tree; pypdf's writer); `make test` runs the newest.
LOWEST := weasyprint==70.0 pypdf==5.0.0
PIN_TESTS := tests/test_packaging.py tests/prepress/test_sheets.py tests/prepress/test_impose.py tests/prepress/test_print.py tests/products/booklet/test_booklet.py tests/layout/test_proof.py tests/output/test_outputs.py

pins: system-test  ## run the tests that lean on WeasyPrint and pypdf with the lowest pinned versions (.venv-pins)
	@test -x .venv-pins/bin/python || $(PYTHON) -m venv .venv-pins
	.venv-pins/bin/python -m pip --disable-pip-version-check -q install -e '.[test]' $(LOWEST)
	.venv-pins/bin/python -m pytest -q $(PIN_TESTS)

clean:
	rm -rf dist .pytest_cache .ruff_cache

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "make: charterpress needs Python 3.10 or newer ($(PYTHON) is older)" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
	  { echo "make: cannot create a virtual environment: install Debian's python3-venv" >&2; exit 1; }
	@touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-test
	$(PIP) install -e '.[dev]'
	@touch $@

# System packages. Pango is what WeasyPrint lays text out with; HarfBuzz's subsetter makes font
# subsetting native (2.5-5x faster than WeasyPrint's fontTools fallback): both are required.
# The tests also need qpdf (`qpdf --check` on every PDF) and Ghostscript (ink of the print files,
# rendered in CMYK); ArgyllCMS's colprof rebuilds the output-intent profile (skipped without). Chromium (Debian's `chromium`) runs the
# browser tests of dist/index.html and of the HTML edition (with the vendored axe-core), skipped,
# with a clear reason, where it is missing; epubcheck (Debian's, on Java) checks the EPUB likewise.
# poppler-utils: pdftotext reads the screen booklets' text layer as PDF readers do (test_text_layer),
# and pdftoppm renders every PDF the tests build: a second renderer's syntax errors fail them.
APT_BUILD := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
APT_TEST  := qpdf chromium ghostscript argyll poppler-utils epubcheck

system:
	@ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || { \
	  echo "make: missing system package Pango (WeasyPrint needs it)." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install $(APT_BUILD)" >&2; exit 1; }
	@ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || { \
	  echo "make: missing system package libharfbuzz-subset0 (HarfBuzz's font subsetter; without it" >&2; \
	  echo "      builds are 2.5-5x slower)." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install libharfbuzz-subset0" >&2; exit 1; }

system-test: system
	@command -v qpdf >/dev/null || { \
	  echo "make: missing system package qpdf (the tests check every PDF with it)." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install $(APT_TEST)" >&2; exit 1; }
	@command -v gs >/dev/null || { \
	  echo "make: missing system package ghostscript (the tests measure the print files' ink with it)." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install ghostscript" >&2; exit 1; }
	@command -v colprof >/dev/null || { \
	  echo "make: note: ArgyllCMS is not installed; the test that rebuilds assets/icc/FOGRA39L-coated.icc is skipped." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install argyll" >&2; }
	@command -v pdftotext >/dev/null || { \
	  echo "make: missing system package poppler-utils (the tests read the booklets' text layer with pdftotext and render every PDF with pdftoppm)." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install poppler-utils" >&2; exit 1; }
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "make: note: Chromium is not installed; the browser test of dist/index.html is skipped." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install chromium" >&2; }
	@command -v epubcheck >/dev/null && command -v java >/dev/null || { \
	  echo "make: note: epubcheck (with Java) is not installed; the EPUB check of tests/products/booklet/test_edition.py is skipped." >&2; \
	  echo "      Debian/Ubuntu: sudo apt-get install epubcheck" >&2; }
