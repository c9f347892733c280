#!/usr/bin/env bash
# Serve the site: embedded (SQLite, in-process tasks) by default, or PostgreSQL + Redis + a Celery
# worker when DATABASE_URL and REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADDR="${BZPEER_ADDR:-127.0.0.1:8000}"

$PY manage.py migrate --noinput
$PY manage.py load_demo

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  # --beat runs the periodic tasks (weekly digest, lost graph builds) inside this one worker.
  .venv/bin/celery -A bzpeer worker --beat --schedule var/celerybeat-schedule --loglevel=warning --concurrency=2 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
  echo "BZPEER: PostgreSQL + Redis, Celery worker pid $worker"
else
  echo "BZPEER: embedded mode (SQLite in var/, tasks run in-process)"
  echo "Outgoing mail is written to $(pwd)/var/mail/"
fi
echo "Serving BZPEER at http://$ADDR/ (Ctrl-C stops it)"
$PY manage.py runserver "$ADDR"
