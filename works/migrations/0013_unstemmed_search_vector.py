"""Store the unstemmed (`simple`) search vector of works' titles and abstracts, GIN-indexed.

Until now only the stemmed vectors were stored (0009), and `.search.no_stem` computed a
`simple` vector for every row its stemmed twin found: a common word made it compute thousands
of vectors (78 s on 20,000 works of real text; 2-9 s at 1,000,000 generated works). One
weighted column (the title A, the abstract B, as `fts_text`) answers all three unstemmed
searches through its index: title and abstract are its parts (`ts_filter`). Its cost on disk
is in docs/benchmarks.md (the Issue 19 section).

Adding a generated column rewrites the table: on a large database this takes minutes and
locks the works while it runs. SQLite, the embedded mode, searches the text columns themselves.
"""

from django.db import migrations

TABLE = "works_work"
COLUMN = "fts_text_simple"
INDEX = "works_work_fts_text_simple_idx"


def _vector(column):
    # As 0009's: PostgreSQL reads "finance/biodiversity" as one file-path token.
    return f"to_tsvector('simple'::regconfig, translate(coalesce({column}, ''), '/', ' '))"


EXPRESSION = f"setweight({_vector('title')}, 'A') || setweight({_vector('abstract')}, 'B')"


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({COLUMN})")


def remove_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("works", "0012_sync_touched_researchers")]

    operations = [migrations.RunPython(add_vector, remove_vector)]
