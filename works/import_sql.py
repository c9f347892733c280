"""The importer's writes on PostgreSQL, set-based: each table of a batch in a statement or two.

works.import_entities and works.import_authorships decide what a batch wants stored (the same
rules on every database); on PostgreSQL they hand it here, where it goes in as arrays
(``works.bulk.insert_rows``) or COPY, and the database compares it with what is stored: an
upsert that changes only rows whose values differ, and one DELETE for what the batch no longer
has. Newer wins in SQL too (``NEWER``), so a parallel import of an older copy cannot overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import bulk
from .models import (
    Authorship,
    AuthorshipInstitution,
    OpenAlexRecord,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    Work,
    WorkConcept,
    WorkTopic,
)

# An upsert's condition: the stored row has no date of its own, or an older one.
NEWER = "t.updated_date IS NULL OR (EXCLUDED.updated_date IS NOT NULL AND t.updated_date < EXCLUDED.updated_date)"  # noqa: E501


def upsert_newer(
    model, fields: list[str], rows: list[tuple], update: list[str] | None = None
) -> dict[str, int]:
    """Insert rows (OpenAlex id first, then ``fields``), or update ``update`` (default: all of
    them) where the row is newer than the stored one; return the pks of all of them."""
    pks = dict(
        bulk.insert_rows(
            model,
            ["openalex_id", *fields],
            rows,
            conflict="openalex_id",
            update=fields if update is None else update,
            where=NEWER,
            returning="openalex_id, id",
        )
    )
    # A row left alone (another import wrote a newer copy in between) is still found.
    missing = [row[0] for row in rows if row[0] not in pks]
    if missing:
        pks.update(pks_of(model, missing))
    return pks


def ensure(model, fields: list[str], rows: list[tuple]) -> dict[str, int]:
    """Create the rows (OpenAlex id first) whose id is missing; return the pks of all of them."""
    if not rows:
        return {}
    bulk.insert_rows(model, ["openalex_id", *fields], rows, conflict="openalex_id")
    return pks_of(model, [row[0] for row in rows])


def pks_of(model, openalex_ids: list[str]) -> dict[str, int]:
    return lookup(model, "openalex_id", "id", openalex_ids)


def lookup(model, key: str, value: str, keys: list, where: str = "") -> dict:
    """``{key: value}`` of the rows whose ``key`` column is one of ``keys`` (and ``where``).

    The keys go as one binary array parameter: the ORM's IN list compiles a placeholder per
    key, and psycopg's text arrays escape every element with a regular expression.
    """
    if not keys:
        return {}
    cur = bulk.cursor()
    cur.execute(
        f"SELECT {key}, {value} FROM {bulk.table(model)} WHERE {key} = ANY(%b){where}",
        [list(keys)],
    )
    return dict(cur.fetchall())


def researchers_found(orcids: dict[str, str]) -> dict[str, int]:
    """The pks of the researchers stored under these OpenAlex ids; an ORCID iD given here
    fills in a stored record that has none (never replaces one)."""
    if not orcids:
        return {}
    cur = bulk.cursor()
    cur.execute(
        f"SELECT openalex_id, id, orcid FROM {bulk.table(Researcher)} WHERE openalex_id = ANY(%b)",
        [list(orcids)],
    )
    found, fill = {}, {}
    for openalex_id, pk, orcid in cur.fetchall():
        found[openalex_id] = pk
        if not orcid and orcids[openalex_id]:
            fill[pk] = orcids[openalex_id]
    if fill:
        cur.execute(
            f"UPDATE {bulk.table(Researcher)} r SET orcid = v.orcid "
            f"FROM unnest(%s::bigint[], %s::text[]) AS v(id, orcid) WHERE r.id = v.id",
            [list(fill), list(fill.values())],
        )
    return found


def documents_store(rows: Iterable[tuple[str, dict]]) -> None:
    """COPY the records' documents into a staging table, then upsert them in one statement."""
    cur = bulk.cursor()
    staging = bulk.staging_table(cur, "bzpeer_import_documents", "openalex_id text, record jsonb")
    bulk.copy_into(cur, staging, ["openalex_id", "record"], ((k, bulk.Jsonb(d)) for k, d in rows))
    cur.execute(
        f"INSERT INTO {bulk.table(OpenAlexRecord)} (openalex_id, record) "
        f"SELECT openalex_id, record FROM {staging} "
        f"ON CONFLICT (openalex_id) DO UPDATE SET record = EXCLUDED.record"
    )


