"""The OpenAlex-compatible API: its query language, paging, groups, lookups and errors."""

import pytest
from django.core import signing
from django.test import override_settings

from tests import factories
from works.openalex_api import filters
from works.openalex_api.filters import Alternative, QueryError

# --- the pure query-language parser -------------------------------------------------------


def test_filter_commas_pluses_pipes_and_bangs():
    clauses = filters.parse_filter("type:article|book,publication_year:!2020,topics.id:T1+T2")
    assert [c.key for c in clauses] == ["type", "publication_year", "topics.id"]
    assert clauses[0].groups == ((Alternative("article"), Alternative("book")),)
    assert clauses[1].groups == ((Alternative("2020", negate=True),),)
    assert clauses[2].groups == ((Alternative("T1"),), (Alternative("T2"),))


def test_search_filter_value_is_one_text_with_plus_as_space():
    (clause,) = filters.parse_filter("title.search:cubist+art")
    assert clause.groups == ((Alternative("cubist art"),),)


def test_doi_values_keep_their_colons():
    (clause,) = filters.parse_filter("doi:https://doi.org/10.1/a:b")
    assert clause.groups[0][0].text == "https://doi.org/10.1/a:b"


@pytest.mark.parametrize("raw", ["type", ":x", "type:", "type:a|", "a:" + "1|" * 101 + "1"])
def test_malformed_filters_are_query_errors(raw):
    with pytest.raises(QueryError):
        filters.parse_filter(raw)


def test_raw_query_param_keeps_a_literal_plus():
    query = "filter=topics.id%3AT1+T2&search=a+b"
    assert filters.raw_query_param(query, "filter") == "topics.id:T1+T2"
    assert filters.raw_query_param(query, "missing") is None


def test_sort_select_and_group_by_parsing():
    assert filters.parse_sort(
        "cited_by_count:desc,display_name", {"cited_by_count", "display_name"}
    ) == [
        ("cited_by_count", True),
        ("display_name", False),
    ]
    with pytest.raises(QueryError):
        filters.parse_sort("cited_by_count:sideways", {"cited_by_count"})
    with pytest.raises(QueryError):
        filters.parse_select("id,authorships.author", {"id", "authorships"})
    assert filters.parse_group_by("type:include_unknown", {"type"}) == ("type", True)


# --- the endpoints ------------------------------------------------------------------------


@pytest.fixture
def data(db):
    place = factories.institution(display_name="Uni Example", country_code="DE")
    ada = factories.researcher(display_name="Ada Lovelace", orcid="0000-0002-1825-0097")
    bob = factories.researcher(display_name="Bob Builder", openalex_id=None)
    topic = factories.topic(display_name="Engines")
    works = []
    for year, kind, authors in [
        (2018, "article", [ada]),
        (2019, "article", [ada, bob]),
        (2020, "book", [ada, bob]),
        (2021, "preprint", [bob]),
        (None, "article", [bob]),
    ]:
        work = factories.work(
            authors=authors, topics=[topic], publication_year=year, type=kind, title=f"Work {year}"
        )
        work.authorships.get(researcher=authors[0]).institutions.add(place)
        works.append(work)
    works[1].doi = "10.5555/abc(1)"
    works[1].save()
    factories.refresh(ada, bob)
    return {"ada": ada, "bob": bob, "place": place, "topic": topic, "works": works}


def ids_of(response):
    assert response.status_code == 200, response.content
    return [r["id"].rsplit("/", 1)[-1] for r in response.json()["results"]]


def short(work):
    return work.openalex_id


def test_filters_combine_as_openalex_says(client, data):
    w = data["works"]
    ada = data["ada"].openalex_id
    get = lambda f: set(ids_of(client.get(f"/openalex/works?filter={f}")))  # noqa: E731
    assert get(f"author.id:{ada}") == {short(x) for x in w[:3]}
    assert get(f"authorships.author.id:{ada},publication_year:>2018") == {short(w[1]), short(w[2])}
    assert get("publication_year:<2020") == {short(w[0]), short(w[1])}
    assert get("type:book|preprint") == {short(w[2]), short(w[3])}
    assert get("type:!article") == {short(w[2]), short(w[3])}
    # `+` inside a value: works by both authors.
    bob = f"BZA{data['bob'].pk}"
    assert get(f"author.id:{ada}+{bob}") == {short(w[1]), short(w[2])}
    assert get(f"institutions.id:{data['place'].openalex_id}") == {short(x) for x in w}
    assert get(f"openalex_id:{short(w[0])}|https://openalex.org/{short(w[4])}") == {
        short(w[0]),
        short(w[4]),
    }
    assert get("doi:https://doi.org/10.5555/ABC(1)") == {short(w[1])}
    assert get("title.search:work+2019") == {short(w[1])}


def test_meta_count_is_exact_and_basic_paging(client, data):
    body = client.get("/openalex/works?per-page=2&page=2&sort=publication_year:desc").json()
    assert body["meta"]["count"] == 5 and body["meta"]["page"] == 2
    assert [r["publication_year"] for r in body["results"]] == [2019, 2018]
    assert (
        client.get("/openalex/works?per_page=2&page=3").json()["results"][0]["publication_year"]
        is None
    )


