# The whole set-up on a fresh machine with Python >= 3.12 (see README).
.PHONY: run serve test bench load lint clean migrations-roundtrip deploy-check

UV_VERSION := 0.13.9
UV := .tools/bin/uv
PYTHON ?= python3

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked
	touch $@

# `make run PORT=8001` when 8000 is taken; the port is checked first, before any set-up.
PORT ?= 8000
PORT_FREE = import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))

run: .venv/.synced
	@.venv/bin/python -c '$(PORT_FREE)' '$(PORT)' 2>/dev/null || { \
	  echo "chibo: cổng $(PORT) trên 127.0.0.1 đang bận (port $(PORT) is in use)."; \
	  echo "Chọn cổng khác (choose another port): make run PORT=8001"; exit 1; }
	.venv/bin/chibo migrate --no-input
	.venv/bin/chibo demo
	@echo "chibo: http://127.0.0.1:$(PORT)"
	.venv/bin/chibo runserver 127.0.0.1:$(PORT)

# The production server (gunicorn, see README "Production"); BIND=0.0.0.0:8000 only
# behind a firewall, otherwise keep 127.0.0.1 behind nginx.
BIND ?= 127.0.0.1:$(PORT)
serve: .venv/.synced
	.venv/bin/chibo migrate --no-input
	.venv/bin/chibo serve --bind $(BIND)

# Each app to zero and forward again on a database with the demo loaded (CI runs it).
migrations-roundtrip: .venv/.synced
	.venv/bin/chibo migrate --no-input
	.venv/bin/chibo demo
	.venv/bin/chibo migrations_roundtrip

# Tests run on both cores (pytest-xdist); PYTEST_ARGS adds options, e.g. "-n 0 -x".
test: .venv/.synced
	.venv/bin/pytest -n auto $(PYTEST_ARGS)

lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

clean:
	rm -rf .venv .tools

# Benchmarks on data sized like design §4 (120,000 members, 3,321 cells) in var/bench/;
# results in var/bench/results-sqlite.json or results-postgres.json. BENCH_ARGS="--scale 0.1" for a quicker run.
bench: .venv/.synced
	.venv/bin/chibo bench $(BENCH_ARGS)

# Issue 9's acceptance: 40 concurrent API clients for 60 s against gunicorn on 127.0.0.1,
# then every acknowledged write is checked to exist exactly once. SQLite in var/load/ by
# default; DATABASE_URL=postgres://…/chibo_load (name containing "load": it is recreated).
# LOAD_ARGS="--clients 10 --seconds 15" for a quicker run; results in var/load/.
load: .venv/.synced
	.venv/bin/python -m chibo.bench.load $(LOAD_ARGS)
