"""A works list keeps each work's JSON encoded in the cache, and the whole page (pages);
every visible change shows at once."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from works.models import (
    Authorship,
    AuthorshipInstitution,
    Concept,
    Institution,
    Researcher,
    Work,
    WorkConcept,
    WorkTopic,
)
from works.openalex_api import serializers
from works.openalex_api.entities import ENTITIES
from works.openalex_api.entities.work_rows import load_work_rows
from works.services import researchers_changed

pytestmark = pytest.mark.django_db

LIST = "/openalex/works?filter=publication_year:2020"


@pytest.fixture
def record(db):
    place = factories.institution(display_name="Uni Cached", country_code="DE", ror="01abc2345")
    topic = factories.topic(display_name="Caching", subfield="Memory", field="CS")
    concept = Concept.objects.create(openalex_id="C77", display_name="Caches", level=1)
    source = factories.source(display_name="Journal of Caches")
    ada = factories.researcher(display_name="Ada Cachewell", orcid="0000-0002-1825-0097")
    bea = factories.researcher(display_name="Bea Cachewell")
    work = factories.work(
        authors=[ada, bea], topics=[topic], title="First cached paper", source=source
    )
    Authorship.objects.create(work=work, order=2, raw_author_name="Unlinked Person")
    first = work.authorships.get(order=0)
    first.institutions.add(place)
    first.raw_affiliation_strings = ["Uni Cached, Germany"]
    first.countries = ["DE"]
    first.save()
    WorkConcept.objects.create(work=work, concept=concept, score=0.4)
    other = factories.work(authors=[bea], title="Second cached paper")
    return {"place": place, "ada": ada, "work": work, "other": other, "source": source}


def read(client, url=LIST):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response, len(ctx.captured_queries)


def without_timing(response) -> dict:
    body = response.json()
    body["meta"].pop("db_response_time_ms")
    return body


def titles(client, url=LIST):
    return {r["title"]: r for r in read(client, url)[0].json()["results"]}


def imported(researchers, change):
    """What an import does: change rows, then call the one hook for the researchers touched."""
    change()
    researchers_changed(researcher_ids=[r.pk for r in researchers])


def test_a_cached_list_reads_only_its_page(client, record):
    first, first_queries = read(client)
    second, second_queries = read(client)
    assert without_timing(second) == without_timing(first)
    results = [r.content.partition(b'"results":')[2] for r in (first, second)]
    assert results[0] == results[1]  # byte for byte
    # The whole page is kept: no query at all.
    assert second_queries == 0 < first_queries
    # Another page of the same works: the count and the page's rows; bylines, institutions
    # and topics come from the cache.
    _, other_queries = read(client, LIST + "&select=id,title")
    assert other_queries == 2


def test_the_light_loader_builds_what_the_models_build(record):
    """The list's loader reads plain values: its JSON is the one the models give."""
    pks = [record["work"].pk, record["other"].pk]
    works = ENTITIES["works"]
    loaded = works.load_page(Work.objects.filter(pk__in=pks))
    by_models = {
        r.pk: works.serialize(r) for r in serializers.attach_documents(loaded, in_list=True)
    }
    by_values = {r.pk: works.serialize(r) for r in load_work_rows(pks)}
    assert json.dumps(by_values) == json.dumps(by_models)
    built = by_values[record["work"].pk]
    assert [a["author"]["display_name"] for a in built["authorships"]] == [
        "Ada Cachewell",
        "Bea Cachewell",
        "Unlinked Person",
    ]
    assert built["authorships"][0]["institutions"][0]["display_name"] == "Uni Cached"
    assert built["concepts"][0]["display_name"] == "Caches"


