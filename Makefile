# Two commands on a fresh machine: `make lab` and `make test`. Both build .venv when it is
# missing or older than pyproject.toml, then install the pinned dependencies into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: lab test lint format bench clean datasets strip

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	MPLBACKEND=Agg $(PY) -m pytest tests
	$(PY) -m pytest --nbval-lax --nbval-cell-timeout=120 -p no:cacheprovider notebooks

bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/analytics.py

datasets: $(STAMP)
	$(PY) -m sim run scenarios/coffee_chain.yaml --out datasets/coffee_chain --seed 7 --customers 2000 --days 365 --csv-only --force

strip: $(STAMP)
	$(VENV)/bin/nbstripout notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
