# The README's two commands are `make run` and `make test`; the rest are for developers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run dev test lint format bench bench-graph bench-graph-draw bench-storage bench-search soak mutation fuzz bench-scale screenshots venv clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python 3.11 first" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

venv: $(STAMP)

run: venv
	@scripts/run.sh

# Django's reloading development server with DEBUG on, for working on the code.
dev: venv
	@scripts/run.sh --dev

test: venv
	@scripts/test.sh $(ARGS)

# schemathesis with all its checks against the whole API schema, anonymously and with a token,
# with many more examples than the suite's run (tests/api/test_schemathesis.py); about half an
# hour. FUZZ_EXAMPLES=N to choose.
FUZZ_EXAMPLES ?= 100
fuzz: venv
	@SCHEMATHESIS_EXAMPLES=$(FUZZ_EXAMPLES) SCHEMATHESIS_COVERAGE=all scripts/test.sh -q -p no:cacheprovider tests/api/test_schemathesis.py $(ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Graph slice build times on generated databases of each size, each kept in its own PostgreSQL
# database between runs (generating 1,000,000 works takes about 10 minutes the first time).
BENCH_GRAPH_SIZES ?= 100000 1000000
bench-graph: venv
	@scripts/services.sh
	@for works in $(BENCH_GRAPH_SIZES); do \
	  db=bzpeer_bench_graph_$$works; url=postgres://postgres@localhost:5432/$$db; \
	  createdb -h localhost -U postgres $$db 2>/dev/null || true; \
	  DATABASE_URL=$$url $(PY) manage.py migrate --noinput -v0 && \
	  DATABASE_URL=$$url $(PY) manage.py bench_graph --works $$works --write docs/benchmarks.md \
	  || exit 1; \
	done

# How long the browser takes to draw the slices of a 2,918-author paper's member and of a
# 5,000-work researcher (Chromium, the browser test's own measurement), into the Graph drawing
# section of docs/benchmarks.md.
bench-graph-draw: venv
	@GRAPH_DRAW_BENCH=docs/benchmarks.md scripts/test.sh tests/e2e/test_graph_readable.py -q -k timed

# Profile pages, import and search at 1,000,000 works, each beside a reference measured in the
# same run, into docs/benchmarks.md. Reuses bzpeer_bench_graph_1000000 when it is complete, else
# generates bzpeer_bench once (about 11 minutes). ARGS="--skip-graph" keeps the graph section.
bench: venv
	@scripts/services.sh
	$(PY) scripts/bench/bench.py $(ARGS)

# What a faithful import of the real OpenAlex records costs on disk per million works (table,
# TOAST and index sizes), into the Storage section of docs/benchmarks.md.
bench-storage: venv
	@scripts/services.sh
	$(PY) scripts/bench/storage.py $(ARGS)

# The OpenAlex API's full-text searches on 20,000 works of real text (WORKS=... for another
# size), into the OpenAlex search section of docs/benchmarks.md.
bench-search: venv
	@scripts/services.sh
	$(PY) scripts/bench/search.py $(if $(WORKS),--works $(WORKS)) $(ARGS)

# A snapshot imported through 1 and 2 Celery worker processes, and an incremental sync of 1%
# changed works beside a full re-import, into docs/benchmarks.md (ARGS="--works N --parts P";
# ARGS="--large-database DB" also syncs changed works into DB, a copy of a generated bench
# database that the sync changes; BENCH_REDIS_PORT chooses its Redis port).
bench-scale: venv
	@scripts/services.sh
	$(PY) scripts/bench/scale.py $(ARGS)

# A minute of mixed load on gunicorn, a Celery worker and beat, PostgreSQL and a Redis of its own
# (port 6390), killing the worker and restarting Redis meanwhile; checks and writes the Soak
# section of docs/benchmarks.md, and fails when a check fails.
soak: venv
	@scripts/services.sh
	$(PY) scripts/bench/soak.py $(ARGS)

# Mutation testing of the rule modules (trust, claims, invites, names, the OpenAlex parser): each
# mutant against its module's own tests, one module after another, into the Mutation section of
# docs/benchmarks.md; fails when a module kills under 90%. ARGS="names" runs one module.
mutation: venv
	@scripts/services.sh
	$(PY) scripts/mutation.py --write docs/benchmarks.md $(ARGS)

clean:
	rm -rf $(VENV) var staticfiles

screenshots: venv
	$(PY) scripts/screenshots.py
