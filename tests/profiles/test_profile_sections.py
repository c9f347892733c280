"""The profile's reading sections on real OpenAlex records: metrics, trends, co-authors,
affiliation history and topics, each checked against the source records read with json alone."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles import sections
from tests import factories
from tests.conftest import REAL_DATA
from works.importer import openalex_import
from works.models import Researcher

pytestmark = pytest.mark.django_db

PRIEM_FILE = (
    REAL_DATA / "max-planck-innovation-competition+go-openalex/sample/openalex/authors/A5023888391"
)
PRO = REAL_DATA / "rkrug+openalexPro/tests/testthat/_snaps"
CERVIGNI_FILES = [
    PRO / "005-pro_fetch_search" / "jsonl",
    PRO / "008-pro_pipeline_parallel" / "json_chunk_2_results_page_1.json",
    PRO / "008-pro_pipeline_parallel" / "json_chunk_3_results_page_1.json",
]
CERVIGNI = "A5007671479"  # Raffaello Cervigni: nine works, no author record


def source_works(author_id: str) -> dict[str, dict]:
    """The distinct works naming the author in the source files, read with json alone."""
    found = {}
    for path in CERVIGNI_FILES:
        text = path.read_text()
        try:
            records = json.loads(text)["results"]
        except json.JSONDecodeError:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        for work in records:
            ids = [(a.get("author") or {}).get("id") or "" for a in work["authorships"]]
            if any(i.endswith(author_id) for i in ids):
                found[work["id"]] = work
    return found


def section_html(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match[0]


def metric(html: str, name: str) -> str:
    match = re.search(rf'data-metric="{name}"><span class="stats__value">([^<]*)<', html)
    assert match, f"no metric {name}"
    return match[1]


@pytest.fixture
def priem():
    openalex_import(paths=[PRIEM_FILE])
    return Researcher.objects.get(openalex_id="A5023888391")


@pytest.fixture
def cervigni():
    openalex_import(paths=CERVIGNI_FILES)
    return Researcher.objects.get(openalex_id=CERVIGNI)


def test_an_author_record_s_metrics_are_its_own_figures_said_as_openalex(client, priem):
    record = json.loads(PRIEM_FILE.read_text())
    html = client.get(priem.get_absolute_url()).content.decode()
    impact = section_html(html, "metrics")
    stats = record["summary_stats"]
    assert metric(impact, "citations") == f"{record['cited_by_count']:,}"
    assert metric(impact, "h-index") == str(stats["h_index"])
    assert metric(impact, "i10-index") == str(stats["i10_index"])
    assert metric(impact, "two-year-mean") == f"{stats['2yr_mean_citedness']:.2f}"
    # The record was updated in 2023: its last five years are 2019 to 2023.
    recent = sum(e["cited_by_count"] for e in record["counts_by_year"] if e["year"] >= 2019)
    assert metric(impact, "recent-citations") == f"{recent:,}"
    assert "citations since 2019" in impact
    assert "Source of these figures: OpenAlex, updated 28 Oct 2023." in impact


def test_held_figures_say_how_many_works_they_come_from(client, cervigni):
    works = source_works(CERVIGNI)
    citations = sorted((w["cited_by_count"] for w in works.values()), reverse=True)
    html = client.get(cervigni.get_absolute_url()).content.decode()
    impact = section_html(html, "metrics")
    assert metric(impact, "citations") == str(sum(citations))
    h = max((rank for rank, n in enumerate(citations, 1) if n >= rank), default=0)
    assert metric(impact, "h-index") == str(h)
    assert metric(impact, "i10-index") == str(sum(1 for n in citations if n >= 10))
    assert f"from the {len(works)} works held here" in impact


def chart_table(html: str, chart_id: str) -> dict[int, int]:
    table = re.search(rf'<table id="{chart_id}-table">.*?</table>', html, re.S)
    assert table, f"no table behind {chart_id}"
    rows = re.findall(r'<th scope="row">(\d+)</th><td>([\d,]+)</td>', table[0])
    return {int(year): int(value.replace(",", "")) for year, value in rows}


def test_each_trend_chart_is_an_svg_with_the_source_s_yearly_counts_as_its_table(client, priem):
    record = json.loads(PRIEM_FILE.read_text())
    html = client.get(priem.get_absolute_url()).content.decode()
    trends = section_html(html, "trends")
    assert trends.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert 'role="img"' in trends and "<script" not in trends
    works = chart_table(trends, "works-per-year")
    citations = chart_table(trends, "citations-per-year")
    for entry in record["counts_by_year"]:
        assert works[entry["year"]] == entry["works_count"]
        assert citations[entry["year"]] == entry["cited_by_count"]
    assert len(works) >= 10 and max(works) == 2023
    assert list(works) == sorted(works)


def test_a_new_record_still_gets_ten_years_of_empty_trend_rows(client):
    person = factories.researcher()
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    table = chart_table(section_html(html, "trends"), "works-per-year")
    assert len(table) == 10 and set(table.values()) == {0}


def test_co_authors_are_ranked_by_shared_works_and_consortium_papers_are_left_out(client):
    me = factories.researcher(display_name="Centre Person")
    close = factories.researcher(display_name="Close Colleague")
    once = factories.researcher(display_name="One Time Colleague")
    place = factories.institution(display_name="Colleague University")
    factories.affiliate(close, place)
    crowd = [factories.researcher(display_name=f"Consortium Member {i}") for i in range(3)]
    factories.work(authors=[me, close])
    factories.work(authors=[me, close, once])
    # Over the consortium limit: no co-authors from it, whoever is on the byline.
    factories.work(authors=[me, *crowd], authors_count=3000)
    factories.refresh(me, close, once)
    html = client.get(me.get_absolute_url()).content.decode()
    people = section_html(html, "coauthors")
    assert people.index("Close Colleague") < people.index("One Time Colleague")
    assert "2 shared works" in people and "1 shared work" in people
    assert f'href="{close.get_absolute_url()}"' in people
    assert f'href="{place.get_absolute_url()}">Colleague University' in people
    assert "Consortium Member" not in people


def test_real_co_authors_match_the_bylines_of_the_source_records(client):
    openalex_import(paths=[PRO / "005-pro_fetch_search" / "json"])
    # The person on most multi-author bylines of the page, and their co-authors from json.
    records = json.loads((PRO / "005-pro_fetch_search" / "json").read_text())["results"]
    shared: dict[str, dict[str, int]] = {}
    for work in records:
        ids = {(a.get("author") or {}).get("id") for a in work["authorships"]} - {None}
        for author in ids:
            for other in ids - {author}:
                counts = shared.setdefault(author.rsplit("/", 1)[-1], {})
                counts[other.rsplit("/", 1)[-1]] = counts.get(other.rsplit("/", 1)[-1], 0) + 1
    author = max(shared, key=lambda a: (len(shared[a]), a))
    person = Researcher.objects.get(openalex_id=author)
    shown = {c.researcher.openalex_id: c.shared for c in sections.coauthors(person, limit=100)}
    assert shown == shared[author]


def test_affiliation_history_lists_every_institution_with_its_years(client, cervigni):
    factories_place = factories.institution(display_name="Earlier Institute")
    cervigni.affiliations.create(institution=factories_place, first_year=1990, last_year=1995)
    html = client.get(cervigni.get_absolute_url()).content.decode()
    history = section_html(html, "affiliations")
    assert 'Earlier Institute</a> <span class="muted">1990–1995</span>' in history
    for row in cervigni.affiliations.select_related("institution"):
        assert row.institution.display_name in history


def test_topics_are_links_with_their_share_of_the_works(client, cervigni):
    works = source_works(CERVIGNI)
    counts: dict[str, int] = {}
    for work in works.values():
        for topic in work.get("topics", []):
            counts[topic["display_name"]] = counts.get(topic["display_name"], 0) + 1
    top_name, top_count = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    html = client.get(cervigni.get_absolute_url()).content.decode()
    topics = section_html(html, "affiliations")
    share = round(100 * top_count / cervigni.works_count)
    assert re.search(
        rf'<a href="/topics/\d+/">{re.escape(top_name)}</a> <span class="muted">{top_count} works, '
        rf"{share}% of the works</span>",
        topics,
    )


def test_cached_sections_run_no_queries_on_the_second_signed_in_view(client, priem, stranger):
    client.force_login(stranger)
    with CaptureQueriesContext(connection) as first:
        client.get(priem.get_absolute_url())
    with CaptureQueriesContext(connection) as second:
        html = client.get(priem.get_absolute_url()).content.decode()
    assert "Impact" in html and "Closest co-authors" in html
    assert len(second.captured_queries) < len(first.captured_queries)
    sqls = " ".join(q["sql"] for q in second.captured_queries)
    assert "shared" not in sqls  # the co-author query ran only for the first view
