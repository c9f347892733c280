"""The synthetic world: deterministic, realistically skewed, honest counters, never real people."""

import re
import statistics

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bzpeer.demo import synthetic
from profiles.services import researchers_refresh
from tests import factories
from works import identifiers
from works.models import (
    Authorship,
    Institution,
    Researcher,
    ResearcherInstitution,
    Source,
    Topic,
    Work,
    WorkTopic,
)
from works.services import FIGURE_FIELDS, public_verification_level

pytestmark = pytest.mark.django_db

SMALL = 800
COUNTERS = [
    "works_count",
    "topics_count",
    "close_collaborators_count",
    "cited_by_count",
    "trust_score",
    "trust_rubric_version",
    *FIGURE_FIELDS,
]


def rows(model):
    fields = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
    return list(model.objects.order_by("pk").values_list(*fields))


def snapshot():
    """Every generated row except the created/updated timestamps."""
    return {
        "topics": rows(Topic),
        "institutions": rows(Institution),
        "sources": rows(Source),
        "researchers": list(
            Researcher.objects.order_by("pk").values_list(
                "pk",
                "openalex_id",
                "orcid",
                "display_name",
                "display_name_alternatives",
                "verification_level",
                *COUNTERS,
            )
        ),  # fmt: skip
        "affiliations": list(
            ResearcherInstitution.objects.order_by("researcher_id", "institution_id").values_list(
                "researcher_id", "institution_id", "last_known"
            )
        ),
        "works": list(
            Work.objects.order_by("pk").values_list(
                "pk",
                "openalex_id",
                "doi",
                "title",
                "abstract",
                "type",
                "publication_year",
                "publication_date",
                "source_id",
                "cited_by_count",
                "language",
                "referenced_works",
                "authors_count",
            )
        ),  # fmt: skip
        "authorships": list(
            Authorship.objects.order_by("pk").values_list(
                "pk", "work_id", "researcher_id", "position", "order", "raw_author_name"
            )
        ),
        "authorship_institutions": list(
            Authorship.institutions.through.objects.order_by(
                "authorship_id", "institution_id"
            ).values_list("authorship_id", "institution_id")
        ),
        "work_topics": list(
            WorkTopic.objects.order_by("work_id", "topic_id").values_list(
                "work_id", "topic_id", "score"
            )
        ),
    }


def counters():
    return {pk: rest for pk, *rest in Researcher.objects.values_list("pk", *COUNTERS)}


def wipe():
    Work.objects.all().delete()
    Researcher.objects.all().delete()
    for model in (Topic, Institution, Source):
        model.objects.all().delete()


def test_same_seed_gives_the_same_rows_and_another_seed_does_not():
    synthetic.generate(works=SMALL, seed=7)
    first = snapshot()
    wipe()
    synthetic.generate(works=SMALL, seed=7)
    assert snapshot() == first
    wipe()
    synthetic.generate(works=SMALL, seed=8)
    other = snapshot()
    assert other["researchers"] != first["researchers"]
    assert other["works"] != first["works"]


def test_world_has_a_realistic_shape():
    summary = synthetic.generate(works=2000, seed=3)
    assert summary.works == Work.objects.count() == 2000
    assert summary.researchers == Researcher.objects.count()
    counts = list(Researcher.objects.values_list("works_count", flat=True))
    # Every record has a work; productivity is skewed: a few prolific, many one-paper authors.
    assert min(counts) >= 1
    assert max(counts) >= 10 * statistics.median(counts)
    assert counts.count(1) > len(counts) / 4
    # Recurring teams make close collaborators.
    assert Researcher.objects.filter(close_collaborators_count__gte=3).exists()
    # Consortium papers with hundreds of authors, all held.
    consortium = Work.objects.filter(authors_count__gt=50)
    assert consortium.count() >= 2
    for work in consortium:
        assert work.authors_count >= 100
        assert work.authorships.count() == work.authors_count
    # Records in every state the pages show.
    with_orcid = Researcher.objects.exclude(orcid="")
    affiliated = Researcher.objects.filter(affiliations__isnull=False)
    assert 0 < with_orcid.count() < len(counts)
    assert 0 < affiliated.distinct().count() < len(counts)
    assert Researcher.objects.filter(verification_level=0).exists()
    for r in Researcher.objects.all():
        assert r.verification_level == public_verification_level(
            openalex_id=r.openalex_id, orcid=r.orcid
        )
    assert Work.objects.exclude(abstract="").exists() and Work.objects.filter(abstract="").exists()
    assert WorkTopic.objects.count() >= Work.objects.count()


