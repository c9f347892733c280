#!/usr/bin/env bash
# Serve the site as a deployment does: gunicorn with DEBUG off, static files collected and served
# by whitenoise, a secret key made once and kept in the var dir (mode 0600), SITE_URL the address
# served. Embedded by default (SQLite in the var dir, tasks in-process); PostgreSQL + Redis + a
# Celery worker running beat when DATABASE_URL and REDIS_URL are set.
#   scripts/run.sh --dev   (make dev) Django's reloading development server with DEBUG on.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADDR="${BZPEER_ADDR:-127.0.0.1:8000}"
export BZPEER_VAR_DIR="${BZPEER_VAR_DIR:-$(pwd)/var}"
export SITE_URL="${SITE_URL:-http://$ADDR}"
# Everything below writes here (database, mail, beat's schedule, the key): make it first.
mkdir -p "$BZPEER_VAR_DIR"

if [ "${1:-}" = "--dev" ]; then
  export DEBUG=true
else
  export DEBUG=false
  if [ -z "${SECRET_KEY:-}" ]; then
    key_file="$BZPEER_VAR_DIR/secret_key"
    if [ ! -s "$key_file" ]; then
      (umask 077 && $PY -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
    fi
    chmod 600 "$key_file"
    SECRET_KEY="$(cat "$key_file")"
    export SECRET_KEY
  fi
fi

$PY manage.py migrate --noinput
$PY manage.py load_demo

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  # --beat runs the periodic tasks (weekly digest, lost graph builds) inside this one worker;
  # its schedule file is CELERY_BEAT_SCHEDULE_FILENAME, in the var dir.
  .venv/bin/celery -A bzpeer worker --beat --loglevel="${LOG_LEVEL:-warning}" --concurrency=2 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
  echo "BZPEER: PostgreSQL + Redis, Celery worker pid $worker"
  workers=2
else
  echo "BZPEER: embedded mode (SQLite in $BZPEER_VAR_DIR, tasks run in-process)"
  echo "Outgoing mail is written to $BZPEER_VAR_DIR/mail/"
  # One process: the local-memory cache and its page versions must be the same for every request.
  workers=1
fi

if [ "$DEBUG" = true ]; then
  echo "Serving BZPEER (development, DEBUG on) at $SITE_URL/ (Ctrl-C stops it)"
  $PY manage.py runserver "$ADDR"
else
  $PY manage.py collectstatic --noinput -v0
  echo "Serving BZPEER at $SITE_URL/ (Ctrl-C stops it)"
  .venv/bin/gunicorn bzpeer.wsgi:application --bind "$ADDR" --workers "$workers" --threads 4 \
    --log-level "${LOG_LEVEL:-warning}"
fi
