"""OpenAlex's filters and groups on real records: every answer is checked against what the
records themselves say, read here with plain ``json`` (not with the code under test), and
against OpenAlex's own answer to a recorded query."""

import json
from collections import Counter

import pytest
from django.db import connection

from tests.conftest import REAL_DATA
from works.importer import openalex_import
from works.openalex_api import filters
from works.openalex_api.filters import Alternative, QueryError

pytestmark = pytest.mark.django_db

SNAPS = REAL_DATA / "rkrug+openalexPro" / "tests" / "testthat" / "_snaps"
SEARCH_PAGE = SNAPS / "005-pro_fetch_search" / "json"
DOI_PAGES = [
    SNAPS / "008-pro_pipeline_parallel" / f"json_chunk_{i}_results_page_1.json" for i in range(1, 5)
]
GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"


def records(*paths) -> dict[str, dict]:
    """The copy of each work the import keeps: the newest `updated_date`, the later on a tie."""
    found = {}
    for path in paths:
        for record in json.loads(path.read_text())["results"]:
            key = record["id"].rsplit("/", 1)[-1]
            if key not in found or record["updated_date"] >= found[key]["updated_date"]:
                found[key] = record
    return found


def values(node, path: str) -> list:
    """The values at a dotted path, every list on the way unwrapped (as SQL/JSON's lax mode)."""
    found = [node]
    for part in path.split("."):
        nxt = []
        for item in found:
            for element in item if isinstance(item, list) else [item]:
                if isinstance(element, dict) and part in element:
                    nxt.append(element[part])
        found = nxt
    flat = []
    for item in found:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def most_common(works: dict, path: str):
    counts = Counter(v for w in works.values() for v in set(map(str, values(w, path))))
    value, count = next((v, c) for v, c in counts.most_common() if v not in {"None", ""})
    assert 0 < count < len(works), path  # a value that tells works apart
    return value


def served(client, entity: str, query: str) -> tuple[set[str], int]:
    ids, page = [], 1
    while True:
        response = client.get(
            f"/openalex/{entity}", {"filter": query, "per-page": 200, "page": page}
        )
        assert response.status_code == 200, (query, response.content)
        body = response.json()
        ids += [r["id"].rsplit("/", 1)[-1] for r in body["results"]]
        if len(ids) >= body["meta"]["count"] or not body["results"]:
            return set(ids), body["meta"]["count"]
        page += 1


@pytest.fixture
def works(db):
    openalex_import(paths=[SEARCH_PAGE, *DOI_PAGES])
    return records(SEARCH_PAGE, *DOI_PAGES)


# --- The language --------------------------------------------------------------------------


def test_keys_take_hyphens_and_a_leading_bang_negates_the_whole_or_list():
    (clause,) = filters.parse_filter("Open-Access.Is-OA:!true|false")
    assert clause.key == "open_access.is_oa"
    assert clause.groups == ((Alternative("true", True), Alternative("false", True)),)
    (clause,) = filters.parse_filter("authorships.institutions.country-code:!fr+gb")
    assert clause.groups == ((Alternative("fr", True),), (Alternative("gb"),))
    with pytest.raises(QueryError, match="beginning of an OR list"):
        filters.parse_filter("type:article|!book")
    assert filters.parse_sort("-cited-by-count", {"cited_by_count"}) == [("cited_by_count", True)]
    assert filters.parse_group_by("open-access.oa-status", {"open_access.oa_status"}) == (
        "open_access.oa_status",
        False,
    )


# --- Every filter against what the records say -------------------------------------------