def scores_sync(through, target: str, desired: dict[tuple[int, int], float], work_ids) -> None:
    """Make the (work, target) score rows of these works exactly ``desired``."""
    table = bulk.table(through)
    column = bulk.quote(through._meta.get_field(target).column)
    pairs = list(desired)
    bulk.cursor().execute(
        f"""
        WITH wanted AS (
            SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::float8[])
                AS v(work_id, target_id, score)
        ), gone AS (
            DELETE FROM {table} x WHERE x.work_id = ANY(%s::bigint[]) AND NOT EXISTS (
                SELECT 1 FROM wanted w WHERE w.work_id = x.work_id AND w.target_id = x.{column}
            )
        )
        INSERT INTO {table} AS x (work_id, {column}, score)
        SELECT work_id, target_id, score FROM wanted
        ON CONFLICT (work_id, {column}) DO UPDATE SET score = EXCLUDED.score
        WHERE x.score IS DISTINCT FROM EXCLUDED.score
        """,
        [[w for w, _ in pairs], [t for _, t in pairs], list(desired.values()), list(work_ids)],
    )


def authorships_existing(work_ids: list[int]) -> dict[tuple[int, int], tuple]:
    """(work, order) -> (researcher, position, raw name, pk) of the stored byline entries."""
    cur = bulk.cursor()
    cur.execute(
        f'SELECT work_id, "order", researcher_id, position, raw_author_name, id '
        f"FROM {bulk.table(Authorship)} WHERE work_id = ANY(%s)",
        [work_ids],
    )
    return {(work_id, order): tuple(rest) for work_id, order, *rest in cur}


def authorships_write(work_ids: list[int], wanted: dict, columns: list[str]) -> None:
    """Make the byline entries of these works exactly ``wanted`` ((work, order) -> entry),
    then each entry's institutions in their order."""
    cur = bulk.cursor()
    authorships, links = bulk.table(Authorship), bulk.table(AuthorshipInstitution)
    keys = list(wanted)
    places = [[w for w, _ in keys], [o for _, o in keys]]
    # What the byline no longer has goes, with its institution links (no ON DELETE in the
    # database: Django cascades in Python).
    stale = f"""
        SELECT a.id FROM {authorships} a
        LEFT JOIN unnest(%s::bigint[], %s::integer[]) AS k(work_id, ord)
            ON k.work_id = a.work_id AND k.ord = a."order"
        WHERE a.work_id = ANY(%s::bigint[]) AND k.work_id IS NULL
    """
    cur.execute(
        f"WITH stale AS ({stale}), links AS ("
        f"DELETE FROM {links} l USING stale s WHERE l.authorship_id = s.id) "
        f"DELETE FROM {authorships} a USING stale s WHERE a.id = s.id",
        [*places, work_ids],
    )
    fields = ["work", "order", *(c.removesuffix("_id") for c in columns)]
    differs = " OR ".join(
        f"t.{bulk.quote(c)} IS DISTINCT FROM EXCLUDED.{bulk.quote(c)}" for c in columns
    )
    bulk.insert_rows(
        Authorship,
        fields,
        [(w, o, *row.columns()) for (w, o), row in wanted.items()],
        conflict='work_id, "order"',
        update=fields[2:],
        where=differs,
        cur=cur,
    )
    entries = [
        (w, o, place, institution_id)
        for (w, o), row in wanted.items()
        for place, institution_id in enumerate(row.institution_ids)
    ]
    cur.execute(
        f"""
        WITH wanted AS (
            SELECT a.id AS authorship_id, v.place, v.institution_id
            FROM unnest(%s::bigint[], %s::integer[], %s::smallint[], %s::bigint[])
                AS v(work_id, ord, place, institution_id)
            JOIN {authorships} a ON a.work_id = v.work_id AND a."order" = v.ord
        ), gone AS (
            DELETE FROM {links} l USING {authorships} a
            WHERE l.authorship_id = a.id AND a.work_id = ANY(%s::bigint[]) AND NOT EXISTS (
                SELECT 1 FROM wanted w
                WHERE w.authorship_id = l.authorship_id AND w.place = l."order"
            )
        )
        INSERT INTO {links} AS l (authorship_id, "order", institution_id)
        SELECT authorship_id, place, institution_id FROM wanted
        ON CONFLICT (authorship_id, "order") DO UPDATE SET institution_id = EXCLUDED.institution_id
        WHERE l.institution_id <> EXCLUDED.institution_id
        """,
        [*([e[i] for e in entries] for i in range(4)), work_ids],
    )


