"""Full-text search for the OpenAlex API: generated tsvector columns with GIN indexes.

PostgreSQL only. The columns are generated from the text columns, so every writer (the
importer, corrections, the demo) keeps them current without knowing they exist; the models do
not declare them (`works.openalex_api.fulltext` reads them), so no query loads them by
accident. SQLite, the embedded default, searches the text columns themselves.
"""

from django.db import migrations


def _vector(config, column):
    # PostgreSQL's parser reads "finance/biodiversity" as one file-path token: split at slashes.
    return f"to_tsvector('{config}'::regconfig, translate(coalesce({column}, ''), '/', ' '))"


def _weighted(config):
    # The title weighs A, the abstract B: ts_rank counts title words more, ts_filter splits them.
    return (
        f"setweight({_vector(config, 'title')}, 'A') || "
        f"setweight({_vector(config, 'abstract')}, 'B')"
    )


# (table, column, expression)
COLUMNS = [
    # Stemmed only: unstemmed searches compute `simple` vectors of the rows these find.
    ("works_work", "fts_title", _vector("english", "title")),
    ("works_work", "fts_text", _weighted("english")),
    # Names and affiliations as written: no stemming; a JSON list's strings are its text.
    ("works_authorship", "fts_raw_author_name", _vector("simple", "raw_author_name")),
    (
        "works_authorship",
        "fts_raw_affiliation_strings",
        "to_tsvector('simple'::regconfig, coalesce(raw_affiliation_strings, '[]'::jsonb))",
    ),
] + [
    (f"works_{table}", "fts_name", _vector("english", "display_name"))
    for table in ("institution", "source", "topic", "concept", "publisher", "funder")
]


def _tables():
    tables = {}
    for table, column, expression in COLUMNS:
        tables.setdefault(table, []).append((column, expression))
    return tables


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in _tables().items():
        # One ALTER per table: PostgreSQL rewrites the table once for all its new columns.
        added = ", ".join(
            f"ADD COLUMN {column} tsvector GENERATED ALWAYS AS ({expression}) STORED"
            for column, expression in columns
        )
        schema_editor.execute(f"ALTER TABLE {table} {added}")
        for column, _ in columns:
            schema_editor.execute(f"CREATE INDEX {table}_{column}_idx ON {table} USING gin ({column})")


def remove_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in _tables().items():
        dropped = ", ".join(f"DROP COLUMN IF EXISTS {column}" for column, _ in columns)
        schema_editor.execute(f"ALTER TABLE {table} {dropped}")


class Migration(migrations.Migration):
    dependencies = [("works", "0008_faithful_switch")]

    operations = [migrations.RunPython(add_vectors, remove_vectors)]
