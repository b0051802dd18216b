# Two entry points for a new user: `make demo` and `make test`. Both set up
# everything they need on a fresh Debian machine (uv, the locked virtual
# environment, Graphviz and a Vietnamese-capable font).

SHELL := /bin/bash
UV := python3 -m uv
RUN := $(UV) run --frozen

export PREFECT_HOME := $(CURDIR)/var/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120
export PREFECT_SERVER_LOGGING_LEVEL := WARNING
export PREFECT_LOGGING_LEVEL := WARNING

PACKAGES := models rules analysis inputs store diagrams publishing jobs flows tthc

.PHONY: demo test serve stop lint typecheck pytest docs bench setup graphviz bpmn-js clean

demo: setup graphviz
	$(RUN) tthc demo

test: setup graphviz bpmn-js lint typecheck pytest

# A Prefect server, the deployments of prefect.yaml, a worker and the review site,
# on 127.0.0.1 (home: var/prefect); `make stop` stops them.
serve: setup graphviz
	$(RUN) tthc serve

stop:
	$(RUN) tthc stop

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

typecheck:
	$(RUN) mypy

pytest:
	HYPOTHESIS_PROFILE=ci $(RUN) pytest

# docs/rules.md is generated from the rule catalogue (a test checks it is current).
docs: setup
	$(RUN) tthc rules --markdown > docs/rules.md

# Figures, not pass/fail: see bench/.
bench: setup
	$(RUN) python bench/bench_catalogue.py
	$(RUN) python bench/bench_rules.py
	$(RUN) python bench/bench_diagrams.py
	$(RUN) python bench/bench_nightly.py
	$(RUN) python bench/bench_plans.py
	$(RUN) python bench/bench_site.py
	$(RUN) python bench/bench_import.py
	$(RUN) python bench/bench_bpmn.py

# Bytecode compiled ahead: a flow run is a new Python process, and where
# PYTHONDONTWRITEBYTECODE is set (containers, CI) each would otherwise compile ~1,000
# modules from source (a run from the UI then starts in 6 s instead of 2 s).
setup: .venv/.synced
	@mkdir -p "$(PREFECT_HOME)"
	@$(RUN) python -m compileall -q -j 0 $(PACKAGES) >/dev/null

.venv/.synced: uv.lock pyproject.toml
	@mkdir -p "$(PREFECT_HOME)"
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode
	@touch $@

# bpmn-js (bpmn.io's renderer), from the npm registry at the locked version, for the
# test that opens exported BPMN models in headless Chromium; Node.js and npm from
# Debian when missing and running as root.
bpmn-js: tools/bpmn-js/node_modules/.installed

tools/bpmn-js/node_modules/.installed: tools/bpmn-js/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "Missing: npm — run 'sudo apt-get install nodejs npm', then make again."; exit 1; fi; }
	cd tools/bpmn-js && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Graphviz's dot and the DejaVu fonts (they cover Vietnamese); installed with
# apt when missing and running as root, otherwise a one-line instruction.
graphviz:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="graphviz"; \
	fc-list 2>/dev/null | grep -q "DejaVu Sans" || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing (Debian packages)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing — run 'sudo apt-get install$$missing', then make again."; \
	    exit 1; \
	  fi; \
	fi

clean:
	rm -rf out var .venv .mypy_cache .pytest_cache .ruff_cache
