"""Writing the synthetic world fast: COPY or bulk inserts, dropped and restored indexes and
foreign keys, and set-based counters and search keys."""

import json

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from profiles import trust
from profiles.services import trust_inputs
from works import figures, names
from works.models import (
    Authorship,
    AuthorshipInstitution,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    Work,
    WorkTopic,
)
from works.queries import close_collaborator_counts_sql

# --- Writers ----------------------------------------------------------------------------------


def _full_columns(model, columns, now):
    """Add every other concrete field with its default, as the ORM would; skip an omitted pk."""
    extra = []
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append((field, now))
        else:
            extra.append((field, field.get_default()))
    return extra


class CopyWriter:
    """PostgreSQL: stream rows with COPY, the fastest way in."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.now = timezone.now()

    def write(self, model, columns, rows):
        if not rows:
            return
        extra = _full_columns(model, columns, self.now)
        fields = [model._meta.get_field(c) for c in columns] + [f for f, _ in extra]
        # The given columns' JSON values are encoded per row; the defaults once, below.
        json_at = [
            i for i, f in enumerate(fields[: len(columns)]) if isinstance(f, models.JSONField)
        ]
        defaults = tuple(json.dumps(v) if isinstance(v, list | dict) else v for _, v in extra)
        self.copy(model._meta.db_table, [f.column for f in fields], rows, json_at, defaults)

    def copy(self, table, columns, rows, json_at=(), defaults=()):
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with self.cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row((*row, *defaults))


class BulkWriter:
    """SQLite (and any other backend): large bulk_create batches."""

    def __init__(self, cursor):
        self.cursor = cursor

    def write(self, model, columns, rows):
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
        )

    def copy(self, table, columns, rows, json_at=(), defaults=()):
        quote = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(columns))
        names = ", ".join(quote(c) for c in columns)
        self.cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


# PostgreSQL checks foreign keys row by row and updates every index on each insert, which costs
# more than the COPY itself at this size. Its manual ("Populating a Database") advises dropping
# foreign keys and secondary indexes for a bulk load and adding them back afterwards: one join
# checks a whole constraint, one sort builds a whole index. It all happens in the generator's
# transaction, so no other session ever sees the tables without them.
WRITTEN_MODELS = [Researcher, ResearcherInstitution, Work, Authorship, AuthorshipInstitution,
                  WorkTopic]  # fmt: skip


def _written_tables() -> list[str]:
    return [model._meta.db_table for model in WRITTEN_MODELS]


def drop_foreign_keys(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        [_written_tables()],
    )
    foreign_keys = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return foreign_keys


def restore_foreign_keys(cursor, foreign_keys) -> None:
    for table, name, definition in foreign_keys:
        quoted = connection.ops.quote_name(name)
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")


def drop_secondary_indexes(cursor) -> list[tuple[str, str]]:
    """Drop the indexes that no primary key or unique constraint owns; return their definitions."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
        [_written_tables()],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return indexes


def restore_indexes(cursor, indexes) -> None:
    for _, definition in indexes:
        cursor.execute(definition)


# --- Counters ---------------------------------------------------------------------------------


