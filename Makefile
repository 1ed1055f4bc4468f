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

# Two workers for the suite, then the real-browser journeys on their own: they drive
# Chromium against a live server and are timing-sensitive under a fully loaded CPU.
test: $(STAMP)
	$(PY) -m pytest -n 2 -m "not e2e" $(PYTEST_ARGS)
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
