"""Start a real `celery -A bzpeer worker` against the test database, and stop it."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.conftest import REPO_ROOT

QUIET = ["--loglevel=info", "--without-gossip", "--without-mingle", "--without-heartbeat"]


def worker_database_url() -> str:
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start_worker(log: Path, *options: str) -> subprocess.Popen:
    if not settings.DATABASE_IS_POSTGRES or not os.environ.get("REDIS_URL"):
        pytest.fail("the worker test needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    celery = Path(sys.executable).with_name("celery")
    with log.open("w") as out:
        return subprocess.Popen(
            [str(celery), "-A", "bzpeer", "worker", *options, *QUIET],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