def _counter_rows(cursor, first_pk: int):
    """Works, cited-by, topics and close collaborators of researchers from first_pk on.

    Set-based versions of profiles.services.researchers_refresh, whose definitions
    (TRUST.md) they must match; tests compare the two.
    """
    t = {m: m._meta.db_table for m in (Researcher, Authorship, Work, WorkTopic)}
    links = ResearcherInstitution._meta.db_table
    sql = f"""
        SELECT r.id, r.verification_level, r.followers_count, r.orcid, r.headline, r.owner_id,
               COALESCE(w.works, 0), COALESCE(w.cited, 0), COALESCE(tp.topics, 0),
               COALESCE(c.close, 0),
               CASE WHEN EXISTS (SELECT 1 FROM {links} l WHERE l.researcher_id = r.id)
                    THEN 1 ELSE 0 END
        FROM {t[Researcher]} r
        LEFT JOIN (
            SELECT a.researcher_id, COUNT(a.work_id) AS works, SUM(wk.cited_by_count) AS cited
            FROM {t[Authorship]} a JOIN {t[Work]} wk ON wk.id = a.work_id
            WHERE a.researcher_id >= %s
            GROUP BY a.researcher_id
        ) w ON w.researcher_id = r.id
        LEFT JOIN (
            SELECT a.researcher_id, COUNT(DISTINCT wt.topic_id) AS topics
            FROM {t[Authorship]} a JOIN {t[WorkTopic]} wt ON wt.work_id = a.work_id
            WHERE a.researcher_id >= %s
            GROUP BY a.researcher_id
        ) tp ON tp.researcher_id = r.id
        LEFT JOIN ({close_collaborator_counts_sql(">= %s")}) c ON c.researcher_id = r.id
        WHERE r.id >= %s
        ORDER BY r.id
    """
    limit = settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]
    cursor.execute(sql, [first_pk, first_pk, limit, first_pk, first_pk])
    while batch := cursor.fetchmany(10_000):
        yield from batch


def prune_researchers_without_works(cursor, first_pk: int) -> int:
    """Drop team members and students the dice never put on a paper: a record needs a work."""
    researchers = Researcher._meta.db_table
    authorships = Authorship._meta.db_table
    for table, column in [(ResearcherInstitution._meta.db_table, "researcher_id"),
                          (researchers, "id")]:  # fmt: skip
        cursor.execute(
            f"DELETE FROM {table} WHERE {column} >= %s AND NOT EXISTS "
            f"(SELECT 1 FROM {authorships} a WHERE a.researcher_id = {table}.{column})",
            [first_pk],
        )
    return cursor.rowcount


def refresh_counters(writer, cursor, first_pk: int) -> None:
    """Store the counters and trust scores of the new researchers in one UPDATE."""
    scores: dict[tuple, int] = {}
    rows = []
    for (
        pk,
        level,
        followers,
        orcid,
        headline,
        owner_id,
        works,
        cited,
        topics,
        close,
        has_aff,
    ) in _counter_rows(cursor, first_pk):
        researcher = Researcher(
            verification_level=level,
            works_count=works,
            close_collaborators_count=close,
            followers_count=followers,
            orcid=orcid,
            headline=headline,
            owner_id=owner_id,
        )
        inputs = trust_inputs(researcher, has_affiliation=bool(has_aff))
        # Many researchers share the same inputs; score each combination once.
        if inputs not in scores:
            scores[inputs] = trust.score(inputs).total
        rows.append((pk, works, int(cited), topics, close, scores[inputs], trust.RUBRIC_VERSION))
    columns = ["id", "works_count", "cited_by_count", "topics_count",
               "close_collaborators_count", "trust_score", "trust_rubric_version"]  # fmt: skip
    cursor.execute("DROP TABLE IF EXISTS synthetic_counters")
    cursor.execute(
        "CREATE TEMPORARY TABLE synthetic_counters (id bigint PRIMARY KEY, "
        + ", ".join(f"{c} bigint NOT NULL" for c in columns[1:])
        + ")"
    )
    writer.copy("synthetic_counters", columns, rows)
    table = Researcher._meta.db_table
    assignments = ", ".join(f"{c} = s.{c}" for c in columns[1:])
    cursor.execute(
        f"UPDATE {table} SET {assignments} FROM synthetic_counters s WHERE {table}.id = s.id"
    )
    cursor.execute("DROP TABLE synthetic_counters")


