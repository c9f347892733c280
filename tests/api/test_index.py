"""/api/ and /openalex/ answer an index of their endpoints, and every page links the docs."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_rest_api_root_lists_its_collections_and_docs(client):
    response = client.get("/api/")
    assert response.status_code == 200
    data = response.json()
    assert data["documentation_url"] == "http://testserver/api/docs/"
    assert data["schema_url"] == "http://testserver/api/schema/"
    endpoints = data["endpoints"]
    assert endpoints["researchers"] == "http://testserver/api/researchers/"
    assert endpoints["works"] == "http://testserver/api/works/"
    assert endpoints["openalex"] == "http://testserver/openalex/"
    # Every listed endpoint answers (the signed-in ones ask for credentials).
    for name, url in endpoints.items():
        assert client.get(url).status_code in (200, 401), name


def test_an_unknown_api_path_is_still_a_json_404(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_openalex_root_answers_as_openalex_does(client):
    response = client.get("/openalex/")
    assert response.status_code == 200
    data = response.json()
    assert data["documentation_url"] == "http://testserver/api/docs/"
    assert data["msg"]
    assert data["endpoints"]["works"] == "http://testserver/openalex/works"
    assert data["autocomplete"]["authors"] == "http://testserver/openalex/autocomplete/authors"
    for url in data["endpoints"].values():
        assert client.get(url).status_code == 200


@override_settings(OPENALEX_API_HOST="api.bzpeer.test", ALLOWED_HOSTS=["api.bzpeer.test"],
                   SITE_URL="https://bzpeer.test")  # fmt: skip
def test_the_openalex_root_on_its_own_host_points_at_the_sites_docs(client):
    data = client.get("/", HTTP_HOST="api.bzpeer.test").json()
    assert data["endpoints"]["works"] == "http://api.bzpeer.test/works"
    assert data["documentation_url"] == "https://bzpeer.test/api/docs/"


def test_a_write_to_the_indexes_is_refused_as_json(client):
    assert client.post("/api/").status_code == 405
    response = client.post("/openalex/")
    assert response.status_code == 405
    assert response.json()["error"] == "Method not allowed"


def test_every_page_links_the_api_documentation(client):
    html = client.get(reverse("profiles:home")).content.decode()
    assert f'<a href="{reverse("api-docs")}">API documentation</a>' in html
    assert '<a href="/openalex/">OpenAlex-compatible API</a>' in html
