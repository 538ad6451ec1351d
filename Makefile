# gridadmin — `make run` serves the demo township, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Development mode unless the caller says otherwise (production sets DEBUG=0 and SECRET_KEY).
export DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install browser migrate demo run test lint check messages bench bench-import clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed ## Create .venv and install the requirements

# The end-to-end tests (tests/e2e) drive Debian's Chromium; Playwright's own browser download is
# never used. Installing needs root (or sudo without a password); elsewhere those tests are skipped
# with this command in the reason, unless E2E_REQUIRED=1 makes a missing browser a failure.
BROWSER_INSTALL := sudo apt-get install chromium fonts-wqy-microhei
browser: ## Install Chromium and a Chinese font for the end-to-end tests, when missing (Debian, as root)
	@if command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium and a Chinese font for the end-to-end tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
		echo "Installing Chromium and a Chinese font for the end-to-end tests"; \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	elif [ "$$E2E_REQUIRED" = 1 ]; then \
		echo "E2E_REQUIRED=1 and Chromium or a Chinese font is missing; install them: $(BROWSER_INSTALL)" >&2; exit 1; \
	elif command -v chromium >/dev/null; then \
		echo "No Chinese font: screenshots of failed end-to-end tests show boxes for Chinese. Install one: $(BROWSER_INSTALL)"; \
	else \
		echo "Chromium is missing: the end-to-end tests will be skipped. To run them: $(BROWSER_INSTALL)"; \
	fi

migrate: install ## Bring the database up to date
	$(MANAGE) migrate --noinput

demo: migrate ## Load the demo township into an empty database
	$(MANAGE) seed_demo --if-empty

run: demo ## Set up, load the demo township, serve http://127.0.0.1:8000
	$(MANAGE) runserver 127.0.0.1:8000

test: install browser ## Run the whole test suite, end-to-end tests in Chromium included (SQLite, or DATABASE_URL)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: install ## Time the registry, case and visit pages on 10,000 households and 20,000 cases (prints a table)
	$(BIN)/python -m benchmarks.registry_pages $(BENCH_ARGS)

bench-import: install ## Time the roster import of 100,000 households against PostgreSQL's COPY (needs PostgreSQL)
	$(BIN)/python -m benchmarks.import_roster $(BENCH_ARGS)

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
