"""Set-based writes on PostgreSQL: whole batches as arrays or COPY, a few statements each.

The importer and the derived-row refresh send a batch as one statement per table (PostgreSQL
arrays unnested into rows, or COPY into a temporary table) instead of one statement per row or
an ORM bulk call: measured, the ORM's model instances and SQL compilation cost more than the
database's own work. The embedded SQLite mode keeps the ORM code paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import psycopg
from django.db import connection
from psycopg.types.json import Jsonb

__all__ = ["Jsonb", "copy_into", "cursor", "is_postgres", "quote", "staging_table", "table"]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def cursor() -> psycopg.Cursor:
    """A psycopg cursor on Django's connection, binding parameters on the server.

    Django's own cursor binds client-side, quoting every array element into the SQL text.
    """
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model) -> str:
    return quote(model._meta.db_table)


def staging_table(cur: psycopg.Cursor, name: str, columns: str) -> str:
    """An empty temporary table of this connection (created once, emptied for each use).

    ON COMMIT DELETE ROWS empties it after each transaction; the TRUNCATE also empties it
    between batches of one outer transaction (a test, a caller's atomic block).
    """
    cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS")
    cur.execute(f"TRUNCATE {name}")
    return name


def copy_into(
    cur: psycopg.Cursor, name: str, columns: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """COPY rows into a table (JSON values wrapped in Jsonb)."""
    with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
