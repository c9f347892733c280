"""The Celery task: claiming, retrying transient errors, recording failures, lost workers."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from graph import services, tasks
from graph.models import GraphSlice
from graph.tasks import build_graph_slice, retry_countdown
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(db):
    ada = factories.researcher()
    factories.work(authors=[ada, factories.researcher()])
    return services.graph_slice_ensure(researcher_id=ada.pk)


def run_task(slice_id):
    return build_graph_slice.apply(args=[slice_id])


def test_task_builds_a_queued_slice(pending):
    assert run_task(pending.pk).get() == "built"
    pending.refresh_from_db()
    assert pending.status == GraphSlice.Status.READY
    assert pending.payload["center"] == f"researcher:{pending.researcher_id}"
    assert pending.queued_at is None


def test_task_for_a_slice_being_built_elsewhere_does_nothing(pending):
    started = timezone.now()
    GraphSlice.objects.filter(pk=pending.pk).update(
        status=GraphSlice.Status.BUILDING, started_at=started
    )
    assert run_task(pending.pk).get() == "skipped"
    pending.refresh_from_db()
    assert pending.status == GraphSlice.Status.BUILDING
    assert pending.started_at == started
    assert pending.payload is None


def test_task_for_a_ready_slice_does_nothing(pending):
    run_task(pending.pk)
    built_at = GraphSlice.objects.get(pk=pending.pk).built_at
    assert run_task(pending.pk).get() == "skipped"  # e.g. a redelivered message
    assert GraphSlice.objects.get(pk=pending.pk).built_at == built_at


def test_building_row_left_by_a_killed_worker_is_built_again(pending):
    GraphSlice.objects.filter(pk=pending.pk).update(
        status=GraphSlice.Status.BUILDING, started_at=timezone.now() - timedelta(hours=1)
    )
    assert run_task(pending.pk).get() == "built"
    assert GraphSlice.objects.get(pk=pending.pk).status == GraphSlice.Status.READY


@pytest.mark.django_db(transaction=True)
def test_concurrent_builds_of_one_slice_run_it_once():
    ada = factories.researcher()
    factories.work(authors=[ada])
    slice_id = services.graph_slice_ensure(researcher_id=ada.pk).pk
    barrier = threading.Barrier(4)
    results = []

    def build():
        try:
            barrier.wait()
            results.append(services.graph_slice_build(slice_id=slice_id))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4
    assert len([r for r in results if r is not None]) == 1
    assert GraphSlice.objects.get(pk=slice_id).attempts == 0  # reset by the one success


def flaky(failures: int):
    """A neighbourhood reader whose first `failures` calls lose the database connection."""
    real = services.read_neighbourhood
    calls = {"n": 0}

    def read(researcher):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise OperationalError("server closed the connection unexpectedly")
        return real(researcher)

    return read, calls


def test_transient_database_error_is_retried_and_the_build_completes(pending):
    reader, calls = flaky(failures=2)
    with mock.patch("graph.services.read_neighbourhood", reader):
        run_task(pending.pk)
    assert calls["n"] == 3
    pending.refresh_from_db()
    assert pending.status == GraphSlice.Status.READY
    assert pending.error == ""


def test_retries_are_bounded_and_the_failure_is_recorded(pending, settings):
    reader, calls = flaky(failures=100)
    with mock.patch("graph.services.read_neighbourhood", reader):
        result = run_task(pending.pk)
    assert result.failed()
    assert calls["n"] == build_graph_slice.max_retries + 1
    pending.refresh_from_db()
    assert pending.status == GraphSlice.Status.FAILED
    assert "Gave up after retries" in pending.error
    assert pending.attempts == build_graph_slice.max_retries + 1


def test_unexpected_error_fails_at_once_and_is_recorded(pending):
    with mock.patch("graph.builder.build_slice", side_effect=ValueError("bad data")) as build:
        result = run_task(pending.pk)
    assert result.failed()
    assert build.call_count == 1
    pending.refresh_from_db()
    assert pending.status == GraphSlice.Status.FAILED
    assert pending.error == "ValueError: bad data"


def test_failed_slice_is_queued_again_after_the_timeout(client, pending):
    GraphSlice.objects.filter(pk=pending.pk).update(
        status=GraphSlice.Status.FAILED, queued_at=timezone.now() - timedelta(hours=1)
    )
    graph_slice = tasks.graph_slice_request(researcher=pending.researcher)
    assert graph_slice.status == GraphSlice.Status.PENDING
    assert graph_slice.queued_at > timezone.now() - timedelta(minutes=1)


def test_retry_countdown_backs_off_up_to_the_bound(settings):
    settings.GRAPH = {**settings.GRAPH, "BUILD_RETRY_BACKOFF_MAX": 10}
    assert [retry_countdown(n) for n in range(6)] == [1, 2, 4, 8, 10, 10]
