"""A researcher's works list: sorts, filters with their counts, bylines, links, the cite menu,
versions grouped, a constant query count, and bad parameters explained instead of failing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.works_list import rules
from tests import factories
from tests.profiles.test_profile_sections import CERVIGNI, CERVIGNI_FILES, source_works
from works.importer import openalex_import
from works.models import Authorship, Researcher, Work, WorkTopic

pytestmark = pytest.mark.django_db


def works_url(researcher, **params) -> str:
    from urllib.parse import urlencode

    url = reverse("profiles:works", args=[researcher.pk])
    return f"{url}?{urlencode(params)}" if params else url


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="work__title"><a href="[^"]+">([^<]*)</a>', html)


@pytest.fixture
def shelf():
    """A record with works of several kinds, years, topics and open access."""
    person = factories.researcher(display_name="Shelf Person")
    other = factories.researcher(display_name="Another Author")
    ecology, physics = (
        factories.topic(display_name="Ecology"),
        factories.topic(display_name="Physics"),
    )
    factories.work(
        authors=[person], title="Alpha of ecology", publication_year=2015, cited_by_count=3,
        topics=[ecology], is_oa=True, oa_url="https://example.org/alpha.pdf", doi="10.5555/alpha",
    )  # fmt: skip
    factories.work(
        authors=[other, person], title="Beta on physics", publication_year=2020,
        cited_by_count=40, topics=[physics], type="review",
    )  # fmt: skip
    factories.work(
        authors=[person], title="Gamma of ecology again", publication_year=2023,
        cited_by_count=7, topics=[ecology],
    )  # fmt: skip
    factories.refresh(person, other)
    return {"person": person, "ecology": ecology, "physics": physics}


def test_works_sort_newest_most_cited_and_by_title(client, shelf):
    person = shelf["person"]
    newest = titles(client.get(works_url(person)).content.decode())
    assert newest == ["Gamma of ecology again", "Beta on physics", "Alpha of ecology"]
    cited = titles(client.get(works_url(person, sort="cited")).content.decode())
    assert cited == ["Beta on physics", "Gamma of ecology again", "Alpha of ecology"]
    by_title = titles(client.get(works_url(person, sort="title")).content.decode())
    assert by_title == ["Alpha of ecology", "Beta on physics", "Gamma of ecology again"]


def test_each_filter_narrows_the_list_and_each_choice_says_its_count(client, shelf):
    person, ecology = shelf["person"], shelf["ecology"]
    page = client.get(works_url(person)).content.decode()
    assert '<option value="article">article (2)</option>' in page
    assert '<option value="review">review (1)</option>' in page
    assert f'<option value="{ecology.pk}">Ecology (2)</option>' in page
    assert "Open access (1)" in page and "Not open access (2)" in page
    assert '<option value="2020">2020 (1)</option>' in page

    def shown(**params):
        return titles(client.get(works_url(person, **params)).content.decode())

    assert shown(type="review") == ["Beta on physics"]
    assert shown(topic=ecology.pk) == ["Gamma of ecology again", "Alpha of ecology"]
    assert shown(oa="yes") == ["Alpha of ecology"]
    assert shown(oa="no") == ["Gamma of ecology again", "Beta on physics"]
    assert shown(**{"from": 2016, "to": 2022}) == ["Beta on physics"]
    assert shown(**{"from": 2020}) == ["Gamma of ecology again", "Beta on physics"]
    assert shown(q="ECOLOGY  again") == ["Gamma of ecology again"]
    # Filters combine, and a facet's counts follow the other filters.
    combined = client.get(works_url(person, topic=ecology.pk, oa="no")).content.decode()
    assert titles(combined) == ["Gamma of ecology again"]
    assert "Open access (1)" in combined and "Not open access (1)" in combined
    assert '<option value="review">review (0)</option>' not in combined


def test_an_item_shows_byline_venue_year_citations_doi_open_access_and_cite_menu(client):
    person = factories.researcher(display_name="Middle Author")
    crowd = [factories.researcher(display_name=f"Lead {i}") for i in range(4)]
    venue = factories.source(display_name="Journal of Bylines")
    work = factories.work(
        authors=[*crowd, person], title="Long byline", source=venue, publication_year=2019,
        cited_by_count=1234, doi="10.5555/byline", is_oa=True, oa_url="https://example.org/b.pdf",
        oa_status="gold", authors_count=9,
    )  # fmt: skip
    factories.refresh(person)
    html = client.get(works_url(person)).content.decode()
    item = re.search(r'<article class="work".*?</article>', html, re.S)[0]
    assert "Lead 0" in item and "Lead 2" in item and "Lead 3" not in item
    assert '<strong class="work__self">Middle Author</strong>' in item
    assert "Lead 2</a>, … <strong" in item and "(5th of 9)" in item and "et al." in item
    assert "Journal of Bylines" in item and "2019" in item and "Cited by 1,234" in item
    assert 'href="https://doi.org/10.5555/byline"' in item
    assert 'href="https://example.org/b.pdf"' in item and "Open access (gold)" in item
    bib = reverse("works-api:work-cite-bib", args=[work.pk])
    ris = reverse("works-api:work-cite-ris", args=[work.pk])
    assert f'href="{bib}"' in item and f'href="{ris}"' in item
    bibtex = client.get(bib).content.decode()
    assert bibtex.startswith("@article{") and "Long byline" in bibtex and "Author, Middle" in bibtex
    assert "TI  - Long byline" in client.get(ris).content.decode()


def test_the_researcher_right_after_the_first_authors_follows_without_a_gap(client):
    person = factories.researcher(display_name="Fourth Author")
    factories.work(authors=[*(factories.researcher() for _ in range(3)), person])
    factories.refresh(person)
    item = re.search(
        r'<article class="work".*?</article>', client.get(works_url(person)).content.decode(), re.S
    )[0]
    assert "…" not in item and "(4th of 4)" in item and "et al." not in item


def test_the_researcher_first_on_the_byline_is_marked_without_a_second_mention(client, shelf):
    html = client.get(works_url(shelf["person"], q="alpha")).content.decode()
    item = re.search(r'<article class="work".*?</article>', html, re.S)[0]
    assert item.count("Shelf Person") == 1 and "work__self" in item and "et al." not in item


def test_a_cite_link_for_an_unknown_work_is_a_404(client):
    assert client.get(reverse("works-api:work-cite-bib", args=[987654321])).status_code == 404


def test_versions_of_one_work_are_one_item_with_its_versions_listed(client):
    person = factories.researcher()
    preprint = factories.work(
        authors=[person], title="A Study of Grouped Versions Here", type="preprint",
        publication_year=2020,
    )  # fmt: skip
    article = factories.work(
        authors=[person], title="A study of grouped versions, here", type="article",
        publication_year=2021, cited_by_count=5,
    )  # fmt: skip
    same_doi = [
        factories.work(authors=[person], title=t, doi="10.5555/same", publication_year=2010)
        for t in ("Short", "Other name")
    ]
    factories.work(
        authors=[person], title="A study of grouped versions here", publication_year=2015
    )
    factories.refresh(person)
    html = client.get(works_url(person)).content.decode()
    assert len(titles(html)) == 3  # the 2015 namesake is too far from the others to group
    assert html.count(">2 versions<") == 2
    assert f'href="{preprint.get_absolute_url()}">Preprint, 2020' in html
    assert f'data-work="{article.pk}"' in html and f'data-work="{preprint.pk}"' not in html
    assert sum(f'data-work="{w.pk}"' in html for w in same_doi) == 1
    assert "3 items" in html and "5 works, versions of one work shown as one" in html


def test_real_versions_sharing_a_doi_are_grouped_on_the_works_list(client):
    openalex_import(paths=CERVIGNI_FILES)
    person = Researcher.objects.get(openalex_id=CERVIGNI)
    works = source_works(CERVIGNI)
    by_doi: dict[str, list] = {}
    for work in works.values():
        if work.get("doi"):
            by_doi.setdefault(work["doi"], []).append(work["id"])
    repeated = [ids for ids in by_doi.values() if len(ids) > 1]
    assert repeated, "the sample holds one book twice under one DOI"
    html = client.get(works_url(person)).content.decode()
    expected = len(works) - sum(len(ids) - 1 for ids in repeated)
    assert len(titles(html)) == expected
    assert html.count(">2 versions<") == len(repeated)
    for ids in repeated:
        shown = [
            i
            for i in ids
            if f'data-work="{Work.objects.get(openalex_id=i.rsplit("/", 1)[-1]).pk}"' in html
        ]
        assert len(shown) == 1
    book_count = sum(1 for w in works.values() if w["type"] == "book")
    assert f'<option value="book">book ({book_count - len(repeated)})</option>' in html


def big_record(n: int) -> Researcher:
    """A record with n works (bulk-created), each with a topic, a venue and a co-author."""
    person = factories.researcher(display_name=f"Big Record {n}")
    other = factories.researcher(display_name="Frequent Co-author")
    venue = factories.source(display_name="Bulk Letters")
    topic = factories.topic(display_name="Bulk Topic")
    works = Work.objects.bulk_create(
        Work(
            title=f"Bulk finding number {i}", publication_year=1990 + i % 35, type="article",
            source=venue, cited_by_count=i % 50, is_oa=i % 2 == 0, authors_count=2,
            openalex_id=f"W8{n:03d}{i:07d}",
        )
        for i in range(n)
    )  # fmt: skip
    Authorship.objects.bulk_create(
        a
        for w in works
        for a in (
            Authorship(work=w, researcher=person, order=0, raw_author_name=person.display_name),
            Authorship(work=w, researcher=other, order=1, raw_author_name=other.display_name),
        )
    )
    WorkTopic.objects.bulk_create(WorkTopic(work=w, topic=topic) for w in works)
    factories.refresh(person)
    person.bulk_topic = topic
    return person


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "cited"},
        {"sort": "title"},
        {"type": "article"},
        {"from": "2000", "to": "2010"},
        {"topic": "TOPIC"},
        {"oa": "yes"},
        {"q": "finding"},
        {"q": "nothing matches this"},
        {
            "sort": "cited",
            "type": "article",
            "from": "1995",
            "oa": "no",
            "topic": "TOPIC",
            "q": "1",
        },
        {"page": "3"},
    ],
)
def test_the_works_list_runs_the_same_queries_for_1_and_5000_works(client, params):
    small, large = big_record(1), big_record(5000)

    def url(person):
        chosen = {k: (str(person.bulk_topic.pk) if v == "TOPIC" else v) for k, v in params.items()}
        return works_url(person, **chosen)

    # the site's merged-record check, the researcher, the light rows, their topics, the page's
    # works, their bylines' heads and the researcher's own places on them
    assert count_queries(client, url(small)) == count_queries(client, url(large)) == 7


def test_the_profile_runs_the_same_queries_for_1_and_5000_works(client):
    small, large = big_record(1), big_record(5000)
    small_count = count_queries(client, small.get_absolute_url())
    large_count = count_queries(client, large.get_absolute_url())
    # 7 as before the sections, the works list (5 instead of 1) and co-authors and topics (4)
    assert small_count == large_count == 14
    html = client.get(large.get_absolute_url()).content.decode()
    assert "Frequent Co-author" in html and "5000 shared works" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "random()"}, "There is no sort “random()”; the newest come first."),
        ({"from": "last year"}, "“last year” is not a year, so the first year was ignored."),
        ({"to": "99999"}, "“99999” is not a year, so the last year was ignored."),
        ({"topic": "ecology"}, "There is no topic “ecology”; showing every topic."),
        ({"topic": "99999999999999"}, "There is no topic “99999999999999”"),
        ({"topic": "123456"}, "No work here is on that topic; showing every topic."),
        ({"type": "<script>"}, "No work here is of type “&lt;script&gt;”; showing every type."),
        ({"oa": "maybe"}, "Open access is “yes” or “no”; showing all works."),
    ],
)
def test_nonsense_parameters_are_explained_and_ignored(client, shelf, params, message):
    response = client.get(works_url(shelf["person"], **params))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert len(titles(html)) == 3


def test_other_bad_input_never_fails(client, shelf):
    person = shelf["person"]
    for params in ({"page": "abc"}, {"page": "-1"}, {"page": "999"}, {"q": "x" * 5000},
                   {"from": "2030", "to": "1990"}, {"q": "\x00"}):  # fmt: skip
        assert client.get(works_url(person, **params)).status_code == 200
    reversed_range = client.get(works_url(person, **{"from": "2021", "to": "2016"}))
    assert titles(reversed_range.content.decode()) == ["Beta on physics"]
    assert client.get(reverse("profiles:works", args=[987654321])).status_code == 404


def test_a_merged_record_s_works_list_redirects_to_the_survivor(client, shelf):
    survivor = shelf["person"]
    merged = factories.researcher(merged_into=survivor)
    response = client.get(works_url(merged, sort="cited"))
    assert response.status_code == 301
    assert response["Location"] == works_url(survivor, sort="cited")


def test_the_profile_links_its_works_to_the_list_and_keeps_them_grouped(client, shelf):
    person = shelf["person"]
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'action="{works_url(person)}"' in html
    assert "Sort and filter all 3 works" in html
    assert titles(html) == ["Gamma of ecology again", "Beta on physics", "Alpha of ecology"]


def test_facets_count_items_not_versions():
    works = [
        rules.ListedWork(id=1, title="One two three four", year=2020, type="preprint", is_oa=True,
                         title_key="one two three four"),
        rules.ListedWork(id=2, title="One two three four", year=2021, type="article",
                         title_key="one two three four"),
        rules.ListedWork(id=3, title="Else", year=2021, type="article", title_key="else"),
    ]  # fmt: skip
    items = rules.group(works)
    assert [item.label for item in items] == ["2 versions", ""]
    counted = rules.facets(items, rules.Filters())
    assert dict(counted.types) == {"article": 2, "preprint": 1}
    assert counted.open_access == 1 and counted.closed == 2
    only_open = rules.apply(items, rules.Filters(oa=True))
    assert [item.best.id for item in only_open] == [2]  # the article shows; its preprint is open


def test_the_works_list_is_shared_until_the_record_changes(
    client, visitor_client, shelf, django_capture_on_commit_callbacks
):
    from works.services import researchers_changed

    person = shelf["person"]
    url = works_url(person, sort="cited")
    first = client.get(url).content.decode()
    # Another reader of the same list gets it without the researcher's queries: only the
    # site's merged-record check runs.
    assert count_queries(visitor_client, url) == 1
    assert visitor_client.get(url).content.decode() == first
    assert titles(client.get(works_url(person, sort="title")).content.decode())[0] == (
        "Alpha of ecology"
    )
    Work.objects.filter(title="Beta on physics").update(title="Beta, renamed")
    with django_capture_on_commit_callbacks(execute=True):
        researchers_changed(researcher_ids=[person.pk])
    assert titles(client.get(url).content.decode())[0] == "Beta, renamed"


def test_a_venue_renamed_by_an_import_shows_on_the_works_list_at_once(client, shelf):
    from bzpeer import page_cache

    venue = factories.source(display_name="Journal of Old Names")
    Work.objects.filter(title="Alpha of ecology").update(source=venue)
    url = works_url(shelf["person"], sort="title")
    assert "Journal of Old Names" in client.get(url).content.decode()
    venue.display_name = "Journal of New Names"
    venue.save()
    # What every import batch that writes does (works/importer.py): a venue touches no record.
    page_cache.retire([page_cache.RECORDS])
    html = client.get(url).content.decode()
    assert "Journal of New Names" in html and "Journal of Old Names" not in html