def write_held_figures(writer, cursor, first_pk: int) -> None:
    """Store the new researchers' figures computed from their works (no author records).

    The same function as works.services' refresh (works.figures.held_figures), fed in bulk: one
    pass over the new researchers' authorships, in researcher order.
    """
    authorships, works = Authorship._meta.db_table, Work._meta.db_table
    cursor.execute(
        f"SELECT a.researcher_id, w.publication_year, w.cited_by_count, w.counts_by_year "
        f"FROM {authorships} a "
        f"JOIN {works} w ON w.id = a.work_id WHERE a.researcher_id >= %s "
        f"ORDER BY a.researcher_id",
        [first_pk],
    )
    this_year = timezone.now().year
    rows, current, held = [], None, []

    def close():
        if current is not None:
            f = figures.held_figures(held, this_year=this_year)
            rows.append((current, "held", f.works_count, f.cited_by_count, f.h_index,
                         f.i10_index, f.two_year_mean_citedness,
                         json.dumps(f.counts_by_year)))  # fmt: skip

    while batch := cursor.fetchmany(10_000):
        for researcher_id, year, cited, by_year in batch:
            if researcher_id != current:
                close()
                current, held = researcher_id, []
            if isinstance(by_year, str):  # SQLite hands JSON back as text
                by_year = json.loads(by_year)
            held.append(figures.HeldWork(year, cited, by_year or []))
    close()
    json_type = "jsonb" if connection.vendor == "postgresql" else "text"
    columns = [("figures_from", "text"), ("figures_works_count", "bigint"),
               ("figures_cited_by_count", "bigint"), ("h_index", "bigint"),
               ("i10_index", "bigint"), ("two_year_mean_citedness", "double precision"),
               ("counts_by_year", json_type)]  # fmt: skip
    cursor.execute("DROP TABLE IF EXISTS synthetic_figures")
    cursor.execute(
        "CREATE TEMPORARY TABLE synthetic_figures (id bigint PRIMARY KEY, "
        + ", ".join(f"{name} {kind}" for name, kind in columns)
        + ")"
    )
    writer.copy("synthetic_figures", ["id", *(name for name, _ in columns)], rows)
    table = Researcher._meta.db_table
    assignments = ", ".join(f"{name} = s.{name}" for name, _ in columns)
    cursor.execute(
        f"UPDATE {table} SET {assignments} FROM synthetic_figures s WHERE {table}.id = s.id"
    )
    cursor.execute("DROP TABLE synthetic_figures")


def write_search_index(writer, cursor, first_pk: int) -> None:
    """Index the new researchers' names and topics for the directory, as imports do.

    The same keys and folded text as profiles.services builds, written in bulk.
    """
    researchers = Researcher._meta.db_table
    cursor.execute(
        f"SELECT id, display_name FROM {researchers} WHERE id >= %s ORDER BY id", [first_pk]
    )
    key_rows, text_rows = [], []
    while batch := cursor.fetchmany(10_000):
        for pk, display_name in batch:
            key_rows.extend((pk, key[:255]) for key in sorted(names.name_keys(display_name)))
            text_rows.append((pk, names.search_text([display_name])))
    writer.copy(ResearcherName._meta.db_table, ["researcher_id", "key"], key_rows)
    cursor.execute("DROP TABLE IF EXISTS synthetic_search_text")
    cursor.execute("CREATE TEMPORARY TABLE synthetic_search_text (id bigint PRIMARY KEY, t text)")
    writer.copy("synthetic_search_text", ["id", "t"], text_rows)
    cursor.execute(
        f"UPDATE {researchers} SET search_text = s.t FROM synthetic_search_text s "
        f"WHERE {researchers}.id = s.id"
    )
    cursor.execute("DROP TABLE synthetic_search_text")
    topics = ResearcherTopic._meta.db_table
    cursor.execute(
        f"INSERT INTO {topics} (researcher_id, topic_id, works_count) "
        f"SELECT a.researcher_id, wt.topic_id, COUNT(*) "
        f"FROM {Authorship._meta.db_table} a "
        f"JOIN {WorkTopic._meta.db_table} wt ON wt.work_id = a.work_id "
        f"WHERE a.researcher_id >= %s GROUP BY a.researcher_id, wt.topic_id",
        [first_pk],
    )