def researcher_institutions_write(desired: dict[int, dict[int, object]]) -> None:
    """Write the author record's side of these researchers' affiliations: the institutions
    each record names (``desired``: researcher -> institution -> affiliation) are in the
    record, with its years; the others lose that mark, and go when no authorship names them."""
    links = bulk.table(ResearcherInstitution)
    rows = [
        (researcher_id, institution_id, bool(aff.last_known), aff.first_year, aff.last_year)
        for researcher_id, wanted in desired.items()
        for institution_id, aff in wanted.items()
    ]
    cur = bulk.cursor()
    cur.execute(
        f"""
        WITH wanted AS (
            SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[], %s::smallint[],
                                 %s::smallint[]) AS v(researcher_id, institution_id,
                                                      last_known, first, last)
        ), unnamed AS (
            SELECT l.id, l.works_count FROM {links} l
            WHERE l.researcher_id = ANY(%s::bigint[]) AND NOT EXISTS (
                SELECT 1 FROM wanted w
                WHERE w.researcher_id = l.researcher_id AND w.institution_id = l.institution_id
            )
        ), gone AS (
            DELETE FROM {links} l USING unnamed u WHERE l.id = u.id AND u.works_count = 0
        ), works_only AS (
            UPDATE {links} l SET in_record = false, last_known = false,
                record_first_year = NULL, record_last_year = NULL,
                first_year = l.works_first_year, last_year = l.works_last_year
            FROM unnamed u
            WHERE l.id = u.id AND u.works_count <> 0 AND (
                l.in_record, l.last_known, l.record_first_year, l.record_last_year,
                l.first_year, l.last_year
            ) IS DISTINCT FROM (false, false, NULL, NULL, l.works_first_year, l.works_last_year)
        )
        INSERT INTO {links} AS l (
            researcher_id, institution_id, in_record, last_known, record_first_year,
            record_last_year, first_year, last_year, works_count
        )
        SELECT researcher_id, institution_id, true, last_known, first, last, first, last, 0
        FROM wanted
        ON CONFLICT (researcher_id, institution_id) DO UPDATE SET
            in_record = true, last_known = EXCLUDED.last_known,
            record_first_year = EXCLUDED.record_first_year,
            record_last_year = EXCLUDED.record_last_year,
            first_year = LEAST(EXCLUDED.record_first_year, l.works_first_year),
            last_year = GREATEST(EXCLUDED.record_last_year, l.works_last_year)
        WHERE (
            l.in_record, l.last_known, l.record_first_year, l.record_last_year, l.first_year,
            l.last_year
        ) IS DISTINCT FROM (
            true, EXCLUDED.last_known, EXCLUDED.record_first_year, EXCLUDED.record_last_year,
            LEAST(EXCLUDED.record_first_year, l.works_first_year),
            GREATEST(EXCLUDED.record_last_year, l.works_last_year)
        )
        """,
        [*([row[i] for row in rows] for i in range(5)), list(desired)],
    )


# The tables an import grows, and the columns its statements look rows up by.
GROWING = [
    (Work, ["id"]),
    (Authorship, ["work_id", "researcher_id", "order"]),
    (AuthorshipInstitution, ["authorship_id", "institution_id", "order"]),
    (WorkTopic, ["work_id", "topic_id"]),
    (WorkConcept, ["work_id", "concept_id"]),
    (Researcher, ["id", "figures_from"]),
    (ResearcherInstitution, ["researcher_id", "institution_id"]),
    (ResearcherName, ["researcher_id", "key"]),
    (ResearcherTopic, ["researcher_id", "topic_id"]),
]


def analyze_growing() -> None:
    """Refresh the planner's statistics of the tables an import grows.

    Planned from statistics of a table a fraction of its size (or none: autovacuum may be
    off, and lags behind a fast import anyway), a batch's ``work_id = ANY(...)`` lookups
    become scans of the whole table, and each batch costs more than the one before.
    Sampled columns only: a few hundred milliseconds however large the tables.
    """
    cur = bulk.cursor()
    for model, fields in GROWING:
        columns = ", ".join(bulk.quote(model._meta.get_field(f).column) for f in fields)
        cur.execute(f"ANALYZE {bulk.table(model)} ({columns})")
