"""Search as OpenAlex searches, checked against a query OpenAlex answered.

openalexPro recorded OpenAlex's first page for
`filter=title_and_abstract.search:biodiversity AND finance,to_publication_date:2010-01-01`:
200 works, by relevance. Imported, the same query here must find them.
"""

import io
import json
import re

import pytest
from django.core.management import call_command

from tests.api.test_pyalex import PAGE_OF_WORKS
from works.models import Work

RECORDED_QUERY = "title_and_abstract.search:biodiversity AND finance,to_publication_date:2010-01-01"


@pytest.fixture
def recorded(db):
    call_command("import_openalex", str(PAGE_OF_WORKS), stdout=io.StringIO())
    return json.loads(PAGE_OF_WORKS.read_text())


def _ids(client, filter_, **params):
    body = client.get("/openalex/works", {"filter": filter_, "per-page": 200, **params}).json()
    return [w["id"] for w in body["results"]], body


def _held_text(work_id):
    work = Work.objects.get(openalex_id=work_id.rsplit("/", 1)[-1])
    return f"{work.title} {work.abstract}".lower()


def test_the_recorded_boolean_search_finds_every_result_whose_text_is_held(client, recorded):
    expected = [w["id"] for w in recorded["results"]]
    found, body = _ids(client, RECORDED_QUERY)
    assert body["meta"]["count"] == len(found)
    # Nothing that OpenAlex did not answer, and all it answered on the text BZPEER holds.
    assert set(found) <= set(expected)
    holds_both = {
        i
        for i in expected
        if re.search(r"\bbiodivers", _held_text(i)) and re.search(r"\bfinanc", _held_text(i))
    }
    assert len(holds_both) > 150
    # Exactly those: the others do not hold the words in the title and abstract BZPEER has
    # (most have no abstract at all); OpenAlex matched them on text it does not publish.
    assert set(found) == holds_both
    # Ranked much as OpenAlex ranks (its BM25 and ts_rank weigh words differently): the best
    # here is among its best three, and its best five are among the fifteen best here.
    assert found[0] in expected[:3]
    assert set(expected[:5]) <= set(found[:15])
    assert all(w["relevance_score"] > 0 for w in body["results"])
    scores = [w["relevance_score"] for w in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_and_treated_as_a_word_would_find_nothing_more(client, recorded):
    # "and" is a stop word and AND an operator: both spellings find the same works.
    with_operator, _ = _ids(client, "title_and_abstract.search:biodiversity AND finance")
    implicit, _ = _ids(client, "title_and_abstract.search:biodiversity finance")
    assert sorted(with_operator) == sorted(implicit)
    either, _ = _ids(client, "title_and_abstract.search:biodiversity OR finance")
    only_one, _ = _ids(client, "title_and_abstract.search:biodiversity NOT finance")
    assert set(with_operator) < set(either)
    assert set(only_one) == set(either) - set(with_operator) - set(
        _ids(client, "title_and_abstract.search:finance NOT biodiversity")[0]
    )


def test_stemming_and_no_stem(client, recorded):
    stemmed, _ = _ids(client, "title.search:financing")
    unstemmed, _ = _ids(client, "title.search.no_stem:financing")
    exact, _ = _ids(client, "title.search.exact:financing")
    assert set(unstemmed) < set(stemmed)
    assert unstemmed == exact
    assert all(re.search(r"\bfinanc", _held_text(i)) for i in stemmed)
    assert all(re.search(r"\bfinancing\b", _held_text(i)) for i in unstemmed)
    # Stop words are dropped when stemming, kept without.
    assert _ids(client, "title.search:the")[0] == []
    assert _ids(client, "title.search.no_stem:the")[0]


def test_phrases_fields_and_prefixes(client, recorded):
    phrase, _ = _ids(client, 'title.search:"biodiversity finance"')
    words, _ = _ids(client, "title.search:biodiversity finance")
    assert phrase and set(phrase) < set(words)
    in_abstracts, _ = _ids(client, "abstract.search:finance")
    assert in_abstracts
    for i in in_abstracts:
        work = Work.objects.get(openalex_id=i.rsplit("/", 1)[-1])
        assert re.search(r"\bfinanc", work.abstract.lower())
    prefixed, _ = _ids(client, "title.search:biodiv*")
    assert set(_ids(client, "title.search:biodiversity")[0]) <= set(prefixed)
    # search= reads titles and abstracts, as title_and_abstract.search does.
    body = client.get("/openalex/works", {"search": "biodiversity AND finance", "per-page": 200})
    assert sorted(w["id"] for w in body.json()["results"]) == sorted(
        _ids(client, "title_and_abstract.search:biodiversity AND finance")[0]
    )


def test_byline_searches(client, recorded):
    by_name, _ = _ids(client, "raw_author_name.search:smith")
    assert by_name
    for i in by_name:
        work = Work.objects.get(openalex_id=i.rsplit("/", 1)[-1])
        assert any("smith" in a.raw_author_name.lower() for a in work.authorships.all())
    by_place, _ = _ids(client, "raw_affiliation_strings.search:university NOT college")
    assert by_place


def test_relevance_sorts_and_pages_with_the_cursor(client, recorded):
    query = {"filter": RECORDED_QUERY, "sort": "relevance_score:desc", "per-page": 7}
    seen, cursor = [], "*"
    while cursor:
        body = client.get("/openalex/works", {**query, "cursor": cursor}).json()
        seen += [(w["relevance_score"], w["id"]) for w in body["results"]]
        cursor = body["meta"]["next_cursor"]
    everything, _ = _ids(client, RECORDED_QUERY)
    assert len(seen) == len(set(seen)) == len(everything)
    assert [s for s, _ in seen] == sorted((s for s, _ in seen), reverse=True)
    # Without a search there is no relevance to sort by.
    refused = client.get("/openalex/works", {"sort": "relevance_score:desc"})
    assert refused.status_code == 400


def test_other_collections_search_their_names(client, recorded):
    body = client.get("/openalex/sources", {"search": "journal OR review"}).json()
    assert body["results"]
    assert all(re.search(r"journal|review", s["display_name"].lower()) for s in body["results"])
    institutions = client.get(
        "/openalex/institutions", {"filter": "display_name.search:universities"}
    ).json()
    assert institutions["results"]  # stemmed: "universities" finds "University"
    assert all("universit" in i["display_name"].lower() for i in institutions["results"])


@pytest.mark.parametrize("text", ["#*", "'*", "AND", '"', "):*&|!", "x:*", "\\"])
def test_searches_of_odd_characters_answer(client, db, text):
    for key in ("title.search", "title.search.no_stem", "raw_author_name.search"):
        assert client.get("/openalex/works", {"filter": f"{key}:{text}"}).status_code == 200
    assert client.get("/openalex/works", {"search": text}).status_code == 200


@pytest.mark.parametrize(
    "filter_",
    ["title.search:" + "x " * 200, "fulltext.search:forest", "title.searchy:forest"],
)
def test_bad_searches_are_400(client, db, filter_):
    response = client.get("/openalex/works", {"filter": filter_})
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid query parameters error."


def _computed_ranks(text_sql: str, query: str) -> dict[str, float]:
    """ts_rank of the `simple` vector computed from the text, as .no_stem ranked before 0013."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT openalex_id, ts_rank({text_sql}, plainto_tsquery('simple', %s))::float8 "
            f"FROM works_work WHERE {text_sql} @@ plainto_tsquery('simple', %s)",
            [query, query],
        )
        return dict(cursor.fetchall())


def _simple(column: str, weight: str = "A") -> str:
    return (
        f"setweight(to_tsvector('simple', translate(coalesce({column}, ''), '/', ' ')), '{weight}')"
    )


@pytest.mark.parametrize(
    ("field", "text_sql"),
    [
        ("title", _simple("title")),
        ("abstract", _simple("abstract")),
        ("title_and_abstract", _simple("title") + " || " + _simple("abstract", "B")),
    ],
)
def test_no_stem_reads_the_stored_vector_and_ranks_as_before(client, recorded, field, text_sql):
    """The stored unstemmed vector (works 0013) finds and scores what the computed one did."""
    found, body = _ids(client, f"{field}.search.no_stem:financing", sort="relevance_score:desc")
    expected = _computed_ranks(text_sql, "financing")
    assert found and body["meta"]["count"] == len(expected)
    scores = {w["id"].rsplit("/", 1)[-1]: w["relevance_score"] for w in body["results"]}
    assert scores == pytest.approx({key: expected[key] for key in scores})


def test_no_stem_is_answered_through_its_index(recorded):
    from django.db import connection

    from works.openalex_api import fulltext

    for key in ("title_and_abstract.search.no_stem", "title.search.no_stem"):
        works = Work.objects.filter(fulltext.condition("works", key, "financing"))
        sql, params = works.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "works_work_fts_text_simple_idx" in plan, plan
        assert "to_tsvector" not in plan, plan