def test_consortium_papers_alone_make_no_close_collaborators():
    synthetic.generate(works=SMALL, seed=11)
    only_consortium = (
        Researcher.objects.filter(works_count__gte=2)
        .exclude(authorships__work__authors_count__lte=50)
        .distinct()
    )
    assert only_consortium.exists()
    assert set(only_consortium.values_list("close_collaborators_count", flat=True)) == {0}


def test_nothing_generated_poses_as_real():
    synthetic.generate(works=SMALL, seed=5)
    synthetic_id = re.compile(r"^[WAIST]9\d{11}$")
    for model in (Work, Researcher, Topic, Institution, Source):
        ids = model.objects.exclude(openalex_id=None).values_list("openalex_id", flat=True)
        assert all(synthetic_id.match(i) for i in ids), model
    dois = Work.objects.exclude(doi="").values_list("doi", flat=True)
    assert all(doi.startswith("10.5555/synthetic.") for doi in dois)
    for institution in Institution.objects.all():
        assert "Synthetic" in institution.display_name
        assert institution.homepage_domain.endswith(".synthetic.example")
    for name in Source.objects.values_list("display_name", flat=True):
        assert "Synthetic" in name or name.startswith("Synth")
    orcids = Researcher.objects.exclude(orcid="").values_list("orcid", flat=True)
    for orcid in orcids:
        assert re.match(r"^0000-0000-\d{4}-\d{3}[\dX]$", orcid)
        digits = orcid.replace("-", "")
        assert identifiers.orcid_checksum(digits[:15]) == digits[15]


def test_orcid_checksum_matches_the_published_example():
    # ORCID's documentation uses 0000-0002-1825-0097 to illustrate the check digit.
    assert identifiers.orcid_checksum("000000021825009") == "7"
    assert identifiers.orcid_checksum("000000021694233") == "X"


def test_fast_counters_match_the_researcher_service():
    synthetic.generate(works=1500, seed=13)
    generated = counters()
    assert any(row[2] > 0 for row in generated.values())  # close collaborators exist
    Researcher.objects.update(**dict.fromkeys(COUNTERS, 0))
    researchers_refresh(researcher_ids=list(generated))
    assert counters() == generated


def test_primary_key_sequences_continue_after_generated_rows():
    synthetic.generate(works=300, seed=2)
    highest = Work.objects.order_by("-pk").first().pk
    assert factories.work(title="Made by hand").pk > highest
    highest = Researcher.objects.order_by("-pk").first().pk
    assert factories.researcher().pk > highest


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL bulk-load path")
def test_postgres_constraints_and_indexes_are_back_after_generation():
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint ORDER BY 1, 2"
            )
            constraints = cursor.fetchall()
            cursor.execute("SELECT tablename, indexdef FROM pg_indexes ORDER BY 1, 2")
            return constraints, cursor.fetchall()

    before = schema()
    assert any("authorship_researcher_idx" in index for _, index in before[1])
    synthetic.generate(works=300, seed=2)
    assert schema() == before


def test_generate_synthetic_refuses_a_database_with_data():
    factories.researcher()
    with pytest.raises(CommandError, match="already holds") as excinfo:
        call_command("generate_synthetic", works=10, verbosity=0)
    assert "\n" not in str(excinfo.value)
    assert Work.objects.count() == 0


def test_generate_synthetic_appends_a_second_world_beside_the_first():
    call_command("generate_synthetic", works=300, seed=1, verbosity=0)
    first_researchers = set(Researcher.objects.values_list("pk", "display_name"))
    call_command("generate_synthetic", works=300, seed=1, append=True, verbosity=0)
    assert Work.objects.count() == 600
    assert first_researchers < set(Researcher.objects.values_list("pk", "display_name"))
    # The new world's counters are its own; the first world's are untouched.
    generated = counters()
    researchers_refresh(researcher_ids=list(generated))
    assert counters() == generated


def test_load_demo_twice_adds_nothing(capsys):
    call_command("load_demo")
    counts = [m.objects.count() for m in (Work, Researcher, Authorship, Topic, Institution)]
    assert counts[0] >= 500
    assert Researcher.objects.filter(works_count__gte=50).exists()
    call_command("load_demo")
    assert [m.objects.count() for m in (Work, Researcher, Authorship, Topic, Institution)] == counts
    assert "already loaded" in capsys.readouterr().out


def test_load_demo_leaves_a_database_of_real_records_alone(capsys):
    author = factories.researcher(display_name="Imported Person")
    factories.work(authors=[author])
    call_command("load_demo")
    assert Work.objects.count() == 1
    assert "only loaded into an empty database" in capsys.readouterr().out
