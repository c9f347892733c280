"""The API's rate limit: the anon rate by address, the user rate by person, per window."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.throttling import SimpleRateThrottle

from bzpeer.throttling import ApiRateThrottle

pytestmark = pytest.mark.django_db

URL = "/api/topics/"


@pytest.fixture
def rates(monkeypatch):
    def set_rates(anon, user):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": anon, "user": user})

    return set_rates


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by the test: `clock.now = 61` is a minute later."""

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr(ApiRateThrottle, "timer", lambda self: Clock.now)
    return Clock


def codes(client, times, **extra):
    return [client.get(URL, **extra).status_code for _ in range(times)]


def test_an_anonymous_client_gets_the_anon_rate_then_429(visitor_client, rates, clock):
    rates("2/minute", "5/minute")
    assert codes(visitor_client, 3) == [200, 200, 429]
    refused = visitor_client.get(URL)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def test_the_window_ends_and_the_client_may_call_again(visitor_client, rates, clock):
    rates("2/minute", "5/minute")
    clock.now = 60 * 20_000 + 50  # ten seconds before a window ends
    assert codes(visitor_client, 3) == [200, 200, 429]
    assert visitor_client.get(URL)["Retry-After"] == "10"
    clock.now += 10
    assert codes(visitor_client, 3) == [200, 200, 429]


def test_a_signed_in_person_gets_the_user_rate(stranger_client, visitor_client, rates, clock):
    rates("1/minute", "3/minute")
    assert codes(stranger_client, 4) == [200, 200, 200, 429]
    # The anonymous visitor beside them has their own count and the anon rate.
    assert codes(visitor_client, 2) == [200, 429]


def test_each_address_and_each_person_is_counted_apart(make_user, rates, clock):
    rates("1/minute", "1/minute")
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert codes(first, 2) == [200, 429]
    assert codes(second, 1) == [200]
    ada, bea = Client(), Client()
    ada.force_login(make_user("ada@example.org"))
    bea.force_login(make_user("bea@example.org"))
    assert codes(ada, 2) == [200, 429]
    assert codes(bea, 1) == [200]


def test_no_rate_means_no_limit(visitor_client, rates, clock):
    rates(None, None)
    assert set(codes(visitor_client, 5)) == {200}


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_embedded_default_cache_counts_too(visitor_client, rates, clock):
    """Without Redis (`make run` with nothing configured) the local memory cache counts."""
    rates("2/minute", "5/minute")
    cache.clear()
    assert codes(visitor_client, 3) == [200, 200, 429]
