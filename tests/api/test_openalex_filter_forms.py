"""The schema's form of each filter's values is honest: what it calls valid is taken.

Each collection's `filter` parameter states, key by key, the form of the values
(works/openalex_api/schema.py). For every key, values drawn from that form (derandomized, so
the same on every run) are answered with a 200; values of no form are answered with a 400 and
OpenAlex's error body, for every key whose values are not texts. schemathesis sends whole
filters; this goes through every key, which a few examples per operation cannot.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REAL_DATA
from works.importer import openalex_import
from works.openalex_api import filters as oa_filters
from works.openalex_api.entities import ENTITIES
from works.openalex_api.schema import FREE_VALUE, TEXT, filter_keys, filter_pattern, value_form

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
KEYS = [
    (entity, key, value_form(key, ENTITIES[entity].filters[key]))
    for entity in ENTITIES
    for key in filter_keys(ENTITIES[entity])
    if not oa_filters.is_search_key(key)
]
FORMED = [(entity, key, form) for entity, key, form in KEYS if form != TEXT]


def _get(client, entity: str, clause: str):
    # Percent-encoded as pyalex sends it: a `+` in a filter is AND, a space is %20.
    return client.get(f"/openalex/{entity}?filter={quote(clause, safe=':')}")


def test_only_search_keys_take_free_text():
    assert all(form != FREE_VALUE for _, _, form in KEYS)
    texts = {key for _, key, form in KEYS if form == TEXT}
    # Names, places, page numbers and the like: any words are a value.
    assert "display_name" in texts and "biblio.volume" in texts
    assert not texts & {"is_oa", "publication_year", "doi", "institutions.ror", "from_updated_date"}


def test_the_filter_pattern_reads_each_key_with_its_form():
    works = re.compile(filter_pattern(ENTITIES["works"]))
    assert works.fullmatch("is_oa:true,publication_year:>2019")
    assert works.fullmatch("institutions.ror:https://ror.org/02mhbdp94|0abcdef12")
    assert works.fullmatch("display_name:Notes on the Engine")
    assert not works.fullmatch("is_oa:maybe")
    assert not works.fullmatch("publication_year:soon")
    assert not works.fullmatch("from_updated_date:yesterday")
    assert not works.fullmatch("cites:A123")


@pytest.mark.parametrize(("entity", "key", "form"), KEYS, ids=[f"{e}:{k}" for e, k, _ in KEYS])
def test_every_value_of_the_form_is_taken(db, client, entity, key, form):
    @settings(
        max_examples=3,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.from_regex(rf"\A(?:{form})\Z"))
    def check(value):
        response = _get(client, entity, f"{key}:{value}")
        assert response.status_code == 200, (value, response.content[:300])

    check()


@pytest.mark.parametrize(("entity", "key", "form"), FORMED, ids=[f"{e}:{k}" for e, k, _ in FORMED])
def test_a_value_of_no_form_is_refused(db, client, entity, key, form):
    value = "~nothing~"
    assert not re.fullmatch(form, value)
    response = _get(client, entity, f"{key}:{value}")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["error"] and body["message"]


def test_a_funder_is_found_by_its_doi_bare_or_as_a_url(client, db):
    """`ids.doi` took the DOI's last part for an id (`100000002`), so no funder ever matched."""
    openalex_import(paths=[GO / "funders" / "F4320332161"])
    for value in ("10.13039/100000002", "https://doi.org/10.13039/100000002"):
        for key in ("doi", "ids.doi"):
            response = _get(client, "funders", f"{key}:{value}")
            assert response.status_code == 200
            assert [r["id"] for r in response.json()["results"]] == [
                "https://openalex.org/F4320332161"
            ]
    assert _get(client, "funders", "ids.doi:10.13039/100000003").json()["meta"]["count"] == 0
