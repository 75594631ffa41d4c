# Two commands on a fresh clone: `make run` (baseline scenario) and `make test` (the test suite).
# `make test-fast` leaves out the tests marked slow; `make screenshots` writes the README's picture of the dashboard;
# `make docs` builds the documentation site into site/.
# Python comes from .python-version through pyenv when it is there, else the first python3.12 found.
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.12 || ls $(HOME)/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | head -n 1 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast screenshots docs setup clean

# setuptools' notice that every editable install gets is a UserWarning: not shown
$(BIN)/sim: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 or newer is needed (see .python-version)"'
	@echo "setting up $(VENV) with $(PYTHON) and the packages of pyproject.toml (once; a minute or two)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@PYTHONWARNINGS=ignore::UserWarning $(BIN)/pip install --quiet -e '.[test]'
	@touch $(BIN)/sim

setup: $(BIN)/sim

run: setup
	$(BIN)/sim run scenarios/baseline.toml
	@echo "the sim command is $(BIN)/sim (or run: source $(BIN)/activate, then sim)"

# two workers (pytest-xdist), one per core; each test file stays on one worker, so its cached runs are made once
test: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-fast: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow"

screenshots: setup
	$(BIN)/python tests/screenshots.py

# the documentation site from docs/ (mkdocs.yml), into site/; --strict: a broken link or page fails the build
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site
	@echo "open site/index.html"

clean:
	rm -rf $(VENV) results site
