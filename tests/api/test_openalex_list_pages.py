"""Whole OpenAlex list pages are kept as sent (openalex_api.pages), under the public record's
version: what an import or a correction changes shows at once, and only what gives the same
answer shares a page."""

import json

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from works.importer import openalex_import
from works.models import Researcher
from works.services import researchers_changed

pytestmark = pytest.mark.django_db

ADA = {"id": "https://openalex.org/A5000000001", "display_name": "Ada Keptwell"}
PLACE = {
    "id": "https://openalex.org/I5000000001",
    "display_name": "Uni of Kept Pages",
    "country_code": "DE",
    "type": "education",
}
TOPIC = {"id": "https://openalex.org/T5000000001", "display_name": "Page caching", "score": 0.9}
WORKS = "/openalex/works?filter=publication_year:2020"
AT_PLACE = "/openalex/works?filter=institutions.id:I5000000001"


def work(openalex_id, title, *, author=ADA, **fields):
    byline = {"author_position": "first", "author": author, "institutions": [PLACE]}
    return {
        "id": f"https://openalex.org/{openalex_id}",
        "display_name": title,
        "title": title,
        "publication_year": 2020,
        "type": "article",
        "updated_date": "2026-01-01T00:00:00",
        "authorships": [byline],
        "topics": [TOPIC],
        **fields,
    }


@pytest.fixture
def load(tmp_path, django_capture_on_commit_callbacks):
    """Import records as `manage.py import_openalex` does, hooks and all."""
    path = tmp_path / "records.jsonl"

    def load(*records):
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            result = openalex_import(paths=[path])
        assert result.error_count == 0
        return result

    load(work("W5000000001", "First kept paper"), work("W5000000002", "Second kept paper"))
    return load


