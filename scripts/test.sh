#!/usr/bin/env bash
# Run the whole suite against PostgreSQL and Redis (localhost unless DATABASE_URL/REDIS_URL say),
# in parallel: one pytest-xdist worker per core, at most 8 (TEST_WORKERS=N to choose; -n 0 in the
# arguments runs serially). Each worker gets its own PostgreSQL test database (pytest-django) and
# the Redis database after REDIS_URL's by its index (bzpeer/settings.py), so the default below
# leaves databases 8 to 15 for the workers.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@localhost:5432/bzpeer}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/8}"
export DEBUG="${DEBUG:-true}"

scripts/services.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "Debian's chromium is missing (browser tests need it): run 'apt-get install chromium' or .ci/run" >&2
  exit 1
fi

.venv/bin/ruff format --check --quiet . || { echo "ruff format: files need formatting (make format)" >&2; exit 1; }
.venv/bin/ruff check --quiet .
workers="${TEST_WORKERS:-$(nproc)}"
[ "$workers" -gt 8 ] && workers=8
exec .venv/bin/pytest -n "$workers" "$@"
