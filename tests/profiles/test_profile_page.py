import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

SEED_SECTIONS = [
    "Researcher profile",
    "Trust snapshot",
    "Quick read",
    "Actions",
    "Decide how to stay connected",
    "Follow researcher",
    "Identity and collaboration",
    "How to connect with this researcher",
    "Direct collaboration",
    "Open a focused conversation when the fit is right",
    "Research graph",
    "See the researcher in context",
    "Published work",
]


def _researcher_with_works(n):
    person = factories.researcher(display_name=f"Prolific Person {n}")
    venue = factories.source(display_name="Synthetic Letters")
    for i in range(n):
        factories.work(
            authors=[person], title=f"Finding {i}", source=venue, publication_year=2000 + i % 25
        )
    factories.refresh(person)
    return person


def _profile_queries(client, researcher):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("profiles:detail", args=[researcher.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_profile_shows_every_seed_section_in_order(client):
    person = _researcher_with_works(3)
    html = client.get(person.get_absolute_url()).content.decode()
    positions = [html.index(section) for section in SEED_SECTIONS]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1
    assert "3 published items" in html
    assert "Affiliation not imported" in html
    assert "Open to collaborate" in html
    assert "Claim this author entity first to unlock direct invitations." in html


def test_profile_lists_works_newest_first_with_venue(client):
    person = factories.researcher()
    venue = factories.source(display_name="Journal of Ordering")
    factories.work(authors=[person], title="Old result", publication_year=2001, source=venue)
    factories.work(authors=[person], title="New result", publication_year=2024, source=venue)
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert html.index("New result") < html.index("Old result")
    assert "Journal of Ordering" in html


def test_profile_query_count_does_not_grow_with_works(client):
    small = _researcher_with_works(1)
    large = _researcher_with_works(500)
    assert _profile_queries(client, small) == _profile_queries(client, large)


def test_profile_query_count_is_pinned_for_visitors(client):
    person = _researcher_with_works(5)
    # researcher, its institutions, the headline's topics, the claim history, the duplicate
    # check; the works list (light rows, their topics, the page's works, bylines, own places);
    # co-authors (pairs, their records) and topics with their shares
    assert _profile_queries(client, person) == 13


def test_profile_paginates_works(client, settings):
    settings.BZPEER = {**settings.BZPEER, "PROFILE_WORKS_PER_PAGE": 10}
    person = _researcher_with_works(25)
    first = client.get(person.get_absolute_url()).content.decode()
    third = client.get(person.get_absolute_url() + "?page=3").content.decode()
    assert len(re.findall(r'class="work"', first)) == 10
    assert len(re.findall(r'class="work"', third)) == 5
    assert "Page 1 of 3" in first


def test_bad_page_number_falls_back_instead_of_failing(client):
    person = _researcher_with_works(2)
    assert client.get(person.get_absolute_url() + "?page=abc").status_code == 200
    assert client.get(person.get_absolute_url() + "?page=999").status_code == 200


def test_unknown_researcher_is_a_404_page(client):
    response = client.get(reverse("profiles:detail", args=[987654321]))
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_imported_html_is_shown_as_text(client):
    person = factories.researcher(display_name="<b>Bold</b> Name")
    factories.work(
        authors=[person],
        title="<script>alert('title')</script>",
        abstract="<img src=x onerror=alert(1)>",
    )
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html


def test_affiliation_badge_disappears_when_an_institution_is_known(client):
    person = factories.researcher()
    factories.affiliate(person, factories.institution(display_name="Test Polytechnic"))
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Affiliation not imported" not in html
    assert "Test Polytechnic" in html


def _jsonld(html):
    import json

    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match[1])


def test_profile_carries_person_jsonld_with_works_as_scholarly_articles(client, settings):
    settings.SITE_URL = "https://bzpeer.example.org"
    person = factories.researcher(display_name="Linked Person", orcid="0000-0002-1825-0097")
    factories.work(authors=[person], title="A linked result", doi="10.5555/linked.1")
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    graph = _jsonld(html)["@graph"]
    people = [node for node in graph if node["@type"] == "Person"]
    articles = [node for node in graph if node["@type"] == "ScholarlyArticle"]
    assert people[0]["name"] == "Linked Person"
    assert people[0]["url"] == f"https://bzpeer.example.org/researchers/{person.pk}/"
    assert "https://orcid.org/0000-0002-1825-0097" in people[0]["sameAs"]
    assert [a["name"] for a in articles] == ["A linked result"]
    assert articles[0]["sameAs"] == "https://doi.org/10.5555/linked.1"
    assert articles[0]["author"] == {"@id": people[0]["@id"]}
    assert '<meta property="og:title" content="Linked Person">' in html


def test_jsonld_cannot_be_broken_out_of_by_imported_text(client):
    person = factories.researcher(display_name="</script><script>alert(1)</script>")
    factories.work(authors=[person], title="</script><img src=x onerror=alert(2)>")
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    graph = _jsonld(html)["@graph"]
    assert graph[0]["name"] == "</script><script>alert(1)</script>"