def read(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response, len(ctx.captured_queries)


def kept(client, url) -> bool:
    """Whether the page comes from the cache (no query) once it has been read."""
    read(client, url)
    return read(client, url)[1] == 0


def text(client, url) -> str:
    response, _ = read(client, url)
    return response.content.decode()


def test_a_page_is_kept_whole_and_its_time_is_this_requests(client, load):
    first, queries = read(client, WORKS)
    second, again = read(client, WORKS)
    assert queries > 0 and again == 0
    assert second["Content-Type"] == "application/json"
    one, two = first.json(), second.json()
    assert isinstance(two["meta"].pop("db_response_time_ms"), int)
    one["meta"].pop("db_response_time_ms")
    assert one == two
    # Byte for byte but for the time.
    assert second.content.partition(b',"page"')[2] == first.content.partition(b',"page"')[2]


def test_a_work_imported_without_researchers_shows_at_once(client, load):
    assert kept(client, WORKS) and kept(client, AT_PLACE)
    unlinked = {"id": None, "display_name": "Nobody Linked"}
    result = load(work("W5000000003", "Authorless kept paper", author=unlinked))
    assert not result.touched_researcher_ids
    for url in (WORKS, AT_PLACE):
        body = read(client, url)[0].json()
        assert "Authorless kept paper" in {r["title"] for r in body["results"]}
        assert body["meta"]["count"] == 3


def test_a_newer_work_record_shows_at_once(client, load):
    assert kept(client, WORKS)
    load(work("W5000000001", "Renamed kept paper", updated_date="2026-06-01T00:00:00"))
    assert "Renamed kept paper" in text(client, WORKS)


def test_a_renamed_institution_shows_at_once(client, load):
    institutions = "/openalex/institutions?filter=country_code:de"
    assert kept(client, AT_PLACE) and kept(client, institutions)
    load(PLACE | {"display_name": "Uni of Fresh Pages", "updated_date": "2026-06-01T00:00:00"})
    assert "Uni of Fresh Pages" in text(client, institutions)
    # The works list is fresh too: its works are served as their own records were imported,
    # which name the institution as they did (test_openalex_list_cache: works without one).
    assert read(client, AT_PLACE)[1] > 0


def test_a_renamed_author_shows_at_once(client, load, django_capture_on_commit_callbacks):
    authors = "/openalex/authors?search=Keptwell"
    assert kept(client, WORKS) and kept(client, authors)
    ada = Researcher.objects.get(openalex_id="A5000000001")
    with django_capture_on_commit_callbacks(execute=True):
        # A correction's write, then the one hook every change to a researcher calls.
        Researcher.objects.filter(pk=ada.pk).update(display_name="Ada Keptwell-Fresh")
        researchers_changed(researcher_ids=[ada.pk])
    assert "Ada Keptwell-Fresh" in text(client, authors)
    assert read(client, WORKS)[1] > 0  # retired too (its records name Ada as imported)


DIFFERENT = [
    "filter=publication_year:2020",
    "filter=publication_year:2019",
    "filter=publication_year:2020,type:article",
    "filter=publication_year:2020&search=first",
    "filter=publication_year:2020&sort=cited_by_count:desc",
    "filter=publication_year:2020&sort=-cited_by_count",  # another cursor fingerprint
    "filter=publication_year:2020&per-page=1",
    "filter=publication_year:2020&per-page=1&page=2",
    "filter=publication_year:2020&select=id,title",
    "filter=publication_year:2020&select=title,id",
    "filter=publication_year:2020&group_by=type",
    "filter=publication_year:2020&group_by=type&sort=key",
    "filter=publication_year:2020&cursor=*",
    "filter=publication_year:2020&sample=1&seed=1",
    "filter=publication_year:2020&sample=1&seed=2",
    "filter=publication_year:2020&sample=2&seed=2",
]


def test_parameters_that_change_the_answer_do_not_share_a_page(client, load):
    for query in DIFFERENT:  # every page before it is kept
        assert read(client, f"/openalex/works?{query}")[1] > 0, f"{query} shared a page"
    for query in DIFFERENT:
        assert read(client, f"/openalex/works?{query}")[1] == 0, f"{query} was not kept"
    # Each collection its own pages, for the same parameters.
    read(client, "/openalex/works?per-page=1")
    assert read(client, "/openalex/authors?per-page=1")[1] > 0


@pytest.mark.parametrize(
    "same",
    [
        "filter=publication_year:2020&per-page=25",
        "filter=publication_year:2020&per_page=25",
        "filter=publication_year:2020&page=1",
        "page=1&filter=publication_year:2020",
        "filter=publication_year:2020&mailto=someone@example.com",
        "filter=publication_year:2020&api_key=abc",
    ],
)
def test_parameters_that_do_not_change_the_answer_share_a_page(client, load, same):
    first, _ = read(client, WORKS)
    response, queries = read(client, f"/openalex/works?{same}")
    assert queries == 0
    assert response.json()["results"] == first.json()["results"]


def test_a_sample_without_a_seed_is_drawn_afresh(client, load):
    url = "/openalex/works?sample=1"
    read(client, url)
    assert read(client, url)[1] > 0
    seeded = "/openalex/works?sample=1&seed=3"
    assert kept(client, seeded)


def test_a_cursor_walk_is_kept_and_its_cursors_are_the_same_each_time(client, load):
    def walk():
        seen, cursors, queries, cursor = [], [], 0, "*"
        while cursor:
            response, count = read(client, f"{WORKS}&per-page=1&cursor={cursor}")
            body = response.json()
            seen += [r["title"] for r in body["results"]]
            cursor = body["meta"]["next_cursor"]
            cursors.append(cursor)
            queries += count
        return seen, cursors, queries

    first = walk()
    second = walk()
    assert first[0] == ["First kept paper", "Second kept paper"]
    assert second[:2] == first[:2] and first[2] > 0 and second[2] == 0
    # A change retires the walk's pages: the next walk sees it.
    load(work("W5000000003", "Third kept paper"))
    assert walk()[0] == ["First kept paper", "Second kept paper", "Third kept paper"]


def test_a_cursor_given_out_with_a_timestamp_still_continues(client, load):
    url = f"{WORKS}&per-page=1"
    body = read(client, url + "&cursor=*")[0].json()
    cursor = body["meta"]["next_cursor"]
    payload = signing.Signer(salt="bzpeer.openalex.cursor").unsign_object(cursor)
    stamped = signing.dumps(payload, salt="bzpeer.openalex.cursor", compress=True)
    continued = read(client, f"{url}&cursor={stamped}")[0].json()
    assert [r["title"] for r in continued["results"]] == ["Second kept paper"]


@pytest.mark.parametrize(
    "query",
    ["filter=publication_year:soon", "filter=no_such_field:1", "per-page=0", "cursor=junk"],
)
def test_bad_input_is_still_refused_as_openalex_refuses_it(client, load, query):
    for _ in range(2):  # a refusal is never kept, nor served from a kept page
        response = client.get(f"/openalex/works?{query}")
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"error", "message"}
        assert body["error"] in {"Invalid query parameters error.", "Pagination error."}


def test_an_indented_answer_is_indented_and_not_kept(client, load):
    read(client, WORKS)
    with CaptureQueriesContext(connection) as ctx:
        indented = client.get(WORKS, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "meta"') and len(ctx.captured_queries) > 0


def test_a_kept_page_is_sent_without_bidi_controls(client, load):
    from bzpeer import page_cache
    from tests import factories

    factories.work(title="Kept \u202eregap")  # written by hand: the importer strips them
    page_cache.retire([page_cache.RECORDS])
    for _ in range(2):  # rendered, then kept
        response = client.get(WORKS)
        assert "Kept regap" in response.content.decode()
        assert "\u202e" not in response.content.decode()