def cases(works):
    """(filter, which works the records say match it)."""

    def has(path, test):
        return {k for k, w in works.items() if any(test(v) for v in values(w, path))}

    def equal(path, value):
        return has(path, lambda v: v == value)

    def in_range(path, low, high):
        return has(path, lambda v: isinstance(v, int | float) and low <= v <= high)

    def short(ids):
        return {i.rsplit("/", 1)[-1] for i in ids}

    every = set(works)
    license_ = most_common(works, "locations.license")
    lineage = most_common(works, "authorships.institutions.lineage")
    keyword = most_common(works, "keywords.id")
    field = most_common(works, "topics.field.id")
    sdg = most_common(works, "sustainable_development_goals.id")
    issn = most_common(works, "primary_location.source.issn")
    host = most_common(works, "locations.source.host_organization_lineage")
    country = most_common(works, "authorships.institutions.country_code")
    ror = most_common(works, "authorships.institutions.ror")
    concept = most_common(works, "concepts.wikidata")
    corresponding = most_common(works, "corresponding_author_ids")
    pmid = most_common(works, "ids.pmid")
    related = next(k for k, w in works.items() if short(w["related_works"]) & every)
    cited = Counter(
        r for w in works.values() for r in w["referenced_works"] if r.rsplit("/", 1)[-1] in works
    )
    cited_work = cited.most_common(1)[0][0].rsplit("/", 1)[-1]
    citing_work = next(
        k
        for k, w in works.items()
        if len({r.rsplit("/", 1)[-1] for r in w["referenced_works"]} & every) >= 2
    )
    return [
        # Open access.
        ("is_oa:true", equal("open_access.is_oa", True)),
        ("open_access.is_oa:false", equal("open_access.is_oa", False)),
        ("Open-Access.Is-OA:TRUE", equal("open_access.is_oa", True)),
        ("oa_status:gold|green", has("open_access.oa_status", lambda v: v in {"gold", "green"})),
        (
            "oa_status:!closed|bronze",
            every - has("open_access.oa_status", lambda v: v in {"closed", "bronze"}),
        ),
        ("has_fulltext:true", equal("has_fulltext", True)),
        (
            "open_access.any_repository_has_fulltext:true",
            equal("open_access.any_repository_has_fulltext", True),
        ),
        (f"locations.license:{license_.upper()}", equal("locations.license", license_)),
        (f"primary_location.license:{license_}", equal("primary_location.license", license_)),
        (
            f"best_oa_location.license:!{license_}",
            every - equal("best_oa_location.license", license_),
        ),
        ("locations.version:SUBMITTEDVERSION", equal("locations.version", "submittedVersion")),
        ("best_open_version:published", equal("best_oa_location.version", "publishedVersion")),
        ("locations.is_oa:true", equal("locations.is_oa", True)),
        ("primary_location.source.type:journal", equal("primary_location.source.type", "journal")),
        ("locations.source.type:repository", equal("locations.source.type", "repository")),
        (f"primary_location.source.issn:{issn}", equal("primary_location.source.issn", issn)),
        (
            "primary_location.source.is_in_doaj:true",
            equal("primary_location.source.is_in_doaj", True),
        ),
        (
            f"locations.source.host_organization_lineage:{host.rsplit('/', 1)[-1]}",
            equal("locations.source.host_organization_lineage", host),
        ),
        (
            "primary_location.source.has_issn:false",
            every - has("primary_location.source.issn", lambda v: v),
        ),
        # The citation graph.
        (
            f"cites:{cited_work}",
            {
                k
                for k, w in works.items()
                if f"https://openalex.org/{cited_work}" in w["referenced_works"]
            },
        ),
        (
            f"cited_by:{citing_work}",
            {r.rsplit("/", 1)[-1] for r in works[citing_work]["referenced_works"]} & every,
        ),
        (
            f"related_to:https://openalex.org/{related}",
            short(works[related]["related_works"]) & every,
        ),
        ("has_references:false", {k for k, w in works.items() if not w["referenced_works"]}),
        # Ranges and dates.
        ("publication_year:2001-2003", in_range("publication_year", 2001, 2003)),
        ("publication-year:>2008", has("publication_year", lambda v: v > 2008)),
        (
            "from_publication_date:2005-03-01,to_publication_date:2006-12-31",
            has("publication_date", lambda v: "2005-03-01" <= v <= "2006-12-31"),
        ),
        ("from_created_date:2025-10-10", has("created_date", lambda v: v[:10] >= "2025-10-10")),
        ("to_created_date:2020-01-01", has("created_date", lambda v: v[:10] <= "2020-01-01")),
        ("from_updated_date:2025-11-01", has("updated_date", lambda v: v[:10] >= "2025-11-01")),
        ("cited_by_count:10-20", in_range("cited_by_count", 10, 20)),
        (
            "authors_count:>3",
            {
                k
                for k, w in works.items()
                if max(len(w["authorships"]), w.get("authors_count") or 0) > 3
            },
        ),
        ("fwci:>1.5", has("fwci", lambda v: v is not None and v > 1.5)),
        (
            "apc_list.value_usd:2000-",
            has("apc_list.value_usd", lambda v: v is not None and v >= 2000),
        ),
        ("apc_list.currency:usd", equal("apc_list.currency", "USD")),
        ("apc_paid.value:null", every - has("apc_paid.value", lambda v: v is not None)),
        ("locations_count:>2", has("locations_count", lambda v: v > 2)),
        # Bylines: typed tables, and the records' lineage.
        (
            f"authorships.institutions.country_code:{country.lower()}",
            equal("authorships.institutions.country_code", country),
        ),
        (
            f"institutions.country_code:{country}+GB",
            equal("authorships.institutions.country_code", country)
            & equal("authorships.institutions.country_code", "GB"),
        ),
        (f"institutions.ror:{ror.rsplit('/', 1)[-1]}", equal("authorships.institutions.ror", ror)),
        (
            "authorships.institutions.type:education",
            equal("authorships.institutions.type", "education"),
        ),
        (
            f"authorships.institutions.lineage:{lineage.rsplit('/', 1)[-1]}",
            equal("authorships.institutions.lineage", lineage),
        ),
        ("authorships.is_corresponding:true", equal("authorships.is_corresponding", True)),
        ("authorships.countries:us", equal("authorships.countries", "US")),
        (
            f"corresponding_author_ids:{corresponding}",
            equal("corresponding_author_ids", corresponding),
        ),
        # Identifiers and subjects.
        (f"ids.pmid:{pmid.rsplit('/', 1)[-1]}", equal("ids.pmid", pmid)),
        ("has_pmid:true", has("ids.pmid", lambda v: v)),
        (f"concepts.wikidata:{concept.rsplit('/', 1)[-1]}", equal("concepts.wikidata", concept)),
        (f"keywords.id:{keyword.rsplit('/', 1)[-1]}", equal("keywords.id", keyword)),
        (f"keywords.id:!{keyword}", every - equal("keywords.id", keyword)),
        (f"topics.field.id:{field.rsplit('/', 1)[-1]}", equal("topics.field.id", field)),
        (
            f"sustainable_development_goals.id:{sdg.rsplit('/', 1)[-1]}",
            equal("sustainable_development_goals.id", sdg),
        ),
        ("is_retracted:false", equal("is_retracted", False)),
        ("is_paratext:false", equal("is_paratext", False)),
        ("indexed_in:CROSSREF", equal("indexed_in", "crossref")),
    ]


