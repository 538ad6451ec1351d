# gridadmin — `make run` serves the demo township, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Development mode unless the caller says otherwise (production sets DEBUG=0 and SECRET_KEY).
export DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install migrate demo run test lint check messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed ## Create .venv and install the requirements

migrate: install ## Bring the database up to date
	$(MANAGE) migrate --noinput

demo: migrate ## Load the demo township into an empty database
	$(MANAGE) seed_demo --if-empty

run: demo ## Set up, load the demo township, serve http://127.0.0.1:8000
	$(MANAGE) runserver 127.0.0.1:8000

test: install ## Run the whole test suite (SQLite, or DATABASE_URL)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: install ## Time the registry, case and visit pages on 10,000 households and 20,000 cases (prints a table)
	$(BIN)/python -m benchmarks.registry_pages $(BENCH_ARGS)

lint: install ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install ## Migrations up to date, lint, deployment checks
	$(MANAGE) makemigrations --check --dry-run
	$(MAKE) lint
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-0123456789abcdefghijklmnop ALLOWED_HOSTS=grid.example.org \
		$(MANAGE) check --deploy --fail-level WARNING

messages: install ## Update and compile the zh_Hans catalogue
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --add-location file -i ".venv/*" -i "staticfiles/*" -i "benchmarks/*"
	$(MANAGE) compilemessages -l zh_Hans -i ".venv"

clean: ## Remove the virtualenv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3 staticfiles
