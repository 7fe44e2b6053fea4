# Action Hub: the one place to look for how to do things. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PACK ?= campaign_packs/uyghur-solidarity
ORGANISER ?= organiser

# Production-like variables for `check --deploy`: nothing here is a real secret.
DEPLOY_ENV := DJANGO_ENV=production DJANGO_SECRET_KEY=deploy-check-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=campaign.example.org EMAIL_HOST=smtp.example.org \
	DATA_PROTECTION_EMAIL=data-protection@charity.org.uk

.DEFAULT_GOAL := help
.PHONY: help run test test-python test-clocks lint format check bench bench-pledge bench-postcodes bench-screening bench-dashboard bench-pages bench-scale bench-mailing docs-screenshots lock organiser-password clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 22

$(VENV)/bin/pip:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }

$(VENV)/.installed-main: requirements/main.txt | $(VENV)/bin/pip
	$(PIP) install --quiet -r requirements/main.txt
	@touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed-main
	$(PIP) install --quiet -r requirements/test.txt
	@touch $@

var:
	@mkdir -p var/mail

run: $(VENV)/.installed-main var ## Install, migrate, load the default campaign and serve it at http://127.0.0.1:8000
	DJANGO_ENV=development $(PY) manage.py migrate --no-input -v 0
	DJANGO_ENV=development $(PY) manage.py load_campaign $(PACK) \
		|| echo "make run goes on: the site keeps the content it had."
	DJANGO_ENV=development $(PY) manage.py load_demo_parliament --if-empty
	DJANGO_ENV=development $(PY) manage.py ensure_organiser
	DJANGO_ENV=development $(PY) manage.py schedule_periodic_tasks
	DJANGO_ENV=development scripts/run-dev

test: $(VENV)/.installed-test lint check test-python ## Run every gate and the whole test suite

check: $(VENV)/.installed-main var ## Django's system checks, migrations, and the deploy checks on production settings
	DJANGO_ENV=test $(PY) manage.py check --fail-level WARNING
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

test-python: $(VENV)/.installed-test ## Just the pytest suite; pass options with PYTEST_ARGS="-k pledge"
	DJANGO_ENV=test $(VENV)/bin/pytest $(PYTEST_ARGS)

test-clocks: $(VENV)/.installed-test ## The suite less the browser tests, with the clock 400 days ahead and 200 days back
	@command -v faketime >/dev/null || { echo "Needs libfaketime: sudo apt-get install faketime"; exit 1; }
	@set -e; for shift in +400d -200d; do \
		echo "== pytest with the clock moved $$shift"; \
		DJANGO_ENV=test faketime -f $$shift $(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS); \
	done

lint: $(VENV)/.installed-test ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test ## Format the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-test ## Run every benchmark in benchmarks/ (each prints ratios to its baseline)
	@set -e; found=0; for script in benchmarks/bench_*.py; do \
		[ -e "$$script" ] || continue; found=1; echo "== $$script"; DJANGO_ENV=test $(PY) "$$script"; \
	done; [ $$found = 1 ] || echo "No benchmarks yet: later features add them to benchmarks/."

bench-pledge: $(VENV)/.installed-test ## The pledge benchmark: signing on SQLite and PostgreSQL, against a floor
	$(PY) benchmarks/bench_pledge.py $(BENCH_ARGS)

bench-postcodes: $(VENV)/.installed-test ## The postcode import benchmark: 2.7M synthetic ONSPD rows against the bulk loader
	$(PY) benchmarks/bench_postcodes.py $(BENCH_ARGS)

bench-screening: $(VENV)/.installed-test ## Supplier screening: quality on the evaluation set and 10,000 suppliers, against a baseline
	$(PY) benchmarks/bench_screening.py $(BENCH_ARGS)

bench-dashboard: $(VENV)/.installed-test ## The console's dashboard over a million signatures, against the stock admin index
	$(PY) benchmarks/bench_dashboard.py $(BENCH_ARGS)

bench-pages: $(VENV)/.installed-test ## The pages a supporter sees first, under wrk, against a static file through the same server
	$(PY) benchmarks/bench_pages.py

bench-scale: $(VENV)/.installed-test ## PostgreSQL, Redis, HAProxy, two gunicorn instances; a worker killed, SMTP, PostgreSQL and Redis away, overload
	$(PY) benchmarks/bench_scale.py $(BENCH_ARGS)

bench-mailing: $(VENV)/.installed-test ## A campaign email to 100,000 supporters through db_worker to aiosmtpd, against a bare smtplib loop
	$(PY) benchmarks/bench_mailing.py $(BENCH_ARGS)

docs-screenshots: $(VENV)/.installed-test ## Take the screenshots in docs/organisers.md again (docs/images/)
	DJANGO_ENV=test $(VENV)/bin/pytest -q -p no:cacheprovider actionhub/tests/screenshots.py

lock: ## Re-pin requirements/*.txt from pyproject.toml in a throwaway virtualenv
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	$(PYTHON) scripts/pyproject-deps > var/lock-main.in
	$(PYTHON) scripts/pyproject-deps test > var/lock-test.in
	var/lock-venv/bin/pip install --quiet --disable-pip-version-check -r var/lock-main.in
	var/lock-venv/bin/pip freeze > requirements/main.txt
	var/lock-venv/bin/pip install --quiet --disable-pip-version-check -r var/lock-test.in
	(echo "-r main.txt"; var/lock-venv/bin/pip freeze | grep -vxFf requirements/main.txt) > requirements/test.txt
	rm -rf var/lock-venv var/lock-*.in

organiser-password: $(VENV)/.installed-main ## Set a new password for an organiser (ORGANISER=organiser)
	DJANGO_ENV=development $(PY) manage.py changepassword $(ORGANISER)

clean: ## Remove the virtualenv (keeps var/, where the database and emails are)
	rm -rf $(VENV)
