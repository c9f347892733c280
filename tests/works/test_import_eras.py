"""Each schema era OpenAlex has published imports with every field read: the 2021 snapshot
sample, the 2023 snapshot sample, the 2026 API pages, and a 2022-shaped export written here
(string scores, ``host_venue``, ``alternate_host_venues``, concepts without topics,
``last_known_institution``, ``x_concepts``), as the university library's export of issue 12."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from tests.conftest import REAL_DATA
from works.models import (
    Authorship,
    Institution,
    OpenAlexRecord,
    Researcher,
    ResearcherInstitution,
    Source,
    Work,
)

pytestmark = pytest.mark.django_db

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
PRO = REAL_DATA / "rkrug+openalexPro" / "tests" / "testthat" / "_snaps" / "005-pro_fetch_search"


def run(*paths) -> str:
    out = io.StringIO()
    # The go-openalex sample is knowingly partial: its manifests list parts it does not hold.
    call_command(
        "import_openalex", *map(str, paths), partial=True, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def test_2021_snapshot_sample():
    out = run(GO / "works" / "updated_date=2021-11-03" / "part_000")

    assert "Imported 50 works" in out and "Rejected 0" in out and "Warnings" not in out
    work = Work.objects.select_related("source").get(openalex_id="W1612067013")
    # host_venue (a V… id, become S…), its url as the landing page.
    assert (work.source.openalex_id, work.source.host_organization_name) == (
        "S2755781118",
        "Healthc Q",
    )
    assert work.landing_page_url == "https://doi.org/10.12927/hcq.2008.19503"
    assert (work.is_oa, work.oa_status, work.oa_url) == (
        True,
        "bronze",
        "https://www.longwoods.com/product/download/code/19503",
    )
    assert work.is_retracted is False
    assert work.updated_date == dt.datetime(2021, 11, 3, tzinfo=dt.UTC)
    # The single raw_affiliation_string of the time.
    first = work.authorships.get(order=0)
    assert first.raw_affiliation_strings == [
        "Department of Health Policy, Management and Evaluation, Faculty of Medicine, "
        "Univeristy of Toronto."
    ]
    assert first.institutions.get().display_name == "University of Toronto"
    assert work.concepts.count() == 8 and work.topics.count() == 0


def test_2023_snapshot_sample():
    out = run(GO / "works" / "updated_date=2023-05-16" / "part_000", GO / "works" / "W2741809807")

    assert "Imported 28 works" in out and "Rejected 0" in out and "Warnings" not in out
    work = Work.objects.select_related("source").get(openalex_id="W2741809807")
    assert work.source.display_name == "PeerJ"
    assert (work.is_oa, work.oa_status) == (True, "gold")
    assert work.landing_page_url == "https://doi.org/10.7717/peerj.4375"
    heather = work.authorships.get(order=0)
    assert heather.researcher.display_name == "Heather Piwowar"
    assert heather.countries == ["US"] and heather.is_corresponding is False
    assert heather.raw_affiliation_strings == ["Impactstory, Sanford, NC, USA"]
    chemistry = Work.objects.get(openalex_id="W4206759534")
    assert chemistry.source.issn == ["1520-6882", "0003-2700"]


def test_2023_entity_snapshots_keep_the_source_s_own_figures():
    run(GO / "institutions" / "I27837315", GO / "sources" / "S137773608", GO / "authors")

    nature = Source.objects.get(openalex_id="S137773608")
    assert (nature.works_count, nature.cited_by_count, nature.h_index) == (433077, 21545517, 1617)
    assert nature.issn == ["1476-4687", "0028-0836"]  # every ISSN, not only the linking one
    assert nature.host_organization == "P4310319908"
    michigan = Institution.objects.get(openalex_id="I27837315")
    assert michigan.two_year_mean_citedness == pytest.approx(4.693958158142854)
    assert michigan.counts_by_year[0] == {
        "year": 2023,
        "works_count": 14380,
        "cited_by_count": 987134,
    }
    molina = Researcher.objects.get(openalex_id="A4347464006")
    assert (molina.figures_from, molina.figures_works_count, molina.h_index) == ("openalex", 0, 0)
    assert [i.display_name for i in molina.current_institutions] == ["Stony Brook University"]


def test_2026_api_pages():
    out = run(PRO / "json")

    assert "Imported 200 works" in out and "Rejected 0" in out and "Warnings" not in out
    work = Work.objects.get(openalex_id="W4235089722")
    assert work.topics.get(openalex_id="T13438").field == "Environmental Science"
    assert work.concepts.filter(openalex_id="C130217890").exists()  # concepts kept apart
    entry = work.authorships.get()
    assert entry.is_corresponding is True
    assert entry.raw_affiliation_strings == ["Palmetto Aquaculture Company"]
    # Fields BZPEER does not query are kept in the document all the same.
    document = OpenAlexRecord.objects.get(openalex_id="W4235089722").record
    assert document["keywords"][0]["display_name"] == "Convention on Biological Diversity"
    assert document["citation_normalized_percentile"]["value"] == 0.63824203


# --- 2022 -------------------------------------------------------------------------------------
#
# Written at test time in the shape OpenAlex served in 2022 (its documented Work object of the
# time): concept scores as strings, venues as host_venue and alternate_host_venues, no topics,
# an author's one last_known_institution and x_concepts.

WORK_2022 = {
    "id": "https://openalex.org/W3022222222",
    "doi": "https://doi.org/10.5555/physics.2022",
    "title": "Measurement of a rare decay with 2,918 authors",
    "display_name": "Measurement of a rare decay with 2,918 authors",
    "publication_year": 2022,
    "publication_date": "2022-03-14",
    "ids": {
        "openalex": "https://openalex.org/W3022222222",
        "doi": "https://doi.org/10.5555/physics.2022",
        "mag": "3022222222",
        "pmid": "https://pubmed.ncbi.nlm.nih.gov/35000000",
        "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/9000000",
    },
    "host_venue": {
        "id": "https://openalex.org/V4210172589",
        "issn_l": "0370-2693",
        "issn": ["0370-2693", "1873-2445"],
        "display_name": "Physics Letters B",
        "publisher": "Elsevier BV",
        "type": "journal",
        "url": "https://doi.org/10.5555/physics.2022",
        "is_oa": True,
        "version": "publishedVersion",
        "license": "cc-by",
    },
    "alternate_host_venues": [
        {
            "id": "https://openalex.org/V4306400194",
            "display_name": "arXiv (Cornell University)",
            "type": "repository",
            "url": "https://arxiv.org/abs/2203.00001",
            "is_oa": True,
            "version": "submittedVersion",
            "license": None,
        }
    ],
    "type": "journal-article",
    "open_access": {"is_oa": True, "oa_status": "hybrid", "oa_url": "https://arxiv.org/pdf/1"},
    "authorships": [
        {
            "author_position": "first",
            "author": {
                "id": "https://openalex.org/A3022222201",
                "display_name": "Physicist, First",
                "orcid": "https://orcid.org/0000-0002-1825-0097",
            },
            "institutions": [
                {
                    "id": "https://openalex.org/I3022222299",
                    "display_name": "Example Laboratory",
                    "ror": "https://ror.org/03yrm5c26",
                    "country_code": "CH",
                    "type": "facility",
                }
            ],
            "raw_affiliation_string": "Example Laboratory, Geneva, Switzerland",
        },
        {
            "author_position": "middle",
            "author": {"id": None, "display_name": "A. Collaborator", "orcid": None},
            "institutions": [],
            "raw_affiliation_string": None,
        },
    ],
    # OpenAlex served the 2,918 authors of such a paper cut short; the count it stated stands.
    "authors_count": "2918",
    "cited_by_count": "17",
    "biblio": {"volume": "826", "issue": None, "first_page": "136913", "last_page": None},
    "is_retracted": False,
    "is_paratext": False,
    "concepts": [
        {
            "id": "https://openalex.org/C121332964",
            "wikidata": "https://www.wikidata.org/wiki/Q413",
            "display_name": "Physics",
            "level": 0,
            "score": "0.47713992",
        },
        {
            "id": "https://openalex.org/C109214941",
            "wikidata": "https://www.wikidata.org/wiki/Q18334",
            "display_name": "Particle physics",
            "level": 1,
            "score": "0.39",
        },
    ],
    "mesh": [],
    "alternate_host_venues_count": 1,
    "referenced_works": ["https://openalex.org/W1", "https://openalex.org/W2"],
    "related_works": [],
    "abstract_inverted_index": {"A": [0], "rare": [1], "decay.": [2]},
    "cited_by_api_url": "https://api.openalex.org/works?filter=cites:W3022222222",
    "counts_by_year": [{"year": 2022, "cited_by_count": "17"}],
    "updated_date": "2022-07-02T01:23:45.678901",
    "created_date": "2022-03-20",
}

AUTHOR_2022 = {
    "id": "https://openalex.org/A3022222201",
    "orcid": "https://orcid.org/0000-0002-1825-0097",
    "display_name": "First Physicist",
    "display_name_alternatives": ["F. Physicist"],
    "works_count": "312",
    "cited_by_count": "9120",
    "ids": {"openalex": "https://openalex.org/A3022222201", "mag": "3022222201"},
    "last_known_institution": {
        "id": "https://openalex.org/I3022222299",
        "ror": "https://ror.org/03yrm5c26",
        "display_name": "Example Laboratory",
        "country_code": "CH",
        "type": "facility",
    },
    "x_concepts": [
        {
            "id": "https://openalex.org/C121332964",
            "wikidata": "https://www.wikidata.org/wiki/Q413",
            "display_name": "Physics",
            "level": 0,
            "score": "88.4",
        }
    ],
    "counts_by_year": [{"year": 2022, "works_count": "14", "cited_by_count": "780"}],
    "works_api_url": "https://api.openalex.org/works?filter=author.id:A3022222201",
    "updated_date": "2022-07-01",
    "created_date": "2017-08-08",
}


@pytest.fixture
def export_2022(tmp_path):
    path = tmp_path / "library-export-2022.json"
    path.write_text(json.dumps({"meta": {"count": 2}, "results": [WORK_2022, AUTHOR_2022]}))
    return path


def test_2022_export_imports_every_record_reading_strings_as_numbers(export_2022):
    out = run(export_2022)

    assert "Imported 1 authors, 1 works" in out and "Rejected 0" in out and "Warnings" not in out
    work = Work.objects.select_related("source").get(openalex_id="W3022222222")
    assert dict(work.work_concepts.values_list("concept__display_name", "score")) == {
        "Physics": pytest.approx(0.47713992),
        "Particle physics": pytest.approx(0.39),
    }
    assert work.topics.count() == 0  # concepts stay concepts
    assert (work.authors_count, work.cited_by_count) == (2918, 17)
    assert work.source.openalex_id == "S4210172589"
    assert work.source.issn == ["0370-2693", "1873-2445"]
    assert work.landing_page_url == "https://doi.org/10.5555/physics.2022"
    assert work.counts_by_year == [{"year": 2022, "cited_by_count": 17}]
    assert [a.name for a in work.authorships.order_by("order")] == [
        "First Physicist",
        "A. Collaborator",
    ]
    assert Authorship.objects.get(work=work, order=1).researcher is None
    physicist = Researcher.objects.get(openalex_id="A3022222201")
    assert (physicist.figures_works_count, physicist.figures_cited_by_count) == (312, 9120)
    assert physicist.counts_by_year == [{"year": 2022, "works_count": 14, "cited_by_count": 780}]
    affiliation = ResearcherInstitution.objects.get(researcher=physicist)
    assert (affiliation.institution.display_name, affiliation.last_known) == (
        "Example Laboratory",
        True,
    )
    # ...and 2022 is also when that byline named it.
    assert (affiliation.first_year, affiliation.last_year, affiliation.works_count) == (
        2022,
        2022,
        1,
    )


def test_2022_export_round_trips_with_its_old_fields(client, export_2022):
    run(export_2022)

    work = client.get("/openalex/works/W3022222222").json()
    author = client.get("/openalex/authors/A3022222201").json()

    for served, source in ((work, WORK_2022), (author, AUTHOR_2022)):
        derived = {"cited_by_api_url", "works_api_url"}
        assert {k: v for k, v in served.items() if k not in derived} == {
            k: v for k, v in source.items() if k not in derived
        }
    assert work["host_venue"]["id"] == "https://openalex.org/V4210172589"
    assert work["alternate_host_venues"][0]["display_name"] == "arXiv (Cornell University)"
    assert work["concepts"][0]["score"] == "0.47713992"  # as it came: a string
    assert "topics" not in work  # never a concept under topics
    assert author["x_concepts"][0]["display_name"] == "Physics"
    assert author["last_known_institution"]["display_name"] == "Example Laboratory"
    assert author["works_count"] == "312"  # the record's own, as it came
