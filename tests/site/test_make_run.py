"""`make run`'s production-like stack started as on a fresh machine: an empty var dir, a
PostgreSQL database and a Redis of its own, no SECRET_KEY, DEBUG or SITE_URL set. It must serve
through gunicorn with DEBUG off at the address it was given, and beat must tick."""

import os
import re
import signal
import stat
import subprocess
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.conf import settings

from tests.celery_worker import worker_database_url
from tests.conftest import REPO_ROOT
from tests.graph.test_worker_outage import OwnRedis, free_port, wait_for

pytestmark = pytest.mark.worker

START_SECONDS = 50


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def database(db):
    """A database of its own, empty, as on a fresh machine; dropped afterwards."""
    if not settings.DATABASE_IS_POSTGRES:
        pytest.fail("this test needs DATABASE_URL (PostgreSQL)")
    base = worker_database_url()
    name = f"{settings.DATABASES['default']['NAME']}_make_run"
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def stack(tmp_path, database):
    redis = OwnRedis(tmp_path)
    redis.start()
    address = f"127.0.0.1:{free_port()}"
    var = tmp_path / "var"  # does not exist yet: run.sh must make it
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DATABASE_URL": database,
        "REDIS_URL": redis.url,
        "BZPEER_VAR_DIR": str(var),
        "BZPEER_ADDR": address,
        "STATIC_ROOT": str(tmp_path / "static"),  # not the checkout's staticfiles/
        "LOG_LEVEL": "INFO",  # so that the worker log shows beat's tasks
        "GRAPH_REQUEUE_SWEEP_SECONDS": "2",
    }
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn and the worker stop too
        )
    yield f"http://{address}", var, log, process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    redis.stop()


def test_make_run_serves_with_debug_off_at_its_address_and_beat_ticks(stack):
    site, var, log, process = stack

    def serving():
        assert process.poll() is None, log.read_text()
        try:
            return get(site + "/")[0] == 200
        except OSError:
            return False

    wait_for(serving, "the site answering", seconds=START_SECONDS)
    home = get(site + "/")[1]
    profile_path = re.search(r'href="(/researchers/\d+/)"', home)[1]
    status, profile = get(site + profile_path)
    assert status == 200
    # SITE_URL is the address served: absolute links point here, not at a default.
    assert f'<link rel="canonical" href="{site}{profile_path}">' in profile
    # DEBUG is off: a missing page is the site's own 404, not Django's list of URL patterns.
    status, missing = get(site + "/no-such-page/")
    assert status == 404 and "URLconf" not in missing
    # Static files were collected and are served by whitenoise under their hashed names.
    stylesheet = re.search(r'href="(/static/css/bzpeer\.[0-9a-f]+\.css)"', home)[1]
    assert get(site + stylesheet)[0] == 200
    # The secret key was made once, readable by its owner only.
    key_file = var / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_text()) > 40

    # Beat's first tick: the worker receives the scheduled sweep (its schedule file is in var/).
    def ticked():
        assert process.poll() is None, log.read_text()
        return "graph.tasks.requeue_lost_graph_slices" in log.read_text()

    wait_for(ticked, "beat sending the sweep", seconds=20)
    assert "FileNotFoundError" not in log.read_text()
    assert (var / "celerybeat-schedule").exists() or any(var.glob("celerybeat-schedule*"))
    time.sleep(0.5)
    assert "Traceback" not in log.read_text(), log.read_text()
