"""Index the works each work cites, so that a work's page finds the held works citing it.

`Work.referenced_works` holds OpenAlex ids as a JSON list; "which works cite W123" is the
containment test `referenced_works @> '["W123"]'`, which a GIN index with jsonb_path_ops
answers from the index (works.queries.citing_works_filter). It is built CONCURRENTLY so that a
site with millions of works keeps serving and importing while it builds.

Only the database changes: the index is not declared on the model (works/models.py), so the
migration state is untouched and `makemigrations --check` stays clean. On SQLite (the embedded
mode) there is no jsonb; the page falls back to a text match there, which small data allows.
"""

from django.db import migrations

INDEX = "work_referenced_works_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
        "ON works_work USING gin (referenced_works jsonb_path_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("works", "0003_researcher_moves_from_profiles"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
