"""Throttles count the client's real address: X-Forwarded-For is believed only as far as
BZPEER_TRUSTED_PROXIES says proxies of ours wrote it."""

import json
import random

import pytest
from django.urls import reverse

from tests.site.test_deploy import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

LIMIT = 120  # API_THROTTLE_ANON's default, per minute


def random_address() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def test_random_forwarded_for_values_do_not_escape_the_anonymous_limit(client):
    url = reverse("works-api:topic-list")
    codes = [client.get(url, HTTP_X_FORWARDED_FOR=random_address()).status_code for _ in range(150)]
    assert codes[:LIMIT] == [200] * LIMIT
    assert codes[LIMIT:] == [429] * (150 - LIMIT)


def test_behind_one_proxy_the_address_it_saw_is_counted(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    url = reverse("works-api:topic-list")
    # Our proxy appends the address it saw; whatever the client wrote before it is ignored.
    for _ in range(LIMIT):
        forwarded = f"{random_address()}, 198.51.100.7"
        assert client.get(url, HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Another client behind the same proxy (same REMOTE_ADDR) has its own allowance.
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8").status_code == 200


def test_one_setting_drives_every_limit_and_defaults_to_no_proxy():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.REST_FRAMEWORK['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT]))"
    )
    for env, expected in [({}, [0, 0]), ({"BZPEER_TRUSTED_PROXIES": "1"}, [1, 1])]:
        result = run_manage("shell", "-c", code, env_overrides={**PRODUCTION_ENV, **env})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
    bad = run_manage("check", env_overrides={**PRODUCTION_ENV, "BZPEER_TRUSTED_PROXIES": "-1"})
    assert "BZPEER_TRUSTED_PROXIES must be at least 0" in bad.stderr
