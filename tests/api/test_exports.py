"""Citation exports parse back: BibTeX with bibtexparser, CSL-JSON against its schema, RIS."""

import datetime as dt
import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.template.loader import render_to_string

from tests import factories
from works import exports, identifiers

CSL_SCHEMA = json.loads((Path(__file__).parent / "csl-data.schema.json").read_text())
HOSTILE_TITLE = "Cost & benefit: 50% of {braces}, a_b, $x$, #1 and back\\slash in Zürich"


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    """A plain RIS reader: TAG  - value lines, records closed by ER."""
    records, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            continue
        tag, separator, value = line[:2], line[2:6], line[6:]
        assert separator.rstrip() == "  -", line
        if tag == "ER":
            records.append(current)
            current = {}
        else:
            current.setdefault(tag, []).append(value)
    assert current == {}, "every record ends with ER"
    return records


@pytest.fixture
def works_of_ada(db):
    ada = factories.researcher(display_name="Ada Lovelace")
    babbage = factories.researcher(display_name="Charles Babbage")
    journal = factories.source(display_name="Journal of Engines & Looms")
    factories.work(
        authors=[ada, babbage],
        title=HOSTILE_TITLE,
        doi="10.1234/abc",
        publication_year=2021,
        publication_date=dt.date(2021, 3, 4),
        source=journal,
        abstract="Line one.\nLine two.",
    )
    factories.work(authors=[ada], title="Notes on the engine", type="book", publication_year=1843)
    factories.work(
        authors=[ada], title="Notes on the engine", type="preprint", publication_year=1843
    )
    factories.refresh(ada)
    return ada


def test_bibtex_parses_back(client, works_of_ada):
    response = client.get(f"/api/researchers/{works_of_ada.pk}/works.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert "attachment" in response["Content-Disposition"]
    library = bibtexparser.parse_string(
        response.content.decode(), append_middleware=[LatexDecodingMiddleware()]
    )
    assert library.failed_blocks == []
    entries = {entry.key: entry for entry in library.entries}
    assert len(entries) == 3, "keys are unique even for works of the same name and year"
    article = next(e for e in library.entries if e.entry_type == "article")
    fields = {name: field.value for name, field in article.fields_dict.items()}
    assert fields["title"] == HOSTILE_TITLE
    assert fields["author"] == "Lovelace, Ada and Babbage, Charles"
    assert fields["journal"] == "Journal of Engines & Looms"
    assert fields["doi"] == "10.1234/abc" and fields["year"] == "2021"
    assert sorted(e.entry_type for e in library.entries) == ["article", "book", "misc"]


def test_csl_json_is_valid_against_the_schema(client, works_of_ada):
    response = client.get(f"/api/researchers/{works_of_ada.pk}/works.json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    jsonschema.validate(items, CSL_SCHEMA)
    article = next(item for item in items if item.get("DOI"))
    assert article["title"] == HOSTILE_TITLE
    assert article["issued"] == {"date-parts": [[2021, 3, 4]]}
    assert article["author"][0] == {"family": "Lovelace", "given": "Ada"}
    assert article["container-title"] == "Journal of Engines & Looms"


def test_csl_schema_refuses_what_csl_does_not_know():
    bad = [{**exports.csl_item(exports.ExportWork(key="k", title="t")), "colour": "blue"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, CSL_SCHEMA)


def test_ris_parses_back(client, works_of_ada):
    response = client.get(f"/api/researchers/{works_of_ada.pk}/works.ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    text = response.content.decode()
    assert "\r\n" in text
    records = parse_ris(text)
    assert len(records) == 3
    article = next(r for r in records if r["TY"] == ["JOUR"])
    assert article["TI"] == [HOSTILE_TITLE]
    assert article["AU"] == ["Lovelace, Ada", "Babbage, Charles"]
    assert article["DA"] == ["2021/03/04"] and article["DO"] == ["10.1234/abc"]
    assert article["AB"] == ["Line one. Line two."], "a value never spans lines"
    assert sorted(r["TY"][0] for r in records) == ["BOOK", "JOUR", "UNPB"]


def test_export_of_a_missing_researcher_is_404(client, db):
    for suffix in ("bib", "ris", "json"):
        assert client.get(f"/api/researchers/987654/works.{suffix}").status_code == 404


def test_export_query_count_does_not_grow_with_works(client, db, django_assert_max_num_queries):
    ada = factories.researcher()
    for _ in range(30):
        factories.work(authors=[ada, factories.researcher()], source=factories.source())
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/researchers/{ada.pk}/works.bib").status_code == 200


def test_export_links_partial(db):
    ada = factories.researcher()
    html = render_to_string("works/_export_links.html", {"researcher": ada})
    for suffix in ("bib", "ris", "json"):
        assert f'href="/api/researchers/{ada.pk}/works.{suffix}"' in html


def test_names_split_and_dois_normalise():
    assert exports.split_name("Ada King Lovelace") == ("Lovelace", "Ada King")
    assert exports.split_name("Lovelace, Ada") == ("Lovelace", "Ada")
    assert exports.split_name("Plato") == ("Plato", "")
    assert identifiers.normalize_doi(" https://doi.org/10.1/AbC ") == "10.1/abc"
    assert identifiers.normalize_doi("doi:10.1/X") == "10.1/x"
