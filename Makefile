# Shegong Xuetang (社工学堂): the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: run test bench lint migrations-check

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://127.0.0.1:8000/ (admin: /admin/, API docs: /api/v1/docs). Ctrl-C stops both."
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py qcluster & \
	$(PY) manage.py runserver 127.0.0.1:8000

# axe-core for the accessibility check of the browser journeys (npm registry; skipped by that
# test when the machine has no npm).
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	-command -v npm >/dev/null && npm ci --prefix tests/e2e --no-audit --no-fund --silent

# Two workers for the suite, then the real-browser journeys on their own: they drive
# Chromium against a live server and are timing-sensitive under a fully loaded CPU.
test: $(STAMP) $(AXE)
	$(PY) -m pytest -n 2 -m "not e2e" $(PYTEST_ARGS)
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/calibration.py | tee bench/results/calibration.txt
	$(PY) manage.py readiness_eval --simulate 2000 --seed 1 --svg bench/results/reliability.svg \
		| tee bench/results/readiness_eval.txt
	$(PY) bench/exam_day.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
