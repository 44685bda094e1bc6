# Registrar — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STUDENTS ?= 3000
# Debian packages WeasyPrint needs (Pango for text layout, fonts with Kazakh Cyrillic),
# and Chromium (/usr/bin/chromium) that the Playwright browser tests drive.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium

.PHONY: install system-deps demo serve test lint typecheck messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Installing:$$missing (needs sudo)"; sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; fi; \
	fi

demo: install system-deps
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --students $(STUDENTS) --if-empty
	@echo "Sign in at http://$(HOST):$(PORT)/ — users and passwords are printed above."
	$(MAKE) --no-print-directory serve

# The web server and, beside it, the worker that runs long exports. Both are in the
# terminal's process group, so Ctrl-C stops both; the worker is also stopped when the
# server exits on its own.
serve: install
	$(BIN)/python manage.py run_exports & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT); kill $$worker 2>/dev/null

test: install system-deps
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check registrar tests bench || true

typecheck: install
	$(BIN)/mypy registrar

# Regenerate the translation catalogues after changing user-facing text (needs gettext).
messages: install
	cd registrar && ../$(BIN)/django-admin makemessages -l kk -l ru -l en --no-obsolete
	cd registrar && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