def test_every_filter_matches_what_the_records_say(client, works):
    for query, expected in cases(works):
        assert expected, f"{query}: the real data has works that match"
        found, count = served(client, "works", query)
        assert (found, count) == (expected, len(expected)), query


def test_the_recorded_doi_query_gets_openalex_s_own_answer(client, db):
    # Only the pages of that query: the search page holds other works with two of its DOIs.
    openalex_import(paths=DOI_PAGES)
    for page in DOI_PAGES:
        recorded = json.loads(page.read_text())
        dois = "|".join(r["doi"].removeprefix("https://doi.org/") for r in recorded["results"])
        found, count = served(client, "works", f"doi:{dois}")
        assert count == recorded["meta"]["count"]
        assert found == {r["id"].rsplit("/", 1)[-1] for r in recorded["results"]}


def test_the_readme_example_of_pyalex_filters_open_access_works_of_2020(client, works):
    expected = {
        k for k, w in works.items() if w["publication_year"] == 2008 and w["open_access"]["is_oa"]
    }
    assert expected
    # pyalex's Works().filter(publication_year=2020, is_oa=True) sends exactly this.
    assert served(client, "works", "publication_year:2008,is_oa:true")[0] == expected
    assert served(client, "works", "publication_year:2020,is_oa:true") == (set(), 0)


# --- Groups ------------------------------------------------------------------------------


