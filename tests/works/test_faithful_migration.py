"""The faithful-import migrations carry a database imported before them over (works.0006-0008):
stored institutions become affiliations, concepts kept as topics become concepts, bylines keep
their institutions, figures start as held."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("works", "0005_german_spellings_in_name_keys")]  # main before the faithful import


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_a_main_era_database_migrates_with_its_data():
    old = migrate(BEFORE)
    try:
        Work = old.get_model("works", "Work")
        Researcher = old.get_model("works", "Researcher")
        Institution = old.get_model("works", "Institution")
        Topic = old.get_model("works", "Topic")
        WorkTopic = old.get_model("works", "WorkTopic")
        ResearcherTopic = old.get_model("works", "ResearcherTopic")
        Authorship = old.get_model("works", "Authorship")

        place = Institution.objects.create(openalex_id="I1", display_name="Old Uni")
        lab = Institution.objects.create(openalex_id="I2", display_name="Old Lab")
        ada = Researcher.objects.create(
            openalex_id="A1", display_name="Ada", works_count=2, cited_by_count=7, topics_count=2
        )
        ada.last_known_institutions.add(place)
        concept = Topic.objects.create(openalex_id="C41008148", display_name="Computer science")
        topic = Topic.objects.create(openalex_id="T10102", display_name="Open access")
        for year in (2019, 2021):
            work = Work.objects.create(openalex_id=f"W{year}", publication_year=year)
            entry = Authorship.objects.create(work=work, researcher=ada, order=0)
            entry.institutions.add(lab)
            WorkTopic.objects.create(work=work, topic=concept, score=0.5)
            WorkTopic.objects.create(work=work, topic=topic, score=0.9)
        for linked in (concept, topic):
            ResearcherTopic.objects.create(researcher=ada, topic=linked, works_count=2)
    finally:
        new = migrate(latest())

    ResearcherInstitution = new.get_model("works", "ResearcherInstitution")
    rows = {
        row.institution.openalex_id: (
            row.last_known,
            row.works_count,
            row.first_year,
            row.last_year,
        )
        for row in ResearcherInstitution.objects.select_related("institution")
    }
    assert rows == {"I1": (True, 0, None, None), "I2": (False, 2, 2019, 2021)}
    AuthorshipInstitution = new.get_model("works", "AuthorshipInstitution")
    assert AuthorshipInstitution.objects.count() == 2
    assert set(AuthorshipInstitution.objects.values_list("order", flat=True)) == {0}
    # Concepts are concepts: out of the topics table, with their works and scores.
    assert list(new.get_model("works", "Topic").objects.values_list("openalex_id", flat=True)) == [
        "T10102"
    ]
    WorkConcept = new.get_model("works", "WorkConcept")
    assert sorted(WorkConcept.objects.values_list("concept__openalex_id", "score")) == [
        ("C41008148", 0.5),
        ("C41008148", 0.5),
    ]
    researcher = new.get_model("works", "Researcher").objects.get(openalex_id="A1")
    assert researcher.topics_count == 1
    assert (
        researcher.figures_from,
        researcher.figures_works_count,
        researcher.figures_cited_by_count,
    ) == ("held", 2, 7)
