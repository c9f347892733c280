"""A real Celery worker process builds a slice requested through the API."""

import time

import pytest
from django.urls import reverse

from bzpeer.celery import app as celery_app
from graph.models import GraphSlice
from tests import factories
from tests.celery_worker import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


@pytest.fixture
def worker(tmp_path):
    """Start `celery -A bzpeer worker` against the test database; stop it afterwards."""
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # messages a killed earlier run may have left
    log = tmp_path / "worker.log"
    process = start_worker(log, "--pool=solo")
    yield process, log
    stop_worker(process)
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
