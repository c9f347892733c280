"""The demo world can be kept out (BZPEER_DEMO=0) and taken out (remove_demo), and only it."""

import io

import pytest
from django.core.management import CommandError, call_command

from bzpeer.demo import synthetic
from bzpeer.demo.synthetic import removal
from collaboration import services as collaboration_services
from tests import factories
from tests.conftest import REAL_DATA
from works.models import Authorship, Institution, Researcher, Source, Topic, Work

pytestmark = pytest.mark.django_db

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
GENERATED = {Work: "W", Researcher: "A", Topic: "T", Institution: "I", Source: "S"}


def command(name, **options) -> str:
    out = io.StringIO()
    call_command(name, stdout=out, **options)
    return out.getvalue()


def real_rows():
    """Everything that is not generated, as it stands."""
    return {
        model: sorted(
            model.objects.exclude(pk__in=removal.synthetic(model, prefix).values("pk")).values_list(
                "pk", "openalex_id"
            )
        )
        for model, prefix in GENERATED.items()
    }


@pytest.fixture
def demo_beside_real_data(stranger):
    """A small demo world, then real OpenAlex records imported beside it."""
    synthetic.generate(works=150, seed=7)
    call_command(
        "import_openalex", str(GO), partial=True, stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Work.objects.exclude(pk__in=removal.demo_works().values("pk")).exists()
    # Someone followed a demo person on the demo site.
    demo_person = Researcher.objects.get(pk=removal.demo_researcher_ids()[0])
    collaboration_services.follow_create(user=stranger, researcher=demo_person)


def test_remove_demo_takes_out_exactly_the_generated_world(demo_beside_real_data, stranger):
    # A real name-only author (no id) and a real author who was put on a generated work.
    name_only = factories.researcher(display_name="Real Name Only", openalex_id=None)
    factories.work(authors=[name_only], title="A real work of a name-only author")
    shared = factories.researcher(display_name="Real Coauthor")
    factories.work(authors=[shared], title="Their own real work")
    Authorship.objects.create(
        work=removal.demo_works().first(), researcher=shared, order=99, raw_author_name="R"
    )
    factories.refresh(shared)
    assert shared.works_count == 2
    before = real_rows()
    generated = removal.demo_counts()
    assert generated.works == 150 and generated.researchers > 50

    out = command("remove_demo")

    assert f"Removed the demo: {generated.works:,} works" in out
    assert "1 other researcher shared a demo work and was refreshed." in out
    for model, prefix in GENERATED.items():
        assert not removal.synthetic(model, prefix).exists(), model
    assert not Work.objects.filter(doi__startswith=synthetic.DOI_PREFIX).exists()
    assert not Researcher.objects.filter(orcid__startswith="0000-0000-").exists()
    assert real_rows() == before
    assert Researcher.objects.filter(pk=name_only.pk).exists()
    shared.refresh_from_db()
    assert shared.works_count == 1
    assert not stranger.follows.exists()  # what hung on the demo went with it
    assert command("remove_demo") == "No demo data found; nothing removed.\n"


def test_remove_demo_dry_run_changes_nothing(demo_beside_real_data):
    works, researchers = Work.objects.count(), Researcher.objects.count()
    out = command("remove_demo", dry_run=True)
    assert out.startswith("Would remove 150 works, ")
    assert (Work.objects.count(), Researcher.objects.count()) == (works, researchers)


def test_remove_demo_refuses_when_a_real_record_was_merged_into_a_demo_one(demo_beside_real_data):
    real = Researcher.objects.exclude(pk__in=removal.demo_researcher_ids()).first()
    demo = Researcher.objects.get(pk=removal.demo_researcher_ids()[0])
    Researcher.objects.filter(pk=real.pk).update(merged_into=demo, owner=None)
    with pytest.raises(CommandError, match="merged into demo records"):
        command("remove_demo")
    assert removal.demo_works().count() == 150


def test_load_demo_can_be_turned_off(settings):
    settings.BZPEER = {**settings.BZPEER, "DEMO": False}
    assert command("load_demo") == "BZPEER_DEMO is off: no demo data is loaded.\n"
    assert not Work.objects.exists()


def test_load_demo_beside_imported_data_says_how_to_remove_it(demo_beside_real_data):
    out = command("load_demo")
    assert "already loaded" in out and "manage.py remove_demo" in out
    command("remove_demo")
    # Real records alone: the demo is never loaded into them.
    assert "only loaded into an empty database" in command("load_demo")
    assert not removal.demo_works().exists()


def test_real_ids_never_look_generated():
    # Real OpenAlex ids have at most 10 digits; the test factories use 9.
    work = factories.work(openalex_id="W9123456789")
    person = factories.researcher(openalex_id="A5023888391")
    assert not removal.synthetic(Work, "W").filter(pk=work.pk).exists()
    assert not removal.synthetic(Researcher, "A").filter(pk=person.pk).exists()
