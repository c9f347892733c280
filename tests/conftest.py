"""Shared fixtures: the personas every endpoint is tested with, and small data builders."""

from pathlib import Path

import pytest
from django.test import Client

from bzpeer.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
REAL_DATA = SHARED / "real-data"
SEED_PAGE = SHARED / "seed" / "000_275a4833a3808574.txt"


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_in_process():
    """Tasks run in-process in tests; the worker integration test starts a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashers cost ~0.3 s per account; the tests check behaviour, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_user(db, django_user_model):
    counter = {"n": 0}

    def make(email=None, password="correct-horse-battery", **extra):
        counter["n"] += 1
        email = email or f"user{counter['n']}@example.org"
        return django_user_model.objects.create_user(
            username=email, email=email, password=password, **extra
        )

    return make


@pytest.fixture
def owner(make_user):
    """A signed-in person who owns a researcher record (see `owned_researcher`)."""
    return make_user("owner@example.org")


@pytest.fixture
def stranger(make_user):
    """A signed-in person with no relation to the record under test."""
    return make_user("stranger@example.org")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator@example.org", is_staff=True)


@pytest.fixture
def owned_researcher(owner):
    """A record the owner owns, as an approved claim leaves it: owner, claimed, level 2."""
    from tests import factories

    record = factories.researcher(
        display_name="Owned Record",
        owner=owner,
        claim_status="claimed",
        verification_level=2,
    )
    factories.work(authors=[record], title="The owner's work")
    factories.refresh(record)
    return record


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Each persona its own client: a test that uses two of them sees two different sessions.


@pytest.fixture
def visitor_client(db):
    """An anonymous visitor."""
    return Client()


@pytest.fixture
def owner_client(owner):
    return _signed_in(owner)


@pytest.fixture
def stranger_client(stranger):
    return _signed_in(stranger)


@pytest.fixture
def moderator_client(moderator):
    return _signed_in(moderator)


@pytest.fixture
def unthrottled(monkeypatch):
    """Hundreds of API calls in one test: the anonymous rate limit is not what is tested."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