def groups(client, entity: str, query: str) -> list[dict]:
    response = client.get(f"/openalex/{entity}?{query}")
    assert response.status_code == 200, response.content
    return response.json()["group_by"]


def test_group_by_nested_keys_counts_what_the_records_say(client, works):
    keyword_counts = Counter(k for w in works.values() for k in set(values(w, "keywords.id")))
    served_counts = {g["key"]: g["count"] for g in groups(client, "works", "group_by=keywords.id")}
    assert served_counts == dict(keyword_counts.most_common(200)) or (
        len(keyword_counts) > 200 and len(served_counts) == 200
    )
    top = groups(client, "works", "group_by=keywords.id")[0]
    name = next(
        k["display_name"] for w in works.values() for k in w["keywords"] if k["id"] == top["key"]
    )
    assert top["key_display_name"] == name

    countries = Counter(c for w in works.values() for c in set(values(w, "authorships.countries")))
    none = sum(1 for w in works.values() if not values(w, "authorships.countries"))
    by_key = groups(client, "works", "group-by=authorships.countries:include_unknown&sort=key:asc")
    assert [g["key"] for g in by_key] == [*sorted(countries), "unknown"]
    assert {g["key"]: g["count"] for g in by_key} == {**countries, "unknown": none}

    institutions = Counter(
        c
        for w in works.values()
        for c in set(values(w, "authorships.institutions.country_code"))
        if c is not None
    )
    typed = groups(client, "works", "group_by=institutions.country_code&sort=count:desc")
    assert {g["key"]: g["count"] for g in typed} == dict(institutions)
    assert [g["count"] for g in typed] == sorted(g["count"] for g in typed)[::-1]

    oa = Counter(str(w["open_access"]["is_oa"]).lower() for w in works.values())
    assert {g["key"]: g["count"] for g in groups(client, "works", "group_by=is_oa")} == oa
    ascending = groups(client, "works", "group_by=oa_status&sort=count:asc")
    assert [g["count"] for g in ascending] == sorted(g["count"] for g in ascending)


def test_group_by_refuses_other_sorts(client, works):
    response = client.get("/openalex/works?group_by=is_oa&sort=publication_year")
    assert response.status_code == 400


# --- Other collections -------------------------------------------------------------------


# An author record as OpenAlex's API gives one now (2023 on): every affiliation with its years.
# The sample author predates `affiliations`; here it has moved, from Michigan to OurResearch.
MICHIGAN = {
    "id": "https://openalex.org/I27837315",
    "ror": "https://ror.org/00jmfr291",
    "display_name": "University of Michigan–Ann Arbor",
    "country_code": "US",
    "type": "education",
    "lineage": ["https://openalex.org/I27837315", "https://openalex.org/I2802003361"],
}


def test_authors_are_found_by_every_affiliation_not_only_the_last_known(client, tmp_path):
    record = json.loads((GO / "authors" / "A5023888391").read_text())
    last = record.pop("last_known_institution")
    record["last_known_institutions"] = [last]
    record["affiliations"] = [
        {"institution": last, "years": [2023, 2022]},
        {"institution": MICHIGAN, "years": [2019, 2018]},
    ]
    path = tmp_path / "A5023888391"
    path.write_text(json.dumps(record))
    openalex_import(paths=[path])

    assert served(client, "authors", "affiliations.institution.id:I27837315")[1] == 1
    assert served(client, "authors", "last_known_institutions.id:I27837315")[1] == 0
    assert served(client, "authors", "last_known_institutions.id:I4200000001")[1] == 1
    assert served(client, "authors", "affiliations.institution.lineage:I2802003361")[1] == 1
    assert served(client, "authors", "affiliations.institution.country-code:us")[1] == 1
    assert served(client, "authors", "affiliations.institution.ror:00jmfr291")[1] == 1
    assert served(client, "authors", "affiliations.institution.type:!education")[1] == 0
    keyed = groups(client, "authors", "group_by=affiliations.institution.id")
    assert {g["key"] for g in keyed} == {a["institution"]["id"] for a in record["affiliations"]}


