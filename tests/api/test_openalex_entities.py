"""The OpenAlex API's concepts, publishers, funders and topics: lists, lookups, name search, and
concepts never served as topics."""

import json

import pytest

from tests.conftest import REAL_DATA
from works.importer import openalex_import

pytestmark = pytest.mark.django_db

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"

# A topic as OpenAlex's API gives one (2024 on); the samples hold topics only inside works.
TOPIC = {
    "id": "https://openalex.org/T10102",
    "display_name": "scientometrics and bibliometrics research",
    "description": "This cluster of papers focuses on the measurement of science.",
    "keywords": ["Bibliometrics", "Citation Analysis"],
    "ids": {"openalex": "https://openalex.org/T10102", "wikipedia": "https://en.wikipedia.org/"},
    "subfield": {"id": "https://openalex.org/subfields/3309", "display_name": "Library Science"},
    "field": {"id": "https://openalex.org/fields/33", "display_name": "Social Sciences"},
    "domain": {"id": "https://openalex.org/domains/2", "display_name": "Social Sciences"},
    "siblings": [{"id": "https://openalex.org/T12345", "display_name": "Open access"}],
    "works_count": 68000,
    "cited_by_count": 900000,
    "works_api_url": "https://api.openalex.org/works?filter=topics.id:T10102",
    "updated_date": "2025-01-07T23:00:00.000000",
    "created_date": "2024-01-23",
}


@pytest.fixture
def entities(tmp_path):
    topic = tmp_path / "T10102"
    topic.write_text(json.dumps(TOPIC))
    openalex_import(paths=[GO / "concepts", GO / "publishers", GO / "funders", topic])


def results(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def test_concepts_publishers_and_funders_are_listed_and_found_by_name(client, entities):
    concepts = results(client, "/openalex/concepts?search=medicine")
    assert [c["display_name"] for c in concepts["results"]] == ["Medicine"]
    assert concepts["meta"]["count"] == 1
    publishers = results(client, "/openalex/publishers?filter=display_name.search:springer")
    assert "Springer Nature" in [p["display_name"] for p in publishers["results"]]
    funders = results(client, "/openalex/funders?search=national+institutes")
    assert [f["id"] for f in funders["results"]] == ["https://openalex.org/F4320332161"]
    biggest = results(client, "/openalex/publishers?sort=works_count:desc&per-page=1")
    assert biggest["results"][0]["display_name"] == "Springer Nature"


def test_each_is_served_whole_by_its_id(client, entities):
    medicine = results(client, "/openalex/concepts/C71924100")
    assert medicine["international"]["display_name"]["de"] == "Medizin"
    assert medicine["ids"]["umls_cui"] == ["C0013227"]
    nih = results(client, "/openalex/funders/https://openalex.org/F4320332161")
    assert nih["roles"][1]["role"] == "institution"
    springer = results(client, "/openalex/publishers/P4310319965")
    assert springer["alternate_titles"][1] == "Springer Nature Group"
    assert springer["sources_api_url"].endswith(
        "/openalex/sources?filter=host_organization.id:P4310319965"
    )


def test_a_topic_record_round_trips(client, entities):
    served = results(client, "/openalex/topics/T10102")
    assert {k: v for k, v in served.items() if k != "works_api_url"} == {
        k: v for k, v in TOPIC.items() if k != "works_api_url"
    }
    assert served["works_api_url"].endswith("/openalex/works?filter=topics.id:T10102")


def test_a_concept_is_never_a_topic(client, entities):
    assert client.get("/openalex/topics/C71924100").status_code == 404
    topics = results(client, "/openalex/topics")
    assert [t["id"] for t in topics["results"]] == ["https://openalex.org/T10102"]


def test_bad_input_is_a_400_and_unknown_ids_a_404(client, entities):
    assert client.get("/openalex/funders?filter=country_code").status_code == 400
    assert client.get("/openalex/concepts?sort=nonsense").status_code == 400
    assert client.get("/openalex/publishers/P1").status_code == 404
    assert client.get("/openalex/funders/W1").status_code == 404
