"""Signed-in readers load from the cache, and every change to their account counts at once."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.accounts import backends
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(db):
    record = factories.researcher(display_name="Row Cached")
    factories.work(authors=[record], title="A paper to read signed in")
    factories.refresh(record)
    return record.get_absolute_url()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_reader_is_loaded_from_the_cache(make_user, page):
    client = signed_in(make_user("reader@example.org"))
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    read(client, page)
    html, queries = read(client, page)
    assert "Log out" in html and queries == []


def test_signing_in_with_a_password_points_the_session_at_the_cache(make_user, page):
    make_user("ada@example.org", password="correct-horse-battery")
    client = Client()
    assert client.login(username="ada@example.org", password="correct-horse-battery")
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    assert "Log out" in read(client, page)[0]


def test_the_cached_backend_signs_nobody_in(make_user):
    make_user("bea@example.org", password="correct-horse-battery")
    backend = backends.CachedUserBackend()
    assert (
        backend.authenticate(None, username="bea@example.org", password="correct-horse-battery")
        is None
    )
    # The usual backends still do.
    assert authenticate(username="bea@example.org", password="correct-horse-battery") is not None


def test_a_deactivated_account_is_signed_out_at_once(make_user, page):
    user = make_user("cyd@example.org")
    client = signed_in(user)
    assert "Log out" in read(client, page)[0]
    user.is_active = False
    user.save()
    html, _ = read(client, page)
    assert "Log in" in html and "Log out" not in html


def test_a_new_password_signs_the_other_sessions_out_at_once(make_user, page):
    user = make_user("dee@example.org")
    client = signed_in(user)
    assert "Log out" in read(client, page)[0]
    user.set_password("another-horse-battery")
    user.save()
    assert "Log in" in read(client, page)[0]


def test_becoming_staff_shows_at_once(make_user, page):
    user = make_user("eve@example.org")
    client = signed_in(user)
    assert reverse("claims:moderation") not in read(client, page)[0]
    user.is_staff = True
    user.save()
    assert reverse("claims:moderation") in read(client, page)[0]


def test_a_deleted_account_is_signed_out(make_user, page):
    user = make_user("fay@example.org")
    client = signed_in(user)
    read(client, page)
    user.delete()
    assert "Log in" in read(client, page)[0]


def test_a_session_from_before_still_loads_its_user(make_user, page):
    """Sessions made before the cached backend keep theirs, and their user from the database."""
    client = signed_in(make_user("gus@example.org"))
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    read(client, page)
    html, queries = read(client, page)
    assert "Log out" in html and len(queries) == 1  # the user row
