"""The faithful import, step 2 of 3: carry existing rows over to the new tables.

- authorship institutions move to the ordered link table (in the order they were stored);
- affiliations (ResearcherInstitution): the last known institutions stored so far, as the
  author record's side, and the institutions on each researcher's own authorships, with the
  number of works and the first and last publication year;
- concepts stored as topics (``C…`` ids, before concepts had a model) move to Concept and
  WorkConcept, and the topic counters of the researchers they touched are recounted;
- a byline place held twice on one work (possible only through old owner restores) moves the
  later row to the end of the byline, so that step 3 can make places unique;
- researchers' figures start as "held" (what the works held give); the next refresh
  (``refresh_researchers --all``, or any import) fills in h-index, i10-index, two-year mean
  citedness and counts by year, and rescores under rubric version 2.

Set-based SQL that PostgreSQL and SQLite both run, so that a big database migrates in minutes.
"""

from django.db import migrations, models

AUTHORSHIP_INSTITUTIONS = """
    INSERT INTO works_authorshipinstitution (authorship_id, institution_id, "order")
    SELECT authorship_id, institution_id,
           ROW_NUMBER() OVER (PARTITION BY authorship_id ORDER BY id) - 1
    FROM works_authorship_institutions
"""

LAST_KNOWN = """
    INSERT INTO works_researcherinstitution
        (researcher_id, institution_id, last_known, in_record, works_count)
    SELECT researcher_id, institution_id, TRUE, TRUE, 0
    FROM profiles_researcher_last_known_institutions
"""

ON_AUTHORSHIPS = """
    INSERT INTO works_researcherinstitution
        (researcher_id, institution_id, last_known, in_record, works_count, works_first_year,
         works_last_year, first_year, last_year)
    SELECT a.researcher_id, ai.institution_id, FALSE, FALSE, COUNT(DISTINCT a.work_id),
           MIN(w.publication_year), MAX(w.publication_year),
           MIN(w.publication_year), MAX(w.publication_year)
    FROM works_authorshipinstitution ai
    JOIN works_authorship a ON a.id = ai.authorship_id
    JOIN works_work w ON w.id = a.work_id
    WHERE a.researcher_id IS NOT NULL
    GROUP BY a.researcher_id, ai.institution_id
    ON CONFLICT (researcher_id, institution_id) DO UPDATE SET
        works_count = excluded.works_count,
        works_first_year = excluded.works_first_year,
        works_last_year = excluded.works_last_year,
        first_year = excluded.first_year,
        last_year = excluded.last_year
"""

CONCEPTS = [
    """
    INSERT INTO works_concept (openalex_id, display_name, wikidata, updated_at, counts_by_year)
    SELECT openalex_id, display_name, '', updated_at, '[]'
    FROM works_topic WHERE openalex_id LIKE 'C%'
    """,
    """
    INSERT INTO works_workconcept (work_id, concept_id, score)
    SELECT wt.work_id, c.id, wt.score
    FROM works_worktopic wt
    JOIN works_topic t ON t.id = wt.topic_id
    JOIN works_concept c ON c.openalex_id = t.openalex_id
    WHERE t.openalex_id LIKE 'C%'
    """,
    """
    CREATE TEMPORARY TABLE faithful_concept_researchers AS
    SELECT DISTINCT researcher_id FROM profiles_researchertopic
    WHERE topic_id IN (SELECT id FROM works_topic WHERE openalex_id LIKE 'C%')
    """,
    """
    DELETE FROM profiles_researchertopic
    WHERE topic_id IN (SELECT id FROM works_topic WHERE openalex_id LIKE 'C%')
    """,
    """
    UPDATE profiles_researcher SET topics_count = (
        SELECT COUNT(*) FROM profiles_researchertopic rt
        WHERE rt.researcher_id = profiles_researcher.id
    )
    WHERE id IN (SELECT researcher_id FROM faithful_concept_researchers)
    """,
    "DROP TABLE faithful_concept_researchers",
    """
    DELETE FROM works_worktopic
    WHERE topic_id IN (SELECT id FROM works_topic WHERE openalex_id LIKE 'C%')
    """,
    "DELETE FROM works_topic WHERE openalex_id LIKE 'C%'",
]

FIGURES = """
    UPDATE profiles_researcher
    SET figures_from = 'held', figures_works_count = works_count,
        figures_cited_by_count = cited_by_count
"""


def one_entry_per_place(apps, schema_editor):
    """Move the later of two rows on one byline place to the end of that byline."""
    Authorship = apps.get_model("works", "Authorship")
    db = schema_editor.connection.alias
    doubled = (
        Authorship.objects.using(db)
        .values("work_id", "order")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
    )
    for place in doubled:
        rows = Authorship.objects.using(db).filter(work_id=place["work_id"])
        last = rows.aggregate(last=models.Max("order"))["last"]
        for offset, row in enumerate(rows.filter(order=place["order"]).order_by("id")[1:], 1):
            Authorship.objects.using(db).filter(pk=row.pk).update(order=last + offset)


class Migration(migrations.Migration):

    dependencies = [
        ("works", "0006_faithful_schema"),
    ]

    operations = [
        migrations.RunSQL(AUTHORSHIP_INSTITUTIONS, migrations.RunSQL.noop),
        migrations.RunSQL(LAST_KNOWN, migrations.RunSQL.noop),
        migrations.RunSQL(ON_AUTHORSHIPS, migrations.RunSQL.noop),
        migrations.RunSQL(CONCEPTS, migrations.RunSQL.noop),
        migrations.RunSQL(FIGURES, migrations.RunSQL.noop),
        migrations.RunPython(one_entry_per_place, migrations.RunPython.noop),
    ]
