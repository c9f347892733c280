"""Real researchers of the openalexPro pages (works only, no author records) are affiliated with
the institutions their own bylines name: the profile header shows it, the institution page and
the directory's filters find them, the rubric counts it, and a claim from an address at the
institution's domain is approved automatically."""

import json
import re

import pytest
from django.core import mail

from profiles.claims import services as claims
from profiles.models import Claim
from profiles.services import trust_breakdown
from tests.conftest import REAL_DATA
from works.importer import openalex_import
from works.models import Institution, Researcher, ResearcherInstitution

pytestmark = pytest.mark.django_db

PAGE = REAL_DATA / "rkrug+openalexPro" / "tests" / "testthat" / "_snaps" / "005-pro_fetch_search"
GUDRUN = "A5071653293"  # Guðrún Gísladóttir, University of Iceland on her byline
ICELAND = "I165368041"


@pytest.fixture
def imported():
    openalex_import(paths=[PAGE / "json"])
    return {
        "gudrun": Researcher.objects.get(openalex_id=GUDRUN),
        "iceland": Institution.objects.get(openalex_id=ICELAND),
    }


def published_affiliations() -> set[tuple[str, str]]:
    """(author, institution) pairs named on the page's bylines, read with json alone."""
    pairs = set()
    for work in json.loads((PAGE / "json").read_text())["results"]:
        for entry in work["authorships"]:
            author = (entry.get("author") or {}).get("id")
            for institution in entry["institutions"]:
                if author:
                    pairs.add((author.rsplit("/", 1)[-1], institution["id"].rsplit("/", 1)[-1]))
    return pairs


def test_every_institution_on_a_researcher_s_byline_is_an_affiliation_with_its_years(imported):
    stored = set(
        ResearcherInstitution.objects.values_list(
            "researcher__openalex_id", "institution__openalex_id"
        )
    )
    assert stored == published_affiliations()
    assert len(stored) > 250
    row = ResearcherInstitution.objects.get(researcher=imported["gudrun"])
    assert row.institution == imported["iceland"]
    assert row.works_count == 1 and row.first_year == row.last_year is not None
    assert row.last_known is False  # no author record says where she is now


def test_the_profile_header_shows_the_current_affiliation(client, imported):
    html = client.get(imported["gudrun"].get_absolute_url()).content.decode()
    header = html[: html.index("</section>")]
    assert "Affiliation not imported" not in header
    assert re.search(r"<dt>Affiliation</dt><dd><a [^>]*>University of Iceland</a>", header)


def test_affiliation_not_imported_only_when_no_source_names_one(client, imported):
    nowhere = Researcher.objects.exclude(affiliations__isnull=False).first()
    html = client.get(nowhere.get_absolute_url()).content.decode()
    assert "Affiliation not imported" in html


def test_the_institution_page_lists_its_researchers(client, imported):
    html = client.get(imported["iceland"].get_absolute_url()).content.decode()
    assert "Guðrún Gísladóttir" in html
    assert "No researchers yet" not in html


def test_the_directory_s_institution_and_country_filters_find_them(client, imported):
    by_institution = client.get("/researchers/", {"institution": imported["iceland"].pk})
    by_country = client.get("/researchers/", {"country": "IS"})
    assert "Guðrún Gísladóttir" in by_institution.content.decode()
    assert "Guðrún Gísladóttir" in by_country.content.decode()
    elsewhere = client.get("/researchers/", {"country": "NO"}).content.decode()
    assert "Guðrún Gísladóttir" not in elsewhere


def test_the_rubric_counts_the_affiliation(imported):
    completeness = {p.key: p for p in trust_breakdown(imported["gudrun"]).parts}["completeness"]
    assert completeness.reason.startswith("affiliation known")
    assert completeness.points == 5 + 2  # affiliation and ORCID iD, no owner headline


def test_a_claim_at_the_institution_s_homepage_domain_is_approved(
    imported, make_user, django_capture_on_commit_callbacks, tmp_path
):
    # The samples hold no institution record of the University of Iceland; its own record,
    # written here as OpenAlex gives one, brings the homepage a claim domain is matched to.
    record = tmp_path / "iceland.json"
    record.write_text(
        json.dumps(
            {
                "id": f"https://openalex.org/{ICELAND}",
                "ror": "https://ror.org/01db6h964",
                "display_name": "University of Iceland",
                "country_code": "IS",
                "type": "education",
                "homepage_url": "https://www.hi.is/",
                "updated_date": "2025-01-01T00:00:00",
            }
        )
    )
    openalex_import(paths=[record])
    # Automatic approval also needs the account's name to be the record's (TRUST.md).
    user = make_user("gudrun@hi.is", first_name="Guðrún", last_name="Gísladóttir")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_submit(user=user, researcher=imported["gudrun"], email="gudrun@hi.is")
    token = re.search(r"/claims/confirm/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)

    claim = claims.claim_confirm_email(token=token)

    assert claim.status == Claim.Status.APPROVED
    imported["gudrun"].refresh_from_db()
    assert imported["gudrun"].owner == user
