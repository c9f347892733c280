"""The slice API (200, 202, stale, 404, broker down) and the explorer's neighbours API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bzpeer.celery import app as celery_app
from graph import builder
from graph import tasks as graph_tasks
from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure
from tests import factories

pytestmark = pytest.mark.django_db


def builds_queued(callbacks) -> int:
    """The build messages among the on-commit callbacks (cache retirements run there too)."""
    return sum(getattr(c, "func", None) is graph_tasks._enqueue_build for c in callbacks)


def slice_url(researcher_or_pk):
    pk = getattr(researcher_or_pk, "pk", researcher_or_pk)
    return reverse("graph:api-slice", args=[pk])


def built(researcher) -> GraphSlice:
    graph_slice = graph_slice_ensure(researcher_id=researcher.pk)
    return graph_slice_build(slice_id=graph_slice.pk)


@pytest.fixture
def ada(db):
    ada = factories.researcher(display_name="Ada")
    bob = factories.researcher(display_name="Bob")
    factories.work(authors=[ada, bob], topics=[factories.topic()])
    factories.work(authors=[ada, bob])
    factories.refresh(ada, bob)
    return ada


@pytest.fixture
def broker_down():
    """Point Celery at a port where nothing listens, as when Redis is down."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:1/0", False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    # Nothing ever connected, so there is nothing to close; drop the pools for the next test.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    conf.broker_url, conf.task_always_eager = saved


