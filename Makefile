# roleqa: `make run` installs, builds the index and serves; `make test` installs and runs every test.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1

.PHONY: install install-browser install-axe install-postgres install-redis install-nginx index run serve test test-fast lint eval bench bench-replicas soak

install:
	$(PIP) install "torch==2.13.0"
	$(PIP) install -e ".[export,dev,postgres,redis]"
	roleqa export-encoder

install-browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

# axe-core for the accessibility tests (injected into Chromium by tests/test_accessibility.py); in .axe/, ignored by git
AXE_VERSION ?= 4.14.1
install-axe:
	@test -f .axe/node_modules/axe-core/axe.min.js || npm install --no-save --no-package-lock --no-audit --no-fund --prefix .axe axe-core@$(AXE_VERSION)

# the store tests also run against a real PostgreSQL (a throwaway cluster started by the tests)
install-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update && apt-get install -y postgresql)

# rate limits and Slack de-duplication shared by replicas (a throwaway redis-server started by the tests)
install-redis:
	@command -v redis-server >/dev/null 2>&1 || (apt-get update && apt-get install -y redis-server)

# the multi-replica test puts two `roleqa serve` processes behind a throwaway nginx (tests/test_replicas.py)
install-nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || (apt-get update && apt-get install -y nginx)

index: install
	roleqa index

run: index
	roleqa serve --host $(HOST) --port $(PORT)

serve:
	roleqa serve --host $(HOST) --port $(PORT)

test: install install-browser install-axe install-postgres install-redis install-nginx
	$(PYTHON) -m pytest -q

test-fast:
	$(PYTHON) -m pytest -q -m "not slow and not browser and not postgres and not redis"

lint:
	ruff check service tests
	mypy service

# The regression gate (CI runs it after the tests): a fresh index, then every metric against its floor, on the
# dev suite and on the latest blind suite.
eval:
	roleqa index
	for suite in eval/*.jsonl; do roleqa eval --check --suite $$suite || exit 2; done
	roleqa eval --gate eval/thresholds.toml
	roleqa eval --config hybrid+rewrite --suite eval/blind-2026-11-25aa.jsonl --gate eval/thresholds-blind.toml

# Benchmarks (not tests): results in bench/results/, summary in bench/RESULTS.md. Needs Debian's wrk.
bench:
	@command -v wrk >/dev/null 2>&1 || (apt-get update && apt-get install -y wrk)
	roleqa index
	$(PYTHON) bench/latency.py
	$(PYTHON) bench/http_load.py
	$(PYTHON) bench/scale.py --sizes 10000 100000 1000000

# 64 clients through nginx to 2 replicas with a throwaway Postgres and Redis (bar: 0 errors)
bench-replicas: install-postgres install-redis install-nginx
	@command -v wrk >/dev/null 2>&1 || (apt-get update && apt-get install -y wrk)
	$(PYTHON) bench/replicas_load.py

# 20k unique questions against one `roleqa serve --workers 2`, RSS per worker sampled (bar: <= 10% growth, 0 errors)
soak:
	$(PYTHON) bench/soak.py
