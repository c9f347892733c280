"""OpenAlex lists cut long bylines at 100 entries, as OpenAlex does; a single work keeps all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bzpeer import page_cache
from tests import factories
from works.models import Authorship, AuthorshipInstitution, OpenAlexRecord
from works.openalex_api.serializers import LIST_AUTHORSHIPS


def consortium_work(place, entries: int, **fields):
    """A work with `entries` unlinked byline entries, each at `place`."""
    work = factories.work(authors_count=entries, **fields)
    Authorship.objects.bulk_create(
        Authorship(work=work, order=i, raw_author_name=f"Member {i}") for i in range(entries)
    )
    AuthorshipInstitution.objects.bulk_create(
        AuthorshipInstitution(authorship=a, institution=place) for a in work.authorships.all()
    )
    return work


@pytest.fixture
def byline(db):
    place = factories.institution(display_name="CERN", country_code="CH")
    ada = factories.researcher(display_name="Ada Lovelace")
    big = consortium_work(place, LIST_AUTHORSHIPS + 30, title="Big")
    small = factories.work(authors=[ada], title="Small")
    return {"big": big, "small": small, "place": place}


def retire():
    """What an import does after writing: the kept list pages are retired."""
    page_cache.retire([page_cache.RECORDS])


def results_by_title(client, query=""):
    response = client.get(f"/openalex/works?per-page=25{query}")
    assert response.status_code == 200, response.content
    return {r["title"]: r for r in response.json()["results"]}


def test_list_cuts_a_long_byline_and_says_so(client, byline):
    rows = results_by_title(client)
    big, small = rows["Big"], rows["Small"]
    assert len(big["authorships"]) == LIST_AUTHORSHIPS
    assert big["is_authors_truncated"] is True
    assert big["authorships"][-1]["raw_author_name"] == f"Member {LIST_AUTHORSHIPS - 1}"
    assert big["authorships"][0]["institutions"][0]["display_name"] == "CERN"
    assert big["authors_count"] == LIST_AUTHORSHIPS + 30
    # Only a cut byline carries the flag, as in OpenAlex.
    assert "is_authors_truncated" not in small and len(small["authorships"]) == 1


def test_a_byline_of_exactly_the_limit_is_not_cut(client, byline):
    consortium_work(byline["place"], LIST_AUTHORSHIPS, title="Exact")
    exact = results_by_title(client)["Exact"]
    assert len(exact["authorships"]) == LIST_AUTHORSHIPS and "is_authors_truncated" not in exact


def test_single_work_keeps_its_whole_byline(client, byline):
    body = client.get(f"/openalex/works/{byline['big'].openalex_id}").json()
    assert len(body["authorships"]) == LIST_AUTHORSHIPS + 30
    assert "is_authors_truncated" not in body


def test_stored_record_is_cut_in_lists_and_whole_alone(client, byline):
    entries = [
        {"author": {"id": None, "display_name": f"P{i}"}, "raw_author_name": f"P{i}"}
        for i in range(LIST_AUTHORSHIPS + 5)
    ]
    stored = factories.work(title="Stored", authors_count=len(entries))
    record = {"id": f"https://openalex.org/{stored.openalex_id}", "title": "Stored"}
    OpenAlexRecord.objects.create(
        openalex_id=stored.openalex_id, record=record | {"authorships": entries}
    )
    listed = results_by_title(client)["Stored"]
    assert [a["raw_author_name"] for a in listed["authorships"]] == [
        f"P{i}" for i in range(LIST_AUTHORSHIPS)
    ]
    assert listed["is_authors_truncated"] is True
    alone = client.get(f"/openalex/works/{stored.openalex_id}").json()
    assert len(alone["authorships"]) == LIST_AUTHORSHIPS + 5 and "is_authors_truncated" not in alone
    # A record without a byline is not given one.
    bare = factories.work(title="Bare")
    OpenAlexRecord.objects.create(openalex_id=bare.openalex_id, record={"title": "Bare"})
    retire()
    assert "authorships" not in results_by_title(client)["Bare"]


def test_select_can_name_the_flag(client, byline):
    body = client.get("/openalex/works?select=title,is_authors_truncated").json()
    flags = {r["title"]: r["is_authors_truncated"] for r in body["results"]}
    assert flags == {"Big": True, "Small": None}


def test_list_reads_a_bounded_byline_in_a_fixed_number_of_queries(client, byline):
    def page():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/openalex/works?per-page=25").status_code == 200
        return ctx.captured_queries

    before = page()
    consortium_work(byline["place"], 3 * LIST_AUTHORSHIPS, title="Bigger")
    retire()
    after = page()
    assert len(after) == len(before)
    byline_reads = [q["sql"] for q in after if 'FROM "works_authorship"' in q["sql"]]
    assert byline_reads and all('"order" <= 100' in sql for sql in byline_reads)
