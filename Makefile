# Two commands set everything up on a fresh Debian machine with Python 3.11:
#   make run    creates .venv, installs, migrates and serves http://127.0.0.1:5000 (gevent)
#   make dev    the same on Werkzeug's development server (threading mode)
#   make test   installs the dev tools (pip, and npm for the JS linter) and runs lint and every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: run dev test lint format bench translations extract-translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d workshop/translations

extract-translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o workshop/translations/messages.pot .
	$(BIN)/pybabel update -i workshop/translations/messages.pot -d workshop/translations --no-fuzzy-matching

run: $(VENV)/.installed translations
	$(BIN)/python app.py

dev: $(VENV)/.installed translations
	$(BIN)/python app.py --dev

test: $(VENV)/.installed-dev translations lint
	$(BIN)/python -m pytest -q

# The page scripts' linter, pinned in package-lock.json (installed again when the lock changes).
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@

lint: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r workshop -ll -c pyproject.toml
	node_modules/.bin/eslint --max-warnings 0 static/js eslint.config.js

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules instance/workshop.sqlite*
