"""The REST API under /api/: researchers, works, topics, institutions and following."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collaboration.models import Follow
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph():
    """Two researchers with shared works, a topic and an institution."""
    place = factories.institution(display_name="Uni Example", country_code="DE")
    ada = factories.researcher(display_name="Ada Lovelace", orcid="0000-0002-1825-0097")
    factories.affiliate(ada, place)
    charles = factories.researcher(display_name="Charles Babbage")
    topic = factories.topic(display_name="Analytical engines")
    works = [
        factories.work(
            authors=[ada, charles], topics=[topic], publication_year=2018 + i, doi=f"10.1/x{i}"
        )
        for i in range(3)
    ]
    factories.work(authors=[charles], title="Difference engine notes", publication_year=2010)
    factories.refresh(ada, charles)
    return {"ada": ada, "charles": charles, "topic": topic, "place": place, "works": works}


def test_researcher_list_searches_by_name_and_filters(client, graph):
    body = client.get("/api/researchers/", {"q": "lovelace"}).json()
    assert [r["display_name"] for r in body["results"]] == ["Ada Lovelace"]
    assert body["results"][0]["last_known_institutions"][0]["display_name"] == "Uni Example"

    body = client.get("/api/researchers/", {"institution": graph["place"].pk}).json()
    assert [r["id"] for r in body["results"]] == [graph["ada"].pk]
    body = client.get("/api/researchers/", {"ordering": "works"}).json()
    assert [r["id"] for r in body["results"]] == [graph["charles"].pk, graph["ada"].pk]
    assert client.get("/api/researchers/", {"verification_level": 3}).json()["count"] == 0


def test_researcher_list_calls_the_directory_search(client, graph, monkeypatch):
    from works.models import ResearcherQuerySet

    asked = []
    original = ResearcherQuerySet.search

    def spy(self, query):
        asked.append(query)
        return original(self, query)

    monkeypatch.setattr(ResearcherQuerySet, "search", spy)
    client.get("/api/researchers/", {"q": "Babbage"})
    assert asked == ["Babbage"]


def test_researcher_detail_explains_the_trust_score(client, graph):
    ada = graph["ada"]
    body = client.get(f"/api/researchers/{ada.pk}/").json()
    assert body["works_count"] == 3
    assert body["close_collaborators_count"] == 1
    trust = body["trust"]
    assert trust["total"] == ada.trust_score == sum(p["points"] for p in trust["parts"])
    assert [p["key"] for p in trust["parts"]] == [
        "identity",
        "publications",
        "collaboration",
        "community",
        "completeness",
    ]
    assert trust["rubric_version"] == 2 and trust["tier"] == body["trust_tier"]


def test_researcher_works_are_paginated_newest_first(client, graph):
    ada = graph["ada"]
    body = client.get(f"/api/researchers/{ada.pk}/works/", {"page_size": 2}).json()
    assert body["count"] == 3
    assert [w["publication_year"] for w in body["results"]] == [2020, 2019]
    assert body["results"][0]["authors"][0]["display_name"] == "Ada Lovelace"
    assert client.get(body["next"]).json()["results"][0]["publication_year"] == 2018


def test_works_topics_and_institutions(client, graph):
    body = client.get("/api/works/", {"researcher": graph["charles"].pk, "year_to": 2015}).json()
    assert [w["title"] for w in body["results"]] == ["Difference engine notes"]
    body = client.get("/api/works/", {"topic": graph["topic"].pk, "ordering": "cited"}).json()
    assert body["count"] == 3
    assert client.get("/api/works/", {"doi": "https://doi.org/10.1/X1"}).json()["count"] == 1
    work = graph["works"][0]
    detail = client.get(f"/api/works/{work.pk}/").json()
    assert detail["topics"] == [{"id": graph["topic"].pk, "display_name": "Analytical engines"}]
    topics = client.get("/api/topics/", {"q": "engines"}).json()
    assert topics["results"][0]["id"] == graph["topic"].pk
    assert client.get(f"/api/topics/{graph['topic'].pk}/").status_code == 200
    places = client.get("/api/institutions/", {"country_code": "de"}).json()
    assert [p["display_name"] for p in places["results"]] == ["Uni Example"]
    assert client.get(f"/api/institutions/{graph['place'].pk}/").json()["country_code"] == "DE"


@pytest.mark.parametrize(
    "url",
    [
        "/api/researchers/",
        "/api/works/",
        "/api/topics/",
        "/api/institutions/",
        "/api/researchers/{ada}/works/",
    ],
)
def test_list_query_count_does_not_grow_with_page_size(client, url):
    ada = factories.researcher()
    place = factories.institution()
    topic = factories.topic()
    for _ in range(60):
        other = factories.researcher()
        factories.affiliate(other, place)
        factories.work(authors=[ada, other], topics=[topic])
        factories.topic()
        factories.institution()
    url = url.format(ada=ada.pk)

    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(1) == queries(50)


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/researchers/", {"verification_level": "9"}),
        ("/api/researchers/", {"institution": "99999999999999999999999"}),
        ("/api/researchers/", {"ordering": "drop table"}),
        ("/api/researchers/", {"q": "a\x00b"}),
        ("/api/researchers/", {"page": "0"}),
        ("/api/researchers/", {"page": "999"}),
        ("/api/works/", {"year": "abc"}),
        ("/api/works/", {"page_size": "1000"}),
        ("/api/institutions/", {"country_code": "Deutschland"}),
        ("/api/researchers/99999999999999999999/", {}),
        ("/api/works/1/", {}),
    ],
)
def test_bad_input_is_a_json_4xx(client, url, params):
    response = client.get(url, params)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


def test_follow_and_unfollow_through_the_api(stranger_client, stranger, graph):
    ada = graph["ada"]
    url = f"/api/researchers/{ada.pk}/follow/"
    response = stranger_client.post(url)
    assert response.status_code == 201
    assert response.json() == {"researcher": ada.pk, "following": True, "followers_count": 1}
    assert stranger_client.post(url).status_code == 200  # following twice is harmless
    assert stranger_client.get(url).json()["following"] is True
    response = stranger_client.delete(url)
    assert response.json() == {"researcher": ada.pk, "following": False, "followers_count": 0}
    assert not Follow.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_visitor_cannot_follow_or_unfollow(visitor_client, graph, method):
    response = getattr(visitor_client, method)(f"/api/researchers/{graph['ada'].pk}/follow/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Follow.objects.exists()


def test_follow_of_a_missing_researcher_is_404(stranger_client):
    assert stranger_client.post("/api/researchers/424242/follow/").status_code == 404


def test_anonymous_requests_are_throttled(client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    assert client.get("/api/topics/").status_code == 200
    assert client.get("/api/topics/").status_code == 200
    response = client.get("/api/topics/")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_schema_and_swagger_ui_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/researchers/{id}/follow/" in schema["paths"]
    assert "/openalex/works" in schema["paths"]
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
