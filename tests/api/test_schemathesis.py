"""Fuzz every operation of the OpenAPI schema with all of schemathesis' checks: zero failures.

schemathesis generates valid and invalid requests for each operation of the schema that
/api/schema/ serves (the REST API and the OpenAlex-compatible one), anonymously and with a
token, sends them through the WSGI application inside the test's transaction, and checks each
answer with every check it has: no 5xx, documented status codes, content types, headers and
bodies, valid input accepted, invalid input refused, authentication enforced, 405 with `Allow`
for methods the schema does not list. The examples are derandomized, and the rows' ids are
the same on every run, so a failure here is never a fluke.

SCHEMATHESIS_EXAMPLES=N sets the examples per operation (`make fuzz` runs a long one).
"""

import json
import os

import pytest
import schemathesis
from django.apps import apps
from django.core.management.color import no_style
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle

from profiles.accounts import tokens
from tests import factories
from works import identifiers
from works.openalex_api import filters as oa_filters
from works.openalex_api.schema import EXCLUSIVE

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
# The coverage phase (every boundary and mutation of every parameter, and methods the schema
# does not list) runs with a token; anonymous callers get the generated examples only, which
# keeps the suite's run to a few minutes. SCHEMATHESIS_COVERAGE=all covers both.
ANONYMOUS_COVERAGE = os.environ.get("SCHEMATHESIS_COVERAGE") == "all"
RAW_SCHEMA = json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str))


def load(*, coverage: bool):
    loaded = schemathesis.openapi.from_dict(RAW_SCHEMA)
    loaded.app = get_wsgi_application()
    loaded.config.phases.coverage.enabled = coverage
    loaded.hook(filter_case)
    return loaded


def breaks_a_rule_in_words(case) -> bool:
    """Whether a request breaks a rule the schema states only in words (JSON Schema cannot).

    Only these are kept out of the valid requests: anything else the API refuses fails.
    """
    query = case.query or {}
    if case.path.startswith("/openalex/"):
        if any(a in query and b in query for a, b in EXCLUSIVE):
            return True  # parameters that exclude each other
        per_page = query.get("per-page", query.get("per_page", 25))
        if "page" in query and int(query["page"]) * int(per_page) > oa_filters.MAX_PAGED_RESULTS:
            return True  # page × per-page past the results basic paging reaches
    body = case.body if isinstance(case.body, dict) else {}
    orcid = body.get("orcid")
    if isinstance(orcid, str) and orcid:
        # An ORCID iD's check digit.
        return not identifiers.orcid_checksum_ok(identifiers.strip_orcid_prefix(orcid))
    return False


def filter_case(context, case):
    if case.meta is not None and case.meta.generation.mode.is_positive:
        return not breaks_a_rule_in_words(case)
    return True


token_schema = load(coverage=True)
anonymous_schema = load(coverage=ANONYMOUS_COVERAGE)


def errors_are_json(ctx, response, case):
    """Every refusal says why, in JSON."""
    if response.status_code >= 400:
        headers = {name.lower(): value for name, value in response.headers.items()}
        content_type = headers.get("content-type", [""])
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), (
            f"{response.status_code} answered as {content_type!r}"
        )


@pytest.fixture
def fuzz_world(db, make_user, monkeypatch):
    """Rows with the same ids on every run; no throttling (fuzzing is many requests)."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    # Other tests in this worker moved the sequences; start them after the rows that remain.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)
    fuzz = make_user("fuzz@example.org")
    ada = factories.researcher(
        display_name="Ada Lovelace",
        openalex_id="A5000000001",
        owner=make_user("ada@example.org"),
        claim_status="claimed",
        verification_level=2,
        open_to_collaborate=True,
    )
    mine = factories.researcher(
        display_name="Fuzz Person",
        openalex_id="A5000000002",
        owner=fuzz,
        claim_status="claimed",
        verification_level=2,
    )
    other = factories.researcher(display_name="Mary Somerville", openalex_id="A5000000003")
    topic = factories.topic(display_name="Analytical Engines", openalex_id="T10001")
    factories.work(
        title="Notes on the Engine", openalex_id="W1", authors=[ada, mine, other], topics=[topic]
    )
    institution = factories.institution(
        display_name="University of London", openalex_id="I1", country_code="GB"
    )
    factories.affiliate(ada, institution)
    factories.refresh(ada, mine)
    # The real WSGI handler closes the database connection when a request ends; the test's
    # transaction lives on it, so keep it open as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"token": {"Authorization": f"Token {tokens.token_create(user=fuzz)}"}}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_covers_both_apis():
    paths = set(RAW_SCHEMA["paths"])
    assert {"/api/researchers/", "/api/researchers/{id}/follow/", "/openalex/works"} <= paths
    assert "/openalex/works/{key}" in paths and "/openalex/autocomplete/authors" in paths
    assert "/api/researchers/{id}/graph-slice/" in paths


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@token_schema.parametrize()
@HYPOTHESIS
def test_api_passes_every_check_with_a_token(case, fuzz_world):
    case.call_and_validate(headers=fuzz_world["token"], additional_checks=[errors_are_json])


@anonymous_schema.parametrize()
@HYPOTHESIS
def test_api_passes_every_check_anonymously(case, fuzz_world):
    case.call_and_validate(headers={}, additional_checks=[errors_are_json])
