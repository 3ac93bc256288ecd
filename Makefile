# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
TEST_WORKERS ?= auto
FLASK  := $(BIN)/flask --app app

.PHONY: run test setup install install-dev compile-translations db demo translations lint format clean bench

run: setup ## set up everything and serve on http://127.0.0.1:$(PORT)
	@$(FLASK) demo signins
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-dev setup ## set up everything, then the whole suite (lint included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4

setup: install compile-translations db

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

compile-translations: install ## .po -> .mo (the .mo files are not committed)
	$(BIN)/pybabel -q compile -d translations

db: install compile-translations ## create or upgrade the database, load demo data when it is empty
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty

bench: install compile-translations ## measure the pages against a bare Flask page (wrk; not in `make test`)
	$(BIN)/python bench/run.py

translations: install ## extract messages and update every catalog
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _ln:1,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/python translations/copy_english.py

lint: install-dev
	$(BIN)/ruff check .
format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