@pytest.mark.parametrize("change", ["title", "byline", "institution", "source", "researcher"])
def test_an_imported_change_shows_at_once(
    client, record, change, django_capture_on_commit_callbacks
):
    work, ada = record["work"], record["ada"]
    assert "First cached paper" in titles(client)
    changes = {
        "title": lambda: Work.objects.filter(pk=work.pk).update(title="Renamed cached paper"),
        "byline": lambda: Authorship.objects.filter(work=work, order=2).update(
            raw_author_name="Renamed Person"
        ),
        "institution": lambda: Institution.objects.filter(pk=record["place"].pk).update(
            display_name="Renamed Uni"
        ),
        "source": lambda: (
            type(record["source"])
            .objects.filter(pk=record["source"].pk)
            .update(display_name="Renamed Journal")
        ),
        "researcher": lambda: Researcher.objects.filter(pk=ada.pk).update(
            display_name="Ada Renamed"
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        imported([ada], changes[change])
    text = read(client)[0].content.decode()
    expected = {
        "title": "Renamed cached paper",
        "byline": "Renamed Person",
        "institution": "Renamed Uni",
        "source": "Renamed Journal",
        "researcher": "Ada Renamed",
    }[change]
    assert expected in text


# A kept page is retired with the public record (test_openalex_list_pages); these changes
# retire nothing, and show on a page not kept yet: each work's JSON is kept under its dates.
OTHER_PAGE = LIST + "&per-page=10"


def test_a_saved_work_shows_at_once_without_the_hook(client, record):
    assert "First cached paper" in titles(client)
    work = record["work"]
    work.title = "Saved cached paper"
    work.save()
    assert "Saved cached paper" in titles(client, OTHER_PAGE)


def test_a_newer_record_shows_at_once_without_the_hook(client, record):
    """An import writes a newer record's date with its fields: the date is in the key."""
    import datetime as dt

    assert "First cached paper" in titles(client)
    Work.objects.filter(pk=record["work"].pk).update(
        title="Newer cached paper", updated_date=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )
    assert "Newer cached paper" in titles(client, OTHER_PAGE)


def test_a_new_link_shows_at_once(client, record, django_capture_on_commit_callbacks):
    assert titles(client)["Second cached paper"]["authorships"][0]["institutions"] == []
    with django_capture_on_commit_callbacks(execute=True):
        imported(
            [record["ada"]],
            lambda: AuthorshipInstitution.objects.create(
                authorship=record["other"].authorships.get(), institution=record["place"]
            ),
        )
    [institution] = titles(client)["Second cached paper"]["authorships"][0]["institutions"]
    assert institution["display_name"] == "Uni Cached"


def test_scores_and_select_are_put_on_the_cached_json(client, record):
    read(client)  # fills the cache
    searched = read(client, "/openalex/works?search=cached")[0].json()["results"]
    assert {r["title"] for r in searched} == {"First cached paper", "Second cached paper"}
    for result in searched:
        assert list(result)[-1] == "relevance_score" and result["relevance_score"] > 0
    selected = read(client, "/openalex/works?search=cached&select=title,relevance_score")[0]
    assert [list(r) for r in selected.json()["results"]] == [["title", "relevance_score"]] * 2
    assert [r["relevance_score"] for r in selected.json()["results"]] == [
        r["relevance_score"] for r in searched
    ]


def test_a_removed_work_leaves_the_list(client, record):
    assert "Second cached paper" in titles(client)
    record["other"].delete()
    assert set(titles(client, OTHER_PAGE)) == {"First cached paper"}


def test_json_is_written_as_drf_writes_it(client, record):
    """Compact UTF-8, U+2028 and U+2029 escaped; indented on request, through DRF's encoder."""
    WorkTopic.objects.filter(work=record["work"]).update(score=0.5)
    Work.objects.filter(pk=record["work"].pk).update(title="Cached\u2028paper\u2029é")
    response = client.get(LIST)
    assert b"Cached\\u2028paper\\u2029\xc3\xa9" in response.content
    assert b'", "' not in response.content  # compact separators
    assert response["Content-Type"] == "application/json"
    indented = client.get(LIST, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "meta"')
    assert without_timing(indented) == without_timing(response)


def count(client, url=LIST) -> int:
    return read(client, url)[0].json()["meta"]["count"]


def test_a_small_count_is_always_counted(client, record):
    assert count(client) == 2
    factories.work(title="Third cached paper")  # no hook at all
    assert count(client, OTHER_PAGE) == 3


def test_a_large_count_is_kept_until_the_record_changes(
    client, record, monkeypatch, django_capture_on_commit_callbacks
):
    from works.openalex_api import fragments

    monkeypatch.setattr(fragments, "COUNTED_FROM", 2)
    assert count(client) == 2
    _, queries = read(client, LIST + "&page=2")
    assert queries == 1  # the page's rows; the count came from the cache
    with django_capture_on_commit_callbacks(execute=True):
        imported([record["ada"]], lambda: factories.work(title="Third cached paper"))
    assert count(client) == 3
    # Each filter keeps its own count.
    assert count(client, "/openalex/works?filter=publication_year:2020,type:article") == 3
    assert count(client, "/openalex/works?filter=publication_year:2019") == 0
