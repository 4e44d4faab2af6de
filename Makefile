# Parla: the two commands of the README, and a few more.
#   make run   installs what is missing, then starts the server dashboard and one client
#   make test  installs what is missing, then runs every check headless
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.parla-installed

.PHONY: run test lint typecheck pytest deps clean qm translations package install-desktop icons

# A second run finds the stamp newer than what it depends on and installs nothing.
$(STAMP): pyproject.toml packaging/system-deps.sh
	@bash packaging/system-deps.sh
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Parla needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

deps: $(STAMP)

# The compiled translations: built from the committed .ts sources, never committed.
# English has one too: the plural forms ("1 user", "3 users") live there.
I18N := resources/translations
QM := $(I18N)/parla_it.qm $(I18N)/parla_en.qm

$(I18N)/%.qm: $(I18N)/%.ts | $(STAMP)
	@$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

qm: $(QM)

# Refresh the .ts from the code (pyside6-lupdate); then translate what it lists.
translations: $(STAMP)
	$(PY) packaging/translations.py

run: $(STAMP) $(QM)
	@$(PY) packaging/run_suite.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# --- packaging: README "Packaging" ------------------------------------------------------
PKG_STAMP := $(VENV)/.parla-package-installed
DIST := $(if $(ONEFILE),dist/onefile,dist)

$(PKG_STAMP): $(STAMP)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,package]'
	@touch $(PKG_STAMP)

# Both programs as PyInstaller one-folder builds, dist/chat-server/chat-server and
# dist/chat-client/chat-client (ONEFILE=1: single files in dist/onefile/); then their
# sizes, and each one run on a virtual screen (packaging/check_package.py).
package: $(PKG_STAMP) $(QM)
	@for app in chat-server chat-client; do \
		echo "Building $$app ($(if $(ONEFILE),one file,one folder))..."; \
		PARLA_ONEFILE=$(if $(ONEFILE),1,0) $(VENV)/bin/pyinstaller --noconfirm --log-level WARN \
			--distpath $(DIST) --workpath build/pyinstaller packaging/$$app.spec || exit 1; \
	done
	@$(PY) packaging/check_package.py --dist $(DIST) $(if $(ONEFILE),--onefile)

# The icons' PNG set, .ico and .icns from their SVG sources (committed: run after an SVG changes).
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) packaging/make_icons.py

# Menu entries and icons for the builds in dist/, for this user (~/.local/share);
# packaging/linux/install-desktop.sh --remove takes them away.
install-desktop:
	@bash packaging/linux/install-desktop.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .hypothesis

# The benchmark suite (bench/README.md): builds the C load generator, then runs every
# scenario (about 5 minutes on an idle machine, 10 with the IRC servers; BENCH_ARGS="--quick"
# for 2-3). Not in `make test`.
.PHONY: bench
bench: $(STAMP)
	@$(MAKE) -s -C bench
	@$(PY) bench/run.py $(BENCH_ARGS)