def test_unknown_researcher_is_a_404(client):
    response = client.get(slice_url(987654321))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_first_request_queues_one_build_and_answers_202(
    client, ada, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(slice_url(ada))
        second = client.get(slice_url(ada))

    assert first.status_code == 202
    assert first.json()["status"] == "pending"
    assert first.json()["slice"] is None
    assert first["Retry-After"] == "2"
    assert second.status_code == 202
    assert len(callbacks) == 1  # queued at most once
    assert GraphSlice.objects.get(researcher=ada).queued_at is not None


def test_queued_build_runs_and_the_next_request_gets_the_slice(
    client, ada, django_capture_on_commit_callbacks
):
    # Tasks run in-process in tests, so running the captured callback builds the slice.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(slice_url(ada))

    response = client.get(slice_url(ada))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["stale"] is False
    assert body["retry_after"] is None
    assert body["slice"]["center"] == f"researcher:{ada.pk}"
    assert body["slice"]["counts"]["close_collaborators"] == ada.close_collaborators_count


def test_fresh_slice_is_served_without_queueing(client, ada, django_capture_on_commit_callbacks):
    built(ada)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(slice_url(ada))
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert callbacks == []


def test_stale_slice_is_served_while_one_rebuild_is_queued(
    client, ada, django_capture_on_commit_callbacks
):
    old = built(ada)
    GraphSlice.objects.filter(pk=old.pk).update(stale=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(slice_url(ada))
        second = client.get(slice_url(ada))

    assert first.status_code == 200
    body = first.json()
    assert body["stale"] is True
    assert body["status"] == "pending"
    assert body["slice"] == old.payload
    assert second.json()["stale"] is True
    assert builds_queued(callbacks) == 1


def test_slice_of_an_older_builder_is_served_while_it_is_rebuilt_in_todays_shape(
    client, ada, django_capture_on_commit_callbacks
):
    old = built(ada)
    ring_payload = {**old.payload, "version": 1, "timeline": None}
    # As stored by the version 1 builder, whose fingerprint hashed its own version number.
    GraphSlice.objects.filter(pk=old.pk).update(payload=ring_payload, fingerprint="1" * 64)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.get(slice_url(ada))
    second = client.get(slice_url(ada))

    assert first.status_code == 200
    assert first.json()["stale"] is True
    assert first.json()["slice"]["version"] == 1
    assert builds_queued(callbacks) == 1
    # The rebuild ran (tasks run in-process here): the next answer has today's shape.
    assert second.json()["stale"] is False
    assert second.json()["slice"]["version"] == builder.VERSION
    assert second.json()["slice"]["timeline"] is not None


def test_slice_being_built_answers_202_building(client, ada, django_capture_on_commit_callbacks):
    GraphSlice.objects.create(
        researcher=ada,
        status=GraphSlice.Status.BUILDING,
        started_at=timezone.now(),
        queued_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(slice_url(ada))
    assert response.status_code == 202
    assert response.json()["status"] == "building"
    assert callbacks == []


def test_build_left_by_a_killed_worker_is_queued_again(
    client, ada, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(hours=1)
    GraphSlice.objects.create(
        researcher=ada, status=GraphSlice.Status.BUILDING, started_at=long_ago, queued_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(slice_url(ada))
    assert builds_queued(callbacks) == 1
    assert GraphSlice.objects.get(researcher=ada).status == GraphSlice.Status.READY


# With no test transaction around it, the enqueue runs on commit inside the request, as live.
@pytest.mark.django_db(transaction=True)
def test_broker_down_answers_a_clear_503_and_the_next_request_tries_again(
    client, ada, broker_down, caplog
):
    response = client.get(slice_url(ada))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "try again" in body["detail"]
    graph_slice = GraphSlice.objects.get(researcher=ada)
    assert graph_slice.queued_at is None
    assert "unavailable" in graph_slice.error

    assert client.get(slice_url(ada)).status_code == 503
    assert caplog.text.count("Could not queue graph slice") == 2


@pytest.mark.django_db(transaction=True)
def test_broker_down_still_serves_a_stale_slice(client, ada, broker_down):
    old = built(ada)
    GraphSlice.objects.filter(pk=old.pk).update(stale=True)
    response = client.get(slice_url(ada))
    assert response.status_code == 200
    assert response.json()["stale"] is True
    assert response.json()["status"] == "unavailable"
    assert response.json()["slice"] == old.payload


def test_failed_build_is_reported_without_a_500(client, ada, django_capture_on_commit_callbacks):
    GraphSlice.objects.create(
        researcher=ada,
        status=GraphSlice.Status.FAILED,
        queued_at=timezone.now(),
        error="ValueError: bad data",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(slice_url(ada))
    assert response.status_code == 503
    assert response.json()["status"] == "failed"
    assert callbacks == []  # not retried on every poll; after the timeout it is


def test_slice_api_answers_every_persona(
    visitor_client,
    stranger_client,
    owner_client,
    moderator_client,
    owned_researcher,
    django_capture_on_commit_callbacks,
):
    # Before the personas had clients of their own, "the visitor" here was signed in.
    assert "_auth_user_id" not in visitor_client.session
    built(owned_researcher)
    for client in (visitor_client, stranger_client, owner_client, moderator_client):
        assert client.get(slice_url(owned_researcher)).status_code == 200


def test_slice_api_refuses_writes(client, ada):
    assert client.post(slice_url(ada)).status_code == 405


# The neighbours API


def neighbours_url(node, **params):
    url = reverse("graph:api-neighbours", args=[node])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_neighbours_of_a_researcher_are_coauthors_works_and_institutions(client):
    ada = factories.researcher()
    bob = factories.researcher(display_name="Bob")
    place = factories.institution(display_name="Ada's Institute")
    factories.affiliate(ada, place)
    paper = factories.work(authors=[ada, bob], title="Engines")

    body = client.get(neighbours_url(f"researcher:{ada.pk}")).json()

    ids = {node["id"] for node in body["nodes"]}
    assert ids == {f"researcher:{bob.pk}", f"work:{paper.pk}", f"institution:{place.pk}"}
    assert body["node"] == f"researcher:{ada.pk}"
    assert body["more"] is False
    assert {edge["type"] for edge in body["edges"]} == {"coauthor", "authored", "affiliated"}
    assert all(f"researcher:{ada.pk}" in (e["source"], e["target"]) for e in body["edges"])


def test_neighbours_of_a_work_topic_and_institution(client):
    ada = factories.researcher()
    topic = factories.topic()
    place = factories.institution()
    factories.affiliate(ada, place)
    paper = factories.work(authors=[ada], topics=[topic])

    work_ids = {n["id"] for n in client.get(neighbours_url(f"work:{paper.pk}")).json()["nodes"]}
    topic_ids = {n["id"] for n in client.get(neighbours_url(f"topic:{topic.pk}")).json()["nodes"]}
    place_ids = {
        n["id"] for n in client.get(neighbours_url(f"institution:{place.pk}")).json()["nodes"]
    }

    assert work_ids == {f"researcher:{ada.pk}", f"topic:{topic.pk}"}
    assert topic_ids == {f"work:{paper.pk}"}
    assert place_ids == {f"researcher:{ada.pk}"}


def test_neighbours_are_bounded_and_say_when_there_are_more(client, settings):
    settings.GRAPH = {**settings.GRAPH, "NEIGHBOURS_LIMIT": 5}
    topic = factories.topic()
    person = factories.researcher()
    for _ in range(8):
        factories.work(authors=[person], topics=[topic])

    body = client.get(neighbours_url(f"topic:{topic.pk}")).json()
    assert len(body["nodes"]) == 5
    assert body["more"] is True
    # A larger limit than the setting is cut to the setting.
    assert len(client.get(neighbours_url(f"topic:{topic.pk}", limit=50)).json()["nodes"]) == 5
    assert len(client.get(neighbours_url(f"topic:{topic.pk}", limit=2)).json()["nodes"]) == 2


def test_neighbours_query_count_does_not_grow_with_the_topic(client):
    def queries(topic):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(neighbours_url(f"topic:{topic.pk}")).status_code == 200
        return len(ctx.captured_queries)

    person = factories.researcher()
    small, large = factories.topic(), factories.topic()
    factories.work(authors=[person], topics=[small])
    for _ in range(60):
        factories.work(authors=[person], topics=[large])
    assert queries(small) == queries(large)


def test_neighbours_of_an_unknown_node_is_a_404(client):
    assert client.get(neighbours_url("work:987654321")).status_code == 404


@pytest.mark.parametrize("bad", ["person:1", "work:abc", "work"])
def test_neighbours_of_a_malformed_node_id_is_a_404(client, bad):
    assert client.get(f"/api/graph/nodes/{bad}/neighbours/").status_code == 404


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_neighbours_refuse_a_bad_limit(client, limit):
    topic = factories.topic()
    response = client.get(neighbours_url(f"topic:{topic.pk}", limit=limit))
    assert response.status_code == 400
    assert "limit" in response.json()
