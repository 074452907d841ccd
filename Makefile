# The two commands a newcomer needs: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
DEV := DJANGO_SETTINGS_MODULE=lms.settings.dev
# Debian packages: PostgreSQL (tests), Chromium (browser journeys), pango (WeasyPrint PDFs), Redis (production broker and cache; the outbox crash test and the scale-out test run throwaway ones; PostgreSQL also brings pg_dump/pg_restore for the backup drill),
# poppler-utils and zbar-tools (tests read certificate PDFs: text, attachments, QR codes), nodejs and npm (axe-core for the journeys; npm comes with NodeSource's nodejs, else from Debian).
DEB_PACKAGES := postgresql redis-server chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils zbar-tools nodejs
AXE := tests/e2e/node_modules/axe-core/axe.min.js
PYTEST_ARGS ?=

.PHONY: run test lint sysdeps venv e2e-deps bench mutation clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

sysdeps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages. Run:  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

run: sysdeps venv
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) devtools/run.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run

# axe-core (pinned in tests/e2e/package-lock.json), injected into pages by the journeys.
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

e2e-deps: $(AXE)

# Two passes: everything on a throwaway PostgreSQL, then the `embedded` tests again on a fresh
# SQLite file (the database `make run` uses). Either failing fails `make test`; the last line is
# the second pass's pytest summary.
EMBEDDED_DB = $(shell mktemp -u /tmp/lms-embedded-XXXXXX).sqlite3
test: sysdeps venv lint e2e-deps
	$(PY) tests/pg_cluster.py -- $(PY) -m pytest $(PYTEST_ARGS)
	@db="$(EMBEDDED_DB)"; trap 'rm -f "$$db" "$$db"-*' EXIT; \
	echo "Second pass: the embedded tests on SQLite ($$db)"; \
	DATABASE_URL="sqlite:///$$db" $(PY) -m pytest -m embedded $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ] && [ -n '$(PYTEST_ARGS)' ]; then rc=0; fi; exit $$rc  # 5: PYTEST_ARGS chose no embedded test

# Benchmarks (not tests): each runs against gunicorn as production runs it (gunicorn.conf.py) and
# a throwaway PostgreSQL with fsync, synchronous commit and full-page writes on (--durable; the
# test suite keeps them off). Each writes var/bench/<name>.json; the last step prints one table.
bench: sysdeps venv
	rm -f var/bench/*.json
	-$(PY) tests/pg_cluster.py --durable -- $(PY) bench/booking_bench.py
	-$(PY) tests/pg_cluster.py --durable -- $(PY) bench/exam_bench.py
	-$(PY) tests/pg_cluster.py --durable -- $(PY) bench/sweep_bench.py
	-$(PY) tests/pg_cluster.py --durable -- $(PY) bench/verify_bench.py
	-$(PY) tests/pg_cluster.py --durable -- $(PY) bench/suspension_bench.py
	-$(PY) tests/pg_cluster.py --durable -- $(PY) bench/renewal_bench.py
	$(PY) bench/report.py

mutation: sysdeps venv
	$(PY) tests/pg_cluster.py -- $(PY) devtools/mutation.py $(foreach m,$(MODULES),--module $(m)) $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles tests/e2e/artifacts tests/e2e/node_modules
