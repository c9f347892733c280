"""The OpenAPI schema says what the API answers: its enums, nulls, errors and limits.

Each answer here is checked against the schema by schemathesis' own response validation, as
the fuzzing run (test_schemathesis.py) checks every answer it gets.
"""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import SimpleRateThrottle
from werkzeug.test import Client as WsgiClient

from graph.models import GraphSlice
from tests import factories
from works.models import Researcher
from works.openalex_api import filters as oa_filters
from works.openalex_api.entities import ENTITIES

RAW = json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str))
SCHEMA = schemathesis.openapi.from_dict(RAW)


def component(name: str) -> dict:
    return RAW["components"]["schemas"][name]


def parameter(path: str, name: str, method: str = "get") -> dict:
    (found,) = [p for p in RAW["paths"][path][method]["parameters"] if p["name"] == name]
    return found["schema"]


@pytest.fixture
def wsgi(db):
    """The real WSGI application, inside the test's transaction (as test_schemathesis runs)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WsgiClient(get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def conforms(path: str, response, method: str = "GET") -> None:
    """The answer's status, content type and body are the schema's (FailureGroup if not)."""
    SCHEMA[path][method].validate_response(response)


def test_a_claimed_record_validates_against_its_own_claim_status_enum(wsgi, owned_researcher):
    # drf-spectacular named it after the claims' status enum, so "claimed" failed validation.
    enum = component("ResearcherDetail")["properties"]["claim_status"]["$ref"].rsplit("/", 1)[-1]
    assert set(component(enum)["enum"]) == set(Researcher.ClaimStatus.values)
    assert set(component("ClaimStatusEnum")["enum"]) >= {"email_pending", "approved"}
    response = wsgi.get(f"/api/researchers/{owned_researcher.pk}/")
    assert response.status_code == 200 and response.json["claim_status"] == "claimed"
    conforms("/api/researchers/{id}/", response)


def test_a_slice_being_built_validates_with_its_nulls(wsgi):
    # build_ms, built_at and slice are null until the first build ends: the 202 answer (its
    # build is queued when the transaction commits, which a test's never does).
    researcher = factories.researcher()
    response = wsgi.get(f"/api/researchers/{researcher.pk}/graph-slice/")
    assert response.status_code == 202, response.data
    assert response.json["build_ms"] is None and response.json["slice"] is None
    assert GraphSlice.objects.get(researcher=researcher).build_ms is None
    conforms("/api/researchers/{id}/graph-slice/", response)


def test_refusals_are_documented_with_their_bodies(wsgi, make_user, monkeypatch):
    anonymous = wsgi.get("/api/claims/")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Token"
    conforms("/api/claims/", anonymous)

    bad_token = wsgi.get("/api/researchers/", headers={"Authorization": "Token nope"})
    assert bad_token.status_code == 401
    conforms("/api/researchers/", bad_token)

    missing = wsgi.get("/api/works/424242/")
    assert missing.status_code == 404 and missing.json == {
        "detail": "No Work matches the given query."
    }
    conforms("/api/works/{id}/", missing)

    past_the_last = wsgi.get("/api/topics/?page=5")
    assert past_the_last.status_code == 404
    conforms("/api/topics/", past_the_last)

    refused = wsgi.get("/api/works/?year=abc")
    assert refused.status_code == 400 and "year" in refused.json
    conforms("/api/works/", refused)

    oa_refused = wsgi.get("/openalex/works?per-page=201")
    assert oa_refused.status_code == 400 and set(oa_refused.json) == {"error", "message"}
    conforms("/openalex/works", oa_refused)

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": None})
    wsgi.get("/openalex/works")
    throttled = wsgi.get("/openalex/works")
    assert throttled.status_code == 429 and set(throttled.json) == {"error", "message"}
    conforms("/openalex/works", throttled)


def test_every_operation_documents_its_refusals():
    for path, methods in RAW["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"401", "429"} <= codes, (method, path)
            if "{" in path or method != "get":
                assert "404" in codes, (method, path)
            if any(s for s in operation.get("security", []) if s) and {} not in operation.get(
                "security", []
            ):
                assert "403" in codes, (method, path)
            body = "OpenAlexError" if path.startswith("/openalex/") else "Error"
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{body}"
            }


def test_a_page_size_of_zero_is_refused_not_ignored(stranger_client):
    # DRF's pagination fell back to 25 for page_size=0 on the claims and suggestions lists.
    for url in ("/api/claims/?page_size=0", "/api/suggestions/?page_size=ten"):
        response = stranger_client.get(url)
        assert response.status_code == 400 and "page_size" in response.json(), url


def test_the_researcher_filters_carry_their_bounds():
    assert parameter("/api/researchers/", "institution") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**63 - 1,
    }
    assert parameter("/api/researchers/", "verification_level")["maximum"] == 3
    assert parameter("/api/researchers/", "country")["pattern"] == "^([A-Za-z]{2})?$"


def test_unfollowing_answers_what_the_schema_says(stranger_client):
    researcher = factories.researcher()
    response = stranger_client.delete(f"/api/researchers/{researcher.pk}/follow/")
    assert response.status_code == 200
    assert "200" in RAW["paths"]["/api/researchers/{id}/follow/"]["delete"]["responses"]


def test_a_form_encoded_body_is_unsupported(stranger_client):
    # A form cannot say null; the schema documents JSON bodies only.
    researcher = factories.researcher()
    response = stranger_client.post(
        "/api/claims/", {"researcher": researcher.pk, "email": "a@b.org"}
    )
    assert response.status_code == 415
    assert set(RAW["paths"]["/api/claims/"]["post"]["requestBody"]["content"]) == {
        "application/json"
    }


@pytest.mark.parametrize(
    "email, valid",
    [("ada@example.org", True), ("a.b+c@x-y.example.co.uk", True), ("0@0.a", False)],
)
def test_the_claim_email_pattern_is_djangos_rule(email, valid):
    pattern = component("ClaimSubmitRequest")["properties"]["email"]["pattern"]
    assert bool(re.search(pattern, email)) is valid


def test_texts_that_must_say_something_say_so_in_the_schema():
    for name, field in [("MessageSendRequest", "body"), ("ReportSendRequest", "reason")]:
        pattern = component(name)["properties"][field]["pattern"]
        assert re.search(pattern, "Hello") and not re.search(pattern, "   "), name
        assert not re.search(pattern, "a\x00b"), name


def test_the_openalex_parameters_carry_the_apis_limits():
    works = "/openalex/works"
    assert parameter(works, "per-page") == {
        "type": "integer",
        "minimum": 1,
        "maximum": oa_filters.MAX_PER_PAGE,
    }
    assert parameter(works, "page")["maximum"] == oa_filters.MAX_PAGED_RESULTS
    assert parameter(works, "sample")["maximum"] == oa_filters.MAX_SAMPLE
    assert parameter(works, "seed")["maximum"] == oa_filters.MAX_SEED
    assert parameter(works, "cursor")["enum"] == ["*"]
    assert parameter(works, "filter")["maxLength"] == oa_filters.MAX_FILTER_LENGTH
    for value, valid in [
        ("publication_year:>2019,author.id:A5023888391", True),
        ("has_doi:true|false", True),
        ("", True),
        ("publication_year:abc", False),
        ("nonsense:1", False),
    ]:
        assert bool(re.search(parameter(works, "filter")["pattern"], value)) is valid, value
    sort = parameter(works, "sort")["pattern"]
    assert re.search(sort, "cited_by_count:desc,publication_year") and not re.search(sort, "x")
    select = parameter("/openalex/authors/{key}", "select")["pattern"]
    assert all(re.search(select, field) for field in ENTITIES["authors"].fields)
