"""`group_by` on values only the stored records hold (`keywords.id`, `authorships.countries`,
`locations.source.id`, ...), counted in one SQL query.

Each filtered row is joined to its record, and the record to the values an SQL/JSON path picks
out of it (`jsonb_path_query`); a row counts once per distinct value. A row with no value (or no
stored record) falls in the `unknown` group, which `include_unknown` shows.
"""

from dataclasses import dataclass

from django.db import connection

from .documents import require_postgres


@dataclass(frozen=True)
class DocGroup:
    """Group by the values at `path` in the record: the items themselves, or their `key` field
    (with `label` naming the group, as `display_name` names an id)."""

    path: str
    key: str | None = None
    label: str | None = None


def _text(column: str | None) -> str:
    # `#>> '{}'` is a JSON value as text: a string without its quotes, true as `true`.
    return "item #>> '{}'" if column is None else f"item ->> '{column}'"


def document_groups(group: DocGroup, queryset, *, order: str, limit: int) -> list[tuple]:
    """[(key, label, count)], the unknown group's key being None, in the order asked."""
    require_postgres("group_by")
    rows_sql, rows_params = queryset.values("pk", "openalex_id").query.sql_with_params()
    label = _text(group.label) if group.label else "NULL::text"
    direction = {
        "count": "count DESC, key ASC",
        "count:asc": "count ASC, key ASC",
        "key": "key ASC NULLS LAST",
        "key:desc": "key DESC NULLS LAST",
    }[order]
    sql = f"""
        SELECT g.key AS key, max(g.label) AS label, count(DISTINCT w.id) AS count
        FROM ({rows_sql}) AS w (id, openalex_id)
        LEFT JOIN works_openalexrecord r ON r.openalex_id = w.openalex_id
        LEFT JOIN LATERAL (
            SELECT DISTINCT {_text(group.key)} AS key, {label} AS label
            FROM jsonb_path_query(r.record, %s::jsonpath) AS item
        ) g ON true
        GROUP BY g.key
        ORDER BY {direction}
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, group.path, limit])
        return [(key, label, count) for key, label, count in cursor.fetchall()]
