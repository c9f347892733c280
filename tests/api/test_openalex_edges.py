"""OpenAlex's behaviour at the edges: error bodies, repeated filters, paging, meta, ids."""

import pytest

from tests.api import test_openalex

data = test_openalex.data  # the same small world of works, as a fixture here too

INVALID = "Invalid query parameters error."


def test_a_repeated_filter_parameter_is_refused_as_openalex_refuses_it(client, data):
    response = client.get("/openalex/works?filter=publication_year:2020&filter=type:book")
    assert response.status_code == 400
    assert response.json() == {
        "error": INVALID,
        "message": "Only one filter parameter is allowed. Your URL contains filters like: "
        "/works?filter=publication_year:2020&filter=is_open_access:true. Combine and separate "
        "filters with a comma, like: /works?filter=publication_year:2020,is_open_access:true.",
    }


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("filter=no_such:1", INVALID, "no_such is not a valid field. Valid fields are"),
        ("foo=1", INVALID, "foo is not a valid parameter. Valid parameters are: "),
        ("select=nope", INVALID, "nope is not a valid select field. Valid fields for select"),
        ("per-page=ff", INVALID, "Param per-page must be a number."),
        ("per-page=201", "Pagination error.", "per-page parameter must be between 1 and 200"),
        ("page=51&per-page=200", "Pagination error.", "Maximum results size of 10,000 records"),
    ],
)
def test_error_bodies_are_openalexs(client, data, query, error, message):
    response = client.get(f"/openalex/works?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["message"].startswith(message)


def test_a_single_entity_ignores_paging_parameters(client, data):
    work = data["works"][0]
    response = client.get(f"/openalex/works/{work.openalex_id}?per-page=5&page=2&cursor=*")
    assert response.status_code == 200
    assert response.json()["id"].endswith(work.openalex_id)
    assert client.get(f"/openalex/works/{work.openalex_id}?bogus=1").status_code == 400


def test_meta_keys_and_next_cursor_as_openalex_gives_them(client, data):
    paged = client.get("/openalex/works").json()["meta"]
    assert list(paged) == ["count", "db_response_time_ms", "page", "per_page", "groups_count"]
    walked = client.get("/openalex/works?cursor=*&per-page=200").json()
    assert list(walked["meta"]) == [
        "count",
        "db_response_time_ms",
        "page",
        "per_page",
        "next_cursor",
        "groups_count",
    ]
    # Every page with results has a next cursor; the walk ends with an empty page.
    assert len(walked["results"]) == 5 and walked["meta"]["next_cursor"]
    last = client.get(f"/openalex/works?cursor={walked['meta']['next_cursor']}&per-page=200")
    assert last.json()["results"] == [] and last.json()["meta"]["next_cursor"] is None
    grouped = client.get("/openalex/works?group_by=type").json()
    assert set(grouped) == {"meta", "group_by"}


def test_root_level_ids_answer_the_entity(client, data):
    work, ada = data["works"][0], data["ada"]
    assert client.get(f"/openalex/{work.openalex_id}").json()["id"].endswith(work.openalex_id)
    assert client.get(f"/openalex/{ada.openalex_id}").json()["display_name"] == "Ada Lovelace"
    assert client.get("/openalex/W999999999").status_code == 404


def test_autocomplete_generic_filtered_and_by_id(client, data):
    anything = client.get("/openalex/autocomplete?q=ada").json()
    assert [r["display_name"] for r in anything["results"]] == ["Ada Lovelace"]
    assert anything["results"][0]["entity_type"] == "author"
    works = client.get("/openalex/autocomplete/works?q=work&filter=type:book").json()
    assert [r["display_name"] for r in works["results"]] == ["Work 2020"]
    orcid = client.get("/openalex/autocomplete/authors?q=https://orcid.org/0000-0002-1825-0097")
    assert [r["display_name"] for r in orcid.json()["results"]] == ["Ada Lovelace"]
    by_id = client.get(f"/openalex/autocomplete?q={data['works'][0].openalex_id}").json()
    assert [r["entity_type"] for r in by_id["results"]] == ["work"]
    refused = client.get("/openalex/autocomplete?q=ada&filter=type:book")
    assert refused.status_code == 400 and refused.json()["error"] == INVALID
