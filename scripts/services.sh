#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on localhost; start them where they are installed but down.
# Prints one line and exits non-zero when a server program is missing.
set -euo pipefail

pg_up() { pg_isready -q -h "${PGHOST:-localhost}" -p "${PGPORT:-5432}" 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  else
    echo "PostgreSQL is not installed (no pg_ctlcluster); install the postgresql package" >&2
    exit 1
  fi
  pg_up || { echo "PostgreSQL is installed but did not start on localhost:5432" >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  else
    echo "Redis is not installed (no redis-server); install the redis-server package" >&2
    exit 1
  fi
  redis_up || { echo "Redis is installed but did not start on 127.0.0.1:6379" >&2; exit 1; }
fi
