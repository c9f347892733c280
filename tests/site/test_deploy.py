"""Production settings, checked in a fresh interpreter: settings are read once at import."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-1234567890-abcdef",
    "ALLOWED_HOSTS": "bzpeer.example.org",
    "SITE_URL": "https://bzpeer.example.org",
}


def run_manage(*args, env_overrides):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never does.
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_https_is_enforced():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE,"
        "'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'httponly': s.SESSION_COOKIE_HTTPONLY, 'debug': s.DEBUG}))"
    )
    result = run_manage("shell", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "session": True,
        "csrf": True,
        "ssl": True,
        "hsts": 31536000,
        "httponly": True,
        "debug": False,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY is required when DEBUG is off"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"BZPEER_DEMO": "perhaps"}, "BZPEER_DEMO must be a boolean"),
        ({"PROFILE_WORKS_PER_PAGE": "lots"}, "PROFILE_WORKS_PER_PAGE must be a whole number"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
    ],
)
def test_bad_settings_fail_with_a_clear_message(overrides, message):
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    "site_url", ["", "http://", "javascript:alert(1)", "bzpeer.example.org", "/relative"]
)
def test_check_deploy_requires_the_public_address_when_debug_is_off(site_url):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    result = run_manage("check", "--deploy", env_overrides=env)
    assert result.returncode != 0
    assert "bzpeer.E001" in result.stderr
    assert "SITE_URL must be the site's public address" in result.stderr


def test_without_debug_links_follow_the_public_address_and_its_scheme():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SITE_URL, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL, s.SECURE_SSL_REDIRECT, 'example.net' in "
        "s.ALLOWED_HOSTS]))"
    )
    for site_url, expected in [
        ("https://bzpeer.example.org/", ["https://bzpeer.example.org", "https", True, False]),
        # make run serves plain HTTP on the machine itself: no redirect to an https:// that
        # is not there, and its host is allowed.
        ("http://example.net:8000", ["http://example.net:8000", "http", False, True]),
    ]:
        env = {**PRODUCTION_ENV, "SITE_URL": site_url}
        result = run_manage("shell", "-c", code, env_overrides=env)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
