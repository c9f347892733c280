"""Property: a record with a valid OpenAlex id and arbitrary junk in every other field imports,
with warnings, never rejected and never a crash; and it is served back by the API."""

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from works.importer import openalex_import
from works.models import OpenAlexRecord
from works.openalex_api import ids

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Any JSON value, with the hostile ones real files have held: NUL characters, lone
# surrogates, bidi controls, markup, huge numbers, numbers as strings, links that are scripts.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "\x00",
            "\ud800",
            "\u202eevil",
            "<script>alert(1)</script>",
            "javascript:alert(document.domain)//",
            "0.47713992",
            "2022",
            "https://openalex.org/A9999999999",
            "https://openalex.org/I1",
            "W1",
            "",
        ]
    )
)
junk = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=12,
)
# The fields OpenAlex records have, so that the junk lands where the parser reads.
FIELDS = [
    "doi", "title", "display_name", "publication_year", "publication_date", "ids", "language",
    "primary_location", "host_venue", "type", "open_access", "authorships", "cited_by_count",
    "concepts", "topics", "primary_topic", "referenced_works", "abstract_inverted_index",
    "abstract", "authors_count", "counts_by_year", "updated_date", "updated", "is_retracted",
    "orcid", "display_name_alternatives", "works_count", "summary_stats", "affiliations",
    "last_known_institution", "last_known_institutions", "x_concepts", "ror", "country_code",
    "homepage_url", "geo", "issn", "issn_l", "host_organization", "is_oa", "level", "wikidata",
    "subfield", "field", "domain", "hierarchy_level", "country_codes", "is_in_doaj",
]  # fmt: skip
LETTERS = {letters[0]: name for name, letters in ids.LETTERS.items()}
numbers = itertools.count(1)


def nested_author_junk(value):
    """Junk inside an authorship too: the byline is the most nested part of a work."""
    return [{"author": value, "institutions": value, "countries": value, "author_position": value}]


@PROPERTY
@given(
    letter=st.sampled_from(sorted(LETTERS)),
    fields=st.dictionaries(st.sampled_from(FIELDS), junk, min_size=1, max_size=8),
    nested=junk,
)
def test_a_record_with_a_valid_id_and_junk_elsewhere_always_imports(
    tmp_path_factory, client, unthrottled, letter, fields, nested
):
    openalex_id = f"{letter}{next(numbers)}"
    record = {"id": f"https://openalex.org/{openalex_id}", **fields}
    if letter == "W" and "authorships" not in fields:
        record["authorships"] = nested_author_junk(nested)
    path = tmp_path_factory.mktemp("junk") / "record.jsonl"
    path.write_text(json.dumps(record) + "\n")
    errors = []

    result = openalex_import(paths=[path], on_error=errors.append)

    assert errors == [] and result.rejected == 0
    assert result.counts[LETTERS[letter]] == 1
    assert OpenAlexRecord.objects.filter(openalex_id=openalex_id).exists()
    response = client.get(f"/openalex/{LETTERS[letter]}/{openalex_id}")
    assert response.status_code == 200
    assert response.json()["id"] == record["id"]