def test_institution_filters_match_what_the_records_say(client):
    path = GO / "institutions" / "updated_date=2023-09-04" / "part_000"
    openalex_import(paths=[path])
    institutions = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        institutions[record["id"].rsplit("/", 1)[-1]] = record
    parent = most_common(institutions, "lineage")
    assert served(client, "institutions", f"lineage:{parent}")[0] == {
        k for k, r in institutions.items() if parent in r["lineage"]
    }
    assert served(client, "institutions", "summary_stats.h_index:100-")[0] == {
        k for k, r in institutions.items() if r["summary_stats"]["h_index"] >= 100
    }
    assert served(client, "institutions", "type:!education|company")[0] == {
        k for k, r in institutions.items() if r["type"] not in {"education", "company"}
    }
    lineage = groups(client, "institutions", f"filter=lineage:{parent}&group_by=lineage")
    assert {g["key"]: g["count"] for g in lineage} == Counter(
        i for r in institutions.values() if parent in r["lineage"] for i in set(r["lineage"])
    )


# --- Refusals, the index and the cost of a page --------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "is_oa:maybe",
        "authors_count:abc",
        "publication_year:-",
        "locations.source.id:X1",
        "cites:A1",
        "fwci:>big",
        "from_created_date:yesterday",
        "from_updated_date:2020-13-01",
        "type:article|!book",
        "best_open_version:sometimes",
    ],
)
def test_malformed_filter_values_are_400(client, db, query):
    response = client.get("/openalex/works", {"filter": query})
    assert response.status_code == 400, (query, response.content)
    assert set(response.json()) == {"error", "message"}


def test_an_unsupported_openalex_filter_says_why(client, db):
    response = client.get("/openalex/works?filter=institutions.continent:europe")
    assert response.status_code == 400
    assert "country-to-continent" in response.json()["message"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_document_filters_are_answered_by_the_gin_index(works):
    from works.models import Work
    from works.openalex_api.entities import ENTITIES

    condition = ENTITIES["works"].filters["locations.license"]("cc-by")
    ((lookup, records),) = condition.children  # openalex_id IN (records meeting the filter)
    assert lookup == "openalex_id__in"
    assert Work.objects.filter(condition).count() > 0
    sql, params = records.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "openalexrecord_filter_gin" in plan, plan


def test_a_page_costs_the_same_queries_whatever_its_size(client, works, django_assert_num_queries):
    query = "keywords.id:biodiversity,institutions.country_code:us|gb,is_oa:false"
    # The count, the page's rows, then for the works not cached yet (all of them here) their
    # rows and stored records (openalex_api.fragments).
    with django_assert_num_queries(4) as small:
        client.get("/openalex/works", {"filter": query, "per-page": 2})
    with django_assert_num_queries(4):
        client.get("/openalex/works", {"filter": query, "per-page": 200})
    assert small.captured_queries
    with django_assert_num_queries(2):
        client.get("/openalex/works", {"filter": query, "group_by": "keywords.id"})


@pytest.mark.django_db(transaction=True)
def test_pyalex_s_readme_example_runs_against_a_live_server(live_server, monkeypatch):
    import pyalex

    from tests import factories

    factories.work(publication_year=2020, is_oa=True, title="Open in 2020")
    factories.work(publication_year=2020, is_oa=False, title="Closed in 2020")
    factories.work(publication_year=2019, is_oa=True, title="Open in 2019")
    from tests.pyalex_live import point_pyalex_at

    point_pyalex_at(monkeypatch, live_server.url + "/openalex")

    works = pyalex.Works().filter(publication_year=2020, is_oa=True).get()
    assert [w["title"] for w in works] == ["Open in 2020"]
    nested = pyalex.Works().filter(open_access={"is_oa": True}, publication_year="2019-2020")
    assert sorted(w["title"] for w in nested.get()) == ["Open in 2019", "Open in 2020"]
    assert pyalex.Works().filter_not(is_oa=True).count() == 1
    years = pyalex.Works().filter(is_oa=True).group_by("publication_year").get()
    assert {g["key"]: g["count"] for g in years} == {"2019": 1, "2020": 1}


def test_the_last_day_there_is_is_a_date_like_any_other(client, works):
    for query in ["to_updated_date:9999-12-31", "to_created_date:9999-12-31"]:
        assert served(client, "works", query)[1] == len(works), query
