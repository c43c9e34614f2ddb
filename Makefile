# Two commands on a fresh machine: `make lab` and `make test`. Both build .venv when it is
# missing or older than pyproject.toml, then install the pinned dependencies into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: lab test lint format bench clean datasets strip app browser-deps messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# As root (a container, a classroom VM) JupyterLab refuses to start without --allow-root.
ROOT_FLAG = $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# Chinese when SIM_LANG (else the system locale, as sim.i18n decides) says zh: `make lab SIM_LANG=zh`
# opens JupyterLab in Chinese (its language pack jupyterlab-language-pack-zh-CN, chosen by the
# settings in lab/zh/overrides.json) on notebooks/zh/; `make app SIM_LANG=zh` serves the Chinese
# strategy lab. SIM_LANG, given on the command line, reaches the kernels too.
ZH = $(filter zh%,$(or $(SIM_LANG),$(LC_ALL),$(LC_MESSAGES),$(LANG)))
NOTEBOOKS_DIR = notebooks/$(if $(ZH),zh/)
LAB_LANGUAGE = $(if $(ZH),--LabApp.app_settings_dir=$(CURDIR)/lab/zh)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(NOTEBOOKS_DIR) $(ROOT_FLAG) $(LAB_LANGUAGE)

# The strategy lab as a web app, code hidden (Voila run by app/room.py, configured by
# app/voila.py). Serve participants on the network with: make app APP_IP=0.0.0.0
# (prints the link, with its token, and a QR code); APP_SEATS caps the pages served at once
# (20 by default), APP_POOL sets how many kernels wait warm (2), APP_TOKEN reuses a token.
APP_IP ?= 127.0.0.1
APP_PORT ?= 8866
app: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/app $(PY) -m app.room $(NOTEBOOKS_DIR)09_strategy_lab.ipynb \
		--Voila.ip=$(APP_IP) --port=$(APP_PORT) $(if $(APP_SEATS),--RoomKernelManager.max_kernels=$(APP_SEATS)) \
		$(if $(APP_POOL),--pool_size=$(APP_POOL)) $(if $(APP_TOKEN),--Voila.token=$(APP_TOKEN))

# Debian's chromium for tests/test_browser.py (Playwright cannot download its own browser).
# The browser test needs chromium, and a CJK font so that Chinese text in its screenshots
# is not drawn as boxes; tests/test_app_qr.py reads `make app`'s QR code with zbarimg.
# Whichever is missing is installed (as root with apt-get).
BROWSER_PACKAGES = $(shell [ -x /usr/bin/chromium ] || echo chromium) \
	$(shell fc-list :lang=zh 2>/dev/null | grep -q . || echo fonts-noto-cjk) \
	$(shell command -v zbarimg >/dev/null || echo zbar-tools)

browser-deps:
	@if [ -z "$(strip $(BROWSER_PACKAGES))" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(BROWSER_PACKAGES); } \
		|| echo "browser-deps: could not install $(strip $(BROWSER_PACKAGES)); going on without"; \
	else echo "browser-deps: missing $(strip $(BROWSER_PACKAGES)), which needs root and" \
		"apt-get: without chromium the browser test is skipped; without a CJK font its" \
		"screenshots show Chinese as boxes."; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Tests and notebooks run on every core (pytest-xdist), a whole file (a notebook, a test
# module with its shared worlds) per worker, slowest first (conftest.py); TEST_WORKERS=1
# runs them one at a time.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
# nbval runs every notebook under notebooks/, the Chinese twins in notebooks/zh/ included.
test: lint browser-deps
	MPLBACKEND=Agg $(PY) -m pytest $(XDIST) tests
	$(PY) -m pytest $(XDIST) --nbval-lax --nbval-cell-timeout=120 -p no:cacheprovider notebooks

bench: $(STAMP)
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/run.py
	$(PY) benchmarks/analytics.py
	$(PY) benchmarks/experiments.py
	$(PY) benchmarks/lab.py
	$(PY) benchmarks/app.py
	$(PY) benchmarks/database.py
	$(PY) benchmarks/calibrate.py

datasets: $(STAMP)
	$(PY) -m sim run scenarios/coffee_chain.yaml --out datasets/coffee_chain --seed 7 --customers 2000 --days 365 --csv-only --force

# Refresh the message catalogue from the strings sim/ marks with _() and N_(): new ones come
# in empty, changed ones fuzzy, gone ones leave. Then write the Chinese of each in
# sim/locale/zh/LC_MESSAGES/sim.po (tests/test_i18n.py fails until every one has it).
MESSAGES_POT := $(or $(TMPDIR),/tmp)/customer-workbench-messages.pot
messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract --no-default-keywords -k _ -k N_ --add-location=file \
		--sort-by-file --project=customer-workbench --version=0.1.0 -o $(MESSAGES_POT) sim
	$(VENV)/bin/pybabel update -i $(MESSAGES_POT) -d sim/locale -D sim -l zh \
		--init-missing --ignore-obsolete --no-wrap
	rm -f $(MESSAGES_POT)

strip: $(STAMP)
	$(VENV)/bin/nbstripout notebooks/*.ipynb $(wildcard notebooks/zh/*.ipynb)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
