import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_directory_finds_by_part_of_a_name(client):
    factories.researcher(display_name="Hongxia Example")
    factories.researcher(display_name="Someone Else")
    html = client.get(reverse("profiles:directory"), {"q": "hongxia"}).content.decode()
    assert "Hongxia Example" in html
    assert "Someone Else" not in html
    assert "1 researcher matching" in html


def test_directory_ranks_by_trust(client):
    factories.researcher(display_name="Low Example", trust_score=5)
    factories.researcher(display_name="High Example", trust_score=50)
    html = client.get(reverse("profiles:directory"), {"q": "example"}).content.decode()
    assert html.index("High Example") < html.index("Low Example")


def test_directory_handles_odd_input(client):
    response = client.get(reverse("profiles:directory"), {"q": "%_'\"<x>" * 100, "page": "-3"})
    assert response.status_code == 200
    assert b"<x>" not in response.content


def test_home_page_has_search(client):
    html = client.get(reverse("profiles:home")).content.decode()
    assert html.count("<h1") == 1
    assert 'action="/researchers/"' in html


@pytest.fixture
def browsing_world():
    nl = factories.institution(display_name="Dutch Test Institute", country_code="NL")
    fr = factories.institution(display_name="French Test Institute", country_code="FR")
    graphs = factories.topic(display_name="Graph Theory")
    optics = factories.topic(display_name="Optics")
    people = []
    for i, (place, topic, open_) in enumerate(
        [
            (nl, graphs, True),
            (nl, graphs, False),
            (fr, graphs, True),
            (fr, optics, True),
            (nl, optics, True),
        ]
    ):
        person = factories.researcher(display_name=f"Browse Person {i}", open_to_collaborate=open_)
        factories.affiliate(person, place)
        factories.work(authors=[person], topics=[topic])
        people.append(person)
    factories.refresh(*people)
    return {"nl": nl, "fr": fr, "graphs": graphs, "optics": optics, "people": people}


def _results(client, **params):
    html = client.get(reverse("profiles:directory"), params).content.decode()
    return html, sorted(set(re.findall(r"Browse Person \d", html.split("Filters")[0])))


def _facet_count(html, label):
    match = re.search(rf">{re.escape(label)}</a> <span class=\"count\">(\d+)</span>", html)
    assert match, f"no facet {label!r}"
    return int(match[1])


@pytest.mark.parametrize(
    ("label", "param"),
    [
        ("Graph Theory", "topic"),
        ("Optics", "topic"),
        ("Dutch Test Institute", "institution"),
        ("NL", "country"),
        ("FR", "country"),
        ("Open to collaborate", "open"),
        ("Unclaimed", "claimed"),
    ],
)
def test_each_filter_count_matches_its_results(client, browsing_world, label, param):
    html, _ = _results(client, q="browse")
    shown = _facet_count(html, label)
    value = {
        "Graph Theory": browsing_world["graphs"].pk,
        "Optics": browsing_world["optics"].pk,
        "Dutch Test Institute": browsing_world["nl"].pk,
        "NL": "NL",
        "FR": "FR",
        "Open to collaborate": "yes",
        "Unclaimed": "no",
    }[label]
    _, results = _results(client, q="browse", **{param: value})
    assert shown == len(results) > 0


def test_filters_combine(client, browsing_world):
    _, results = _results(client, country="NL", topic=browsing_world["graphs"].pk, open="yes")
    assert results == ["Browse Person 0"]


def test_sorting_by_works_and_followers(client, browsing_world):
    busy = browsing_world["people"][3]
    for _ in range(3):
        factories.work(authors=[busy])
    factories.refresh(busy)
    html = client.get(reverse("profiles:directory"), {"sort": "works"}).content.decode()
    assert re.search(r"Browse Person \d", html)[0] == "Browse Person 3"


def test_unknown_filter_values_are_explained_not_fatal(client, browsing_world):
    response = client.get(
        reverse("profiles:directory"), {"topic": "999999", "country": "Narnia", "sort": "x"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no topic" in html
    assert "two-letter code" in html


def test_topic_and_institution_pages_link_into_the_filtered_directory(client, browsing_world):
    topic = browsing_world["graphs"]
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'href="/researchers/?topic={topic.pk}"' in html
    place = browsing_world["nl"]
    html = client.get(place.get_absolute_url()).content.decode()
    assert f'href="/researchers/?institution={place.pk}"' in html


def test_directory_query_count_is_constant_with_filters(client, browsing_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("profiles:directory"), params)
        return len(ctx.captured_queries)

    few = count(q="browse person 1", country="NL")
    for i in range(10):
        factories.researcher(display_name=f"Browse Extra {i}")
    assert count(q="browse", country="NL") == few
