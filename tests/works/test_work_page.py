"""A work's page: a bounded byline for big collaborations, its authors page, and citations."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from works import queries
from works.models import Authorship, Researcher, Work

pytestmark = pytest.mark.django_db

CONSORTIUM = 2918


def consortium_work(authors: int = CONSORTIUM) -> Work:
    """A work with this many authors, written in bulk (the importer's path is tested elsewhere)."""
    people = Researcher.objects.bulk_create(
        Researcher(display_name=f"Member {i:04d}", openalex_id=f"A66{i:08d}")
        for i in range(authors)
    )
    work = factories.work(
        title="Observation of a rare decay",
        abstract="We observe the decay with high significance.",
        authors_count=authors,
    )
    Authorship.objects.bulk_create(
        Authorship(work=work, researcher=person, order=i, raw_author_name=person.display_name)
        for i, person in enumerate(people)
    )
    return work


def page_queries(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def author_names(html: str) -> list[str]:
    byline = re.search(r'<ol class="author-list[^"]*"[^>]*>(.*?)</ol>', html, re.S)[1]
    return re.findall(r"<a href=\"/researchers/\d+/\">(.*?)</a>", byline)


def test_a_big_collaboration_shows_twenty_authors_then_the_last(client):
    work = consortium_work()
    html = client.get(work.get_absolute_url()).content.decode()
    names = author_names(html)
    assert names == [f"Member {i:04d}" for i in range(20)] + [f"Member {CONSORTIUM - 1:04d}"]
    assert "…" in html and "2,897 more authors, then the last:" in html
    assert f'<li value="{CONSORTIUM}">' in html
    link = reverse("works:authors", args=[work.pk])
    assert f'<a href="{link}">Show all 2,918 authors</a>' in html
    # The abstract comes right after the short byline, not after 2,918 names.
    assert html.index("We observe the decay") < html.index("Show all 2,918 authors") + 500


def test_a_byline_that_fits_is_shown_whole(client):
    people = [factories.researcher(display_name=f"Author {i:02d}") for i in range(21)]
    work = factories.work(authors=people)
    html = client.get(work.get_absolute_url()).content.decode()
    assert author_names(html) == [f"Author {i:02d}" for i in range(21)]
    assert "Show all" not in html and "…" not in html


def test_a_work_without_held_authors_has_no_byline(client):
    work = factories.work(authors=[])
    html = client.get(work.get_absolute_url()).content.decode()
    assert 'class="author-list"' not in html
    assert html.count("<h1") == 1


def test_the_work_page_query_count_is_pinned_and_does_not_grow(client):
    big = consortium_work()
    big.referenced_works = ["W1", "W2"]
    big.save()
    small = factories.work(authors=[factories.researcher()], referenced_works=["W1"])
    _, big_count = page_queries(client, big.get_absolute_url())
    _, small_count = page_queries(client, small.get_absolute_url())
    # work, byline head with its total, last author, topics, references, citing works
    assert big_count == small_count == 6


def test_the_authors_page_lists_every_author_a_hundred_at_a_time(client):
    work = consortium_work()
    url = reverse("works:authors", args=[work.pk])
    first, first_count = page_queries(client, url)
    last, last_count = page_queries(client, url + "?page=30")
    assert first.count("<h1") == 1
    assert "2,918 authors, in byline order." in first
    assert author_names(first) == [f"Member {i:04d}" for i in range(100)]
    assert author_names(last) == [f"Member {i:04d}" for i in range(2900, CONSORTIUM)]
    assert '<ol class="author-list author-list--full" start="2901">' in last
    assert "Page 30 of 30" in last
    # work, count, one page of authors
    assert first_count == last_count == 3


def test_a_bad_authors_page_number_falls_back(client):
    work = consortium_work(150)
    url = reverse("works:authors", args=[work.pk])
    assert "Page 1 of 2" in client.get(url + "?page=abc").content.decode()
    assert "Page 2 of 2" in client.get(url + "?page=999").content.decode()


def test_an_unknown_works_authors_page_is_a_404(client):
    assert client.get(reverse("works:authors", args=[987654321])).status_code == 404


@pytest.fixture
def cited():
    """A work citing two held works and one that is not held, and cited by two held works."""
    old = factories.work(title="An older result", publication_year=2001, cited_by_count=5)
    classic = factories.work(title="A classic result", publication_year=1990, cited_by_count=90)
    work = factories.work(
        title="The work in the middle",
        referenced_works=[old.openalex_id, classic.openalex_id, "W123456789012"],
    )
    factories.work(
        title="A newer follow-up", publication_year=2024, referenced_works=[work.openalex_id]
    )
    factories.work(
        title="A first follow-up",
        publication_year=2022,
        referenced_works=["W1", work.openalex_id],
    )
    factories.work(title="Unrelated", referenced_works=[old.openalex_id])
    return work


def section(html: str, heading_id: str) -> str:
    return re.search(rf'aria-labelledby="{heading_id}-heading">(.*?)</section>', html, re.S)[1]


def titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="/works/\d+/">(.*?)</a>', html)


def test_the_work_page_lists_held_references_and_citing_works(client, cited):
    html = client.get(cited.get_absolute_url()).content.decode()
    references = section(html, "references")
    assert titles(references) == ["A classic result", "An older result"]  # most cited first
    assert "2 of the 3 works it cites are held here" in references
    citing = section(html, "cited-by")
    assert titles(citing) == ["A newer follow-up", "A first follow-up"]  # newest first
    assert "2 works held here cite it" in citing
    assert "Unrelated" not in html


def test_a_work_nothing_cites_shows_no_citation_sections(client):
    work = factories.work(title="Alone in the world")
    html = client.get(work.get_absolute_url()).content.decode()
    assert 'id="references-heading"' not in html and 'id="cited-by-heading"' not in html


def test_long_citation_lists_are_bounded_with_a_count_of_the_rest(client, cited):
    for i in range(25):
        factories.work(title=f"Follower {i}", referenced_works=[cited.openalex_id])
    html = client.get(cited.get_absolute_url()).content.decode()
    citing = section(html, "cited-by")
    assert len(titles(citing)) == queries.LINKED_WORKS_SHOWN
    assert "27 works held here cite it" in citing
    assert "And 7 others held here." in citing


def test_a_very_cited_work_reads_a_bounded_number_of_citing_works(client, cited, monkeypatch):
    monkeypatch.setattr(queries, "CITING_WORKS_READ", 1)
    html = client.get(cited.get_absolute_url()).content.decode()
    assert "1 or more work held here cites it" in section(html, "cited-by")


def test_the_citing_lookup_uses_its_index(cited):
    # The plan, not the timing: on a table this small PostgreSQL would rather scan it.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queries.citing_works_filter(cited).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "work_referenced_works_gin" in plan


def test_imported_titles_of_linked_works_are_escaped(client):
    hostile = factories.work(title="<script>alert(1)</script>")
    work = factories.work(referenced_works=[hostile.openalex_id])
    html = client.get(work.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section(html, "references")


def test_the_page_description_names_the_first_authors_as_plain_text(client):
    people = [factories.researcher(display_name=f"Author <{i}>") for i in range(5)]
    work = factories.work(authors=people, title="Five authors", publication_year=2021)
    html = client.get(work.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', html)[1]
    assert description == (
        "Article (2021), by Author &lt;0&gt;, Author &lt;1&gt;, Author &lt;2&gt; et al."
    )
