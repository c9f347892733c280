"""Fuzz every API endpoint from the OpenAPI schema: malformed input is a 4xx, never a 500.

schemathesis generates valid and invalid parameters for each operation of the schema that
/api/schema/ serves (the REST API and the OpenAlex-compatible one) and sends them through the
WSGI application, inside the test's database transaction.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error

from profiles.accounts import tokens
from tests import factories

# Examples per operation: enough to find a crash, few enough to keep the run near a minute.
EXAMPLES = 6

schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str))
)
schema.app = get_wsgi_application()


@pytest.fixture
def auth_header(db, make_user, monkeypatch):
    """A token user, some rows to find, and no throttling (fuzzing is many requests)."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    ada = factories.researcher(display_name="Ada Lovelace")
    factories.work(authors=[ada, factories.researcher()], topics=[factories.topic()])
    factories.institution()
    # The real WSGI handler closes the database connection when a request ends; the test's
    # transaction lives on it, so keep it open as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Token {tokens.token_create(user=make_user('fuzz@example.org'))}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def errors_are_json(ctx, response, case):
    """Every refusal says why, in JSON."""
    if response.status_code >= 400:
        headers = {name.lower(): value for name, value in response.headers.items()}
        content_type = headers.get("content-type", [""])
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), (
            f"{response.status_code} answered as {content_type!r}"
        )


def test_the_schema_covers_both_apis():
    paths = set(schema.raw_schema["paths"])
    assert {"/api/researchers/", "/api/researchers/{id}/follow/", "/openalex/works"} <= paths
    assert "/openalex/works/{key}" in paths and "/openalex/autocomplete/authors" in paths
    assert "/api/researchers/{id}/graph-slice/" in paths


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run: a failure here is never a fluke
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_bad_input_without_server_errors(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=[not_a_server_error, errors_are_json])