def test_cursor_pages_to_the_end_and_is_tamper_safe(client, data):
    seen, cursor = [], "*"
    while cursor:
        body = client.get(
            "/openalex/works", {"cursor": cursor, "per-page": 2, "sort": "publication_year:desc"}
        ).json()
        seen += [r["publication_year"] for r in body["results"]]
        cursor = body["meta"]["next_cursor"]
    assert seen == [2021, 2020, 2019, 2018, None]

    first = client.get("/openalex/works?cursor=*&per-page=2").json()["meta"]["next_cursor"]
    payload = signing.Signer(salt="bzpeer.openalex.cursor").unsign_object(first)
    payload["p"] = 0
    forged = signing.Signer(salt="wrong-salt").sign_object(payload)
    # A cursor given out with a timestamp (before cursors were deterministic), made up.
    stamped = signing.dumps(payload, salt="bzpeer.openalex.cursor")
    for bad in [forged, first[:-3] + "abc", "not-a-cursor", stamped[:-3] + "abc"]:
        response = client.get("/openalex/works", {"cursor": bad})
        assert (
            response.status_code == 400
            and response.json()["error"] == "Invalid query parameters error."
        )
    # A cursor of one query does not continue another.
    other = client.get("/openalex/works", {"cursor": first, "filter": "type:article"})
    assert other.status_code == 400


def test_group_by_and_select(client, data):
    body = client.get("/openalex/works?group_by=type").json()
    assert body["group_by"][0] == {
        "key": "https://openalex.org/types/article",
        "key_display_name": "article",
        "count": 3,
    }
    years = client.get("/openalex/works?group-by=publication_year").json()
    assert {g["key"] for g in years["group_by"]} == {"2018", "2019", "2020", "2021"}
    with_unknown = client.get("/openalex/works?group-by=publication_year:include_unknown").json()
    assert {"key": "unknown", "key_display_name": "unknown", "count": 1} in with_unknown["group_by"]
    authors = client.get("/openalex/works?group-by=authorships.author.id").json()["group_by"]
    assert authors[0]["key"].endswith(f"/openalex/authors/BZA{data['bob'].pk}")
    assert authors[0]["count"] == 4
    selected = client.get("/openalex/authors?select=id,display_name").json()["results"]
    assert all(set(r) == {"id", "display_name"} for r in selected)


def test_sample_is_repeatable_with_a_seed(client, data):
    first = ids_of(client.get("/openalex/works?sample=3&seed=7"))
    assert len(first) == 3 == len(set(first))
    assert ids_of(client.get("/openalex/works?sample=3&seed=7")) == first
    assert client.get("/openalex/works?sample=3&cursor=*").status_code == 400


def test_autocomplete_and_single_lookups(client, data):
    body = client.get("/openalex/autocomplete/authors?q=lovel").json()
    assert body["results"][0]["display_name"] == "Ada Lovelace"
    assert body["results"][0]["external_id"] == "https://orcid.org/0000-0002-1825-0097"
    assert client.get("/openalex/autocomplete/authors").status_code == 400

    ada = data["ada"]
    assert (
        client.get(f"/openalex/authors/{ada.openalex_id}").json()["display_name"]
        == ada.display_name
    )
    assert (
        client.get("/openalex/authors/orcid:0000-0002-1825-0097")
        .json()["id"]
        .endswith(ada.openalex_id)
    )
    bob = client.get(f"/openalex/authors/BZA{data['bob'].pk}").json()
    assert bob["id"] == f"http://127.0.0.1:8000/openalex/authors/BZA{data['bob'].pk}"
    doi = "https%3A%2F%2Fdoi.org%2F10.5555%2Fabc(1)"
    assert client.get(f"/openalex/works/{doi}").json()["id"].endswith(data["works"][1].openalex_id)
    assert client.get("/openalex/works/doi:10.5555/abc(1)").status_code == 200
    selected = client.get(f"/openalex/authors/{ada.openalex_id}?select=id,orcid").json()
    assert selected == {"id": f"https://openalex.org/{ada.openalex_id}", "orcid": ada.orcid_url}
    missing = client.get("/openalex/works/W1")
    assert missing.status_code == 404 and missing.json()["error"] == "Not found"


@pytest.mark.parametrize(
    "query",
    [
        "filter=nope:1",
        "filter=publication_year:abc",
        "filter=publication_year:>",
        "filter=author.id:X1",
        "filter=from_publication_date:2020-13-01",
        "filter=cited_by_count:99999999999999999999999",
        "per-page=0",
        "per-page=201",
        "per_page=abc",
        "page=0",
        "page=9999&per-page=200",
        "sort=title:up",
        "sort=relevance_score:desc",
        "select=nope",
        "group-by=nope",
        "sample=0",
        "seed=-1",
        "cursor=*&page=2",
        "unknown=1",
        "filter=title.search:a%00b",
        "per-page=1&per_page=2",
    ],
)
def test_bad_parameters_are_400_json(client, data, query):
    response = client.get(f"/openalex/works?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "message"}


def test_unknown_paths_and_methods_answer_json(client, db):
    assert client.get("/openalex/nothing/here").json()["error"] == "Not found"
    response = client.post("/openalex/works")
    assert response.status_code in (403, 405) and "error" in response.json()


@override_settings(
    OPENALEX_API_HOST="api.bzpeer.test", ALLOWED_HOSTS=["testserver", "api.bzpeer.test"]
)
def test_the_same_routes_answer_at_the_root_of_the_api_host(client, data):
    body = client.get("/works?filter=type:book", HTTP_HOST="api.bzpeer.test").json()
    assert body["meta"]["count"] == 1
    ada = client.get(f"/authors/{data['ada'].openalex_id}", HTTP_HOST="api.bzpeer.test")
    assert ada.json()["display_name"] == "Ada Lovelace"
    # The main host keeps its own pages.
    assert client.get("/works?filter=type:book").status_code == 404
