# Two commands on a fresh machine: `make lab` and `make test`. Both build .venv when it is
# missing or older than pyproject.toml, then install the pinned dependencies into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: lab test lint format bench clean datasets strip app browser-deps

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# As root (a container, a classroom VM) JupyterLab refuses to start without --allow-root.
ROOT_FLAG = $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ $(ROOT_FLAG)

# The strategy lab as a web app, code hidden (Voila, configured by app/voila.py).
# Serve participants on the network with: make app APP_IP=0.0.0.0
APP_IP ?= 127.0.0.1
APP_PORT ?= 8866
app: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/app $(VENV)/bin/voila notebooks/09_strategy_lab.ipynb --Voila.ip=$(APP_IP) --port=$(APP_PORT)

# Debian's chromium for tests/test_browser.py (Playwright cannot download its own browser).
browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk; \
	else echo "browser-deps: /usr/bin/chromium is missing and cannot be installed here" \
		"(needs root and apt-get): the browser test will be skipped."; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint browser-deps
	MPLBACKEND=Agg $(PY) -m pytest tests
	$(PY) -m pytest --nbval-lax --nbval-cell-timeout=120 -p no:cacheprovider notebooks

bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/analytics.py
	$(PY) benchmarks/experiments.py

datasets: $(STAMP)
	$(PY) -m sim run scenarios/coffee_chain.yaml --out datasets/coffee_chain --seed 7 --customers 2000 --days 365 --csv-only --force

strip: $(STAMP)
	$(VENV)/bin/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
