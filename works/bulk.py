"""Set-based writes on PostgreSQL: whole batches as arrays or COPY, a few statements each.

The importer and the derived-row refresh send a batch as one statement per table (PostgreSQL
arrays unnested into rows, or COPY into a temporary table) instead of one statement per row or
an ORM bulk call: measured, the ORM's model instances and SQL compilation cost more than the
database's own work. The embedded SQLite mode keeps the ORM code paths.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence

import psycopg
from django.db import connection, models
from psycopg.types.json import Jsonb

__all__ = [
    "Jsonb",
    "array_value",
    "converter",
    "copy_into",
    "cursor",
    "id_table",
    "insert_rows",
    "is_postgres",
    "quote",
    "staging_table",
    "table",
]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class Cursor(psycopg.Cursor):
    """Raises Django's database errors (IntegrityError...), as the ORM's cursors do."""

    def execute(self, *args, **kwargs):
        with connection.wrap_database_errors:
            return super().execute(*args, **kwargs)


def cursor() -> Cursor:
    """A psycopg cursor on Django's connection, binding parameters on the server.

    Django's own cursor binds client-side, quoting every array element into the SQL text.
    """
    connection.ensure_connection()
    return Cursor(connection.connection)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model) -> str:
    return quote(model._meta.db_table)


def staging_table(cur: Cursor, name: str, columns: str) -> str:
    """An empty temporary table of this connection (created once, emptied for each use).

    ON COMMIT DELETE ROWS empties it after each transaction; the TRUNCATE also empties it
    between batches of one outer transaction (a test, a caller's atomic block).
    """
    cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS")
    cur.execute(f"TRUNCATE {name}")
    return name


def copy_into(cur: Cursor, name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows into a table (JSON values wrapped in Jsonb)."""
    sql = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
    with connection.wrap_database_errors, cur.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def id_table(cur: Cursor, ids: Iterable[int], name: str = "bzpeer_ids") -> str:
    """A temporary table holding these ids (column ``id``, the primary key), by COPY.

    For statements over many thousand rows: a join with it is planned from real statistics
    (ANALYZE), where ``= ANY(%s)`` of a large array is guessed and sends every element as a
    parameter. Emptied at commit, like every staging table.
    """
    staging_table(cur, name, "id bigint PRIMARY KEY")
    with connection.wrap_database_errors, cur.copy(f"COPY {name} (id) FROM STDIN") as copy:
        copy.write("".join(f"{int(pk)}\n" for pk in ids))
    cur.execute(f"ANALYZE {name}")
    return name


def array_value(field, value):
    """A field's value as an element of an array parameter."""
    if isinstance(field, models.JSONField):
        return None if value is None else Jsonb(value)
    return field.get_db_prep_save(value, connection)


# Fields whose database value is the Python value itself when it has this type (Django's
# get_db_prep_save would return it unchanged, at a cost measured in seconds per million values).
_PLAIN_TYPES = [
    (models.ForeignKey, int),
    (models.BooleanField, bool),
    (models.IntegerField, int),
    (models.FloatField, float),
    (models.CharField, str),
    (models.TextField, str),
]


def converter(field) -> Callable:
    """``array_value`` for one field, as a function of the value alone."""
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else Jsonb(value)
    plain = next((kind for cls, kind in _PLAIN_TYPES if isinstance(field, cls)), None)

    def convert(value):
        if value is None or type(value) is plain:
            return value
        return field.get_db_prep_save(value, connection)

    return convert


# Batches of at least this many rows go in by COPY into a staging table: below it the three
# round trips cost more than psycopg's dumping of the rows as arrays.
COPY_MIN_ROWS = 200


def _defaults(model, given: set[str]) -> list[tuple]:
    """(column, cast, value or None for now()) of the columns an insert does not give."""
    found = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given or field.name in given:
            continue
        cast = field.db_type(connection)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            found.append((field.column, cast, None))
            continue
        value = field.get_default()
        if value is None and field.null:
            continue
        found.append((field.column, cast, array_value(field, value)))
    return found


def insert_rows(
    model,
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    conflict: str,
    update: Sequence[str] = (),
    where: str = "",
    returning: str = "",
    cur: Cursor | None = None,
) -> list[tuple]:
    """INSERT rows (tuples in the order of ``fields``) in one statement: from arrays, or for
    larger batches by COPY into a staging table (``_staged``).

    Columns not given get the model's defaults (``now()`` for auto dates). On a conflict with
    ``conflict`` (a column list) the ``update`` fields are set from the new row when ``where``
    holds (SQL over ``t``, the stored row, and ``EXCLUDED``), else nothing is done. Returns the
    rows of ``returning`` (SQL over the written rows), if given.
    """
    if not rows:
        return []
    cur = cur or cursor()
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    columns = [quote(f.column) for f in given]
    extra = _defaults(model, set(fields))
    selects, params = [], []
    for _, cast, value in extra:
        if value is None:
            selects.append("now()")
        else:
            selects.append(f"%s::{cast}")
            params.append(value)
    converters = [converter(f) for f in given]
    prefix = ""
    # In a transaction only: the staged rows must never outlive a failed INSERT.
    if len(rows) >= COPY_MIN_ROWS and connection.in_atomic_block:
        prefix, source = _staged(cur, model, columns, converters, rows)
    else:
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in given)
        params += [[convert(row[i]) for row in rows] for i, convert in enumerate(converters)]
        source = f"unnest({arrays}) AS v({', '.join(columns)})"
    all_columns = columns + [quote(column) for column, _, _ in extra]
    sql = (
        f"{prefix}INSERT INTO {table(model)} AS t ({', '.join(all_columns)}) "
        f"SELECT {', '.join(f'v.{c}' for c in columns)}{''.join(', ' + s for s in selects)} "
        f"FROM {source} "
        f"ON CONFLICT ({conflict}) "
    )
    if update:
        sets = ", ".join(
            f"{quote(meta.get_field(n).column)} = EXCLUDED.{quote(meta.get_field(n).column)}"
            for n in update
        )
        sql += f"DO UPDATE SET {sets}" + (f" WHERE {where}" if where else "")
    else:
        sql += "DO NOTHING"
    if returning:
        sql += f" RETURNING {returning}"
    # The defaults come first in the SQL text, then the arrays (if any).
    cur.execute(sql, params)
    return cur.fetchall() if returning else []


def _staged(cur: Cursor, model, columns: list[str], converters: list, rows) -> tuple[str, str]:
    """COPY rows into a staging table of these columns; return the WITH clause and the FROM
    item that read them back in their order (as ``v``) and empty the table in the same
    statement.

    The staging table has the real table's column types (CREATE TABLE AS ... WITH NO DATA);
    COPY formats rows in psycopg's compiled code, where arrays are dumped element by element
    in Python.
    """
    key = zlib.crc32(",".join(columns).encode())
    name = f"bzpeer_stage_{model._meta.db_table}_{key:08x}"
    cur.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} AS "
        f"SELECT {', '.join(columns)}, 0 AS bzpeer_n FROM {table(model)} WITH NO DATA"
    )
    copy_into(
        cur,
        name,
        [*columns, "bzpeer_n"],
        (
            (*(convert(value) for convert, value in zip(converters, row, strict=True)), n)
            for n, row in enumerate(rows)
        ),
    )
    return (
        f"WITH taken AS (DELETE FROM {name} RETURNING *) ",
        "(SELECT * FROM taken ORDER BY bzpeer_n) AS v",
    )
