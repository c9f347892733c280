"""A real Celery worker process builds a slice requested through the API."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse

from bzpeer.celery import app as celery_app
from graph.models import GraphSlice
from tests import factories
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def worker_database_url() -> str:
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """Start `celery -A bzpeer worker` against the test database; stop it afterwards."""
    if not settings.DATABASE_IS_POSTGRES or not os.environ.get("REDIS_URL"):
        pytest.fail("the worker test needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # messages a killed earlier run may have left
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log = tmp_path / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "bzpeer",
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield process, log
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    celery_app.conf.task_always_eager = saved_eager


def test_worker_builds_the_slice_the_api_queued(client, worker):
    process, log = worker
    ada = factories.researcher(display_name="Ada")
    bob = factories.researcher(display_name="Bob")
    factories.work(authors=[ada, bob], topics=[factories.topic()])
    factories.work(authors=[ada, bob])
    factories.refresh(ada, bob)
    url = reverse("graph:api-slice", args=[ada.pk])

    first = client.get(url)
    assert first.status_code == 202, first.content
    assert first.json()["status"] == "pending"

    deadline = time.monotonic() + WAIT_SECONDS
    response = first
    while response.status_code != 200 and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.5)
        response = client.get(url)

    assert response.status_code == 200, log.read_text()
    body = response.json()
    assert body["status"] == "ready"
    assert {node["id"] for node in body["slice"]["nodes"]} >= {
        f"researcher:{ada.pk}",
        f"researcher:{bob.pk}",
    }
    assert body["slice"]["counts"]["close_collaborators"] == 1
    graph_slice = GraphSlice.objects.get(researcher=ada)
    assert graph_slice.attempts == 0
    assert graph_slice.build_ms is not None
