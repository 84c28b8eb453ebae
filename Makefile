# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000
CATALOGS := $(patsubst %.po,%.mo,$(wildcard booking/translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := wsgi
# The Makefile is for developers' machines: a per-checkout random key in instance/ stands in
# for SECRET_KEY. Production sets SECRET_KEY and never TUOWEI_DEV (docs/operations.md).
export TUOWEI_DEV ?= 1

.PHONY: demo test serve install migrate seed translations extract-messages api-docs e2e bench clean

demo: install migrate seed serve          ## venv, install, migrate, seed, serve on :5000

# One pytest-xdist worker per core, whole test files to a worker (their module fixtures stay
# shared); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: install                              ## the whole suite (DATABASE_URL=postgresql+psycopg://... for PostgreSQL)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

install: $(STAMP) translations

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

translations: $(CATALOGS)                  ## compile the message catalogs

booking/translations/%/LC_MESSAGES/messages.mo: booking/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d booking/translations -l $* -i $< -o $@

extract-messages: $(STAMP)                 ## refresh the catalogs from the code and templates
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o booking/translations/messages.pot .
	$(BIN)/pybabel update -i booking/translations/messages.pot -d booking/translations

api-docs: install                          ## docs/api.md's endpoint reference, from the OpenAPI document
	$(BIN)/python -m booking.api.docgen

migrate: install
	$(BIN)/flask db upgrade

seed: install
	$(BIN)/flask seed

# The web server and, beside it, the scheduler (holds lapse, offers move on, notices go out):
# Ctrl-C stops both; the scheduler is also stopped whenever the server ends.
serve:
	@echo "Tuowei on http://127.0.0.1:$(PORT) with the scheduler beside it  (Ctrl-C stops both)"
	@$(BIN)/flask scheduler & sched=$$!; \
	  trap 'kill $$sched 2>/dev/null; wait $$sched 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

e2e: install                               ## browser journeys only
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

bench: install $(VENV)/.bench-installed     ## benchmarks → bench/RESULTS.md (BENCH_ARGS=--quick)
	$(BIN)/python -m bench $(BENCH_ARGS)

$(VENV)/.bench-installed: setup.cfg pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,bench]'
	touch $@

clean:
	rm -rf $(VENV) instance *.egg-info .pytest_cache
