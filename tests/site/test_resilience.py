"""Faults the site must survive: Redis unreachable, a Celery worker killed mid-build."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from bzpeer.cache import ResilientRedisCache
from graph import tasks as graph_tasks
from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure
from tests import factories
from tests.collaboration.conftest import confirm_email

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused, as when Redis is down.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def builds_queued(callbacks) -> int:
    """The build messages among the on-commit callbacks (cache retirements run there too)."""
    return sum(getattr(c, "func", None) is graph_tasks._enqueue_build for c in callbacks)


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "bzpeer.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "REDIS_CLIENT_CLASS": "bzpeer.cache.FailFastRedis",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache)
    return backend


@pytest.fixture
def person(db):
    person = factories.researcher(display_name="Grace Hopper")
    factories.work(authors=[person], title="Compiling for machines")
    factories.refresh(person)
    return person


def test_dead_redis_reads_miss_and_writes_are_dropped(redis_down):
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.get_or_set("v", 7) == 7
    assert cache.get_many(["a", "b"]) == {}
    # add() reports success so a rate limiter's lock is taken and the request goes on.
    assert cache.add("lock", True) is True
    assert cache.incr("counter") == 1
    assert cache.delete("k") is False


def test_backend_rests_after_a_failure_then_tries_again(redis_down, monkeypatch):
    assert redis_down.get("first") is None
    pool = redis_down.client.get_client().connection_pool
    assert pool.down_until > time.monotonic()
    tries = []
    real_get_connection = pool.get_connection

    def counting_get_connection(*args, **kwargs):
        tries.append(args)
        return real_get_connection(*args, **kwargs)

    monkeypatch.setattr(pool, "get_connection", counting_get_connection)
    # Within RETRY_AFTER the backend does not wait on the dead server again ...
    assert redis_down.get("second", "d") == "d"
    assert tries == []
    # ... and once it has passed, it tries again.
    pool.down_until = 0.0
    assert redis_down.get("third", "d") == "d"
    assert len(tries) == 1


def test_anonymous_profile_page_renders_with_redis_down(client, person, redis_down):
    for _ in range(2):  # the second visit cannot come from the cache either
        response = client.get(person.get_absolute_url())
        assert response.status_code == 200
        assert b"Grace Hopper" in response.content


def test_signed_in_pages_and_the_api_answer_with_redis_down(client, person, stranger, redis_down):
    client.force_login(stranger)
    assert client.get(person.get_absolute_url()).status_code == 200
    # DRF's throttles keep their history in the cache.
    api = client.get(reverse("profiles-api:researcher-detail", args=[person.pk]))
    assert api.status_code == 200


def test_login_works_with_redis_down(client, make_user, redis_down):
    # allauth's login rate limit takes a lock and keeps attempts in the cache.
    user = confirm_email(make_user("ada@example.org", password="correct-horse-battery"))
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("collaboration:following")).status_code == 200


def test_follow_and_invite_work_with_redis_down(client, owner, stranger, redis_down):
    record = factories.researcher(
        display_name="Hongxia Yang", owner=owner, claim_status="claimed", verification_level=2
    )
    factories.work(authors=[record])
    factories.refresh(record)
    client.force_login(confirm_email(stranger))

    follow = client.post(reverse("collaboration:follow", args=[record.pk]))
    assert follow.status_code in (302, 303)
    assert stranger.follows.filter(researcher=record).exists()

    invite = client.post(
        reverse("collaboration:invite_create", args=[record.pk]),
        {"topic_text": "Calibration", "message": "Shall we compare results?"},
    )
    assert invite.status_code in (302, 303)
    assert record.invites.filter(sender=stranger).exists()


# --- A worker killed mid-build -------------------------------------------------------------


def _left_building(researcher, worker):
    graph_slice = graph_slice_ensure(researcher_id=researcher.pk)
    GraphSlice.objects.filter(pk=graph_slice.pk).update(
        status=GraphSlice.Status.BUILDING, started_at=timezone.now(), claimed_by=worker
    )
    return graph_slice


def test_build_records_its_worker_and_clears_it_when_done(person):
    graph_slice = graph_slice_ensure(researcher_id=person.pk)
    built = graph_slice_build(slice_id=graph_slice.pk, worker="celery@web1")
    assert built.status == GraphSlice.Status.READY
    assert GraphSlice.objects.get(pk=graph_slice.pk).claimed_by == ""


def test_restarted_worker_requeues_the_builds_its_predecessor_held(
    person, django_capture_on_commit_callbacks
):
    other = factories.researcher(display_name="Other")
    factories.work(authors=[other])
    mine = _left_building(person, "celery@web1")
    theirs = _left_building(other, "celery@web2")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        graph_tasks.requeue_builds_of_killed_predecessor(
            sender=SimpleNamespace(hostname="celery@web1")
        )

    assert builds_queued(callbacks) == 1
    mine.refresh_from_db()
    assert mine.status == GraphSlice.Status.READY  # queued again and built (tasks run eagerly)
    assert mine.claimed_by == ""
    theirs.refresh_from_db()
    assert theirs.status == GraphSlice.Status.BUILDING  # another live worker's build
    assert theirs.claimed_by == "celery@web2"


def test_sweep_resends_builds_whose_message_was_lost(
    person, settings, django_capture_on_commit_callbacks
):
    settings.GRAPH = {**settings.GRAPH, "REQUEUE_AFTER_SECONDS": 60}
    fresh = factories.researcher(display_name="Fresh")
    factories.work(authors=[fresh])
    lost = graph_slice_ensure(researcher_id=person.pk)
    just_queued = graph_slice_ensure(researcher_id=fresh.pk)
    GraphSlice.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
    GraphSlice.objects.filter(pk=just_queued.pk).update(queued_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert graph_tasks.requeue_lost_graph_slices() == 1

    assert builds_queued(callbacks) == 1
    lost.refresh_from_db()
    assert lost.status == GraphSlice.Status.READY
    just_queued.refresh_from_db()
    assert just_queued.status == GraphSlice.Status.PENDING
