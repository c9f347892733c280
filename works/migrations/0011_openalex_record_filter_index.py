"""Index the stored OpenAlex records for the API's filters on fields without a typed column.

`locations.license:cc-by`, `keywords.id:…`, `authorships.institutions.lineage:I…` and the like
are jsonb containment tests on the record (works.openalex_api.documents). A GIN index with
jsonb_path_ops answers them from the index. It covers the record less its large fields that no
filter reads (the abstract's inverted index, counts by year, reference and related-work lists,
translated names), so it costs a fraction of the documents; the API's queries use exactly this
expression (documents.Indexed), and a test checks that the planner picks the index.

Built CONCURRENTLY, so that a site with millions of records keeps serving and importing while it
builds; only the database changes (the model state is untouched, `makemigrations --check` stays
clean). SQLite, the embedded mode, has no jsonb: nothing to do there.
"""

from django.db import migrations

INDEX = "openalexrecord_filter_gin"
# Frozen here as it was written: a migration does not follow later changes of the code.
UNINDEXED = (
    "'{abstract_inverted_index,abstract_inverted_index_v3,counts_by_year,referenced_works,"
    "related_works,international}'::text[]"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON works_openalexrecord "
        f"USING gin ((record - {UNINDEXED}) jsonb_path_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("works", "0010_import_runs"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
