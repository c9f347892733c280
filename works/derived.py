"""The derived rows of a batch of researchers, set-based on PostgreSQL (works.services calls it).

Counters, topic links and the authorship side of affiliations are computed in SQL for the whole
batch, each a statement or two; name keys, search text and held figures are computed in Python
(works.names, works.figures: the one definition of each) and written back as arrays. Rows that
already hold the right values are not rewritten, so refreshing unchanged records costs reads,
not writes.
"""

from __future__ import annotations

import json
import zlib
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import bulk, figures, names, queries, signals
from .models import (
    Authorship,
    AuthorshipInstitution,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    Work,
    WorkTopic,
)

# Researchers refreshed per transaction: each statement below covers them all at once.
BATCH = 20_000
IDS = "bzpeer_refresh_ids"  # the batch's ids (works.bulk.id_table)


def refresh(batch: list[int]) -> int:
    """Refresh everything researcher_counters_refresh promises for one batch of ids.

    The ids go into a temporary table that every statement joins; names, search text and
    held figures are computed in Python and sent by COPY; the researcher rows are then written
    once, by one UPDATE, and only where a value changes.
    """
    cur = bulk.cursor()
    ids = bulk.id_table(cur, batch, IDS)
    _topics(cur, ids)
    _institutions(cur, ids)
    cur.execute(
        f"SELECT r.id, r.display_name, r.display_name_alternatives::text, r.figures_from "
        f"FROM {bulk.table(Researcher)} r JOIN {ids} i ON i.id = r.id"
    )
    rows = cur.fetchall()
    texts: dict[int, str] = {}
    keys: dict[int, set[str]] = {}
    for pk, display_name, alternatives, _ in rows:
        # Researcher.all_names without a model instance (their __init__ is slow, measured).
        record = SimpleNamespace(
            display_name=display_name, display_name_alternatives=json.loads(alternatives)
        )
        all_names = Researcher.all_names.fget(record)
        texts[pk] = names.search_text(all_names)
        keys[pk] = {key[:255] for n in all_names for key in names.name_keys(n)}
    names_replace(cur, keys, ids=ids)
    held = _held_figures(cur, ids)
    _researchers_write(cur, ids, texts, held)
    return len(rows)


def _topics(cur, ids: str) -> None:
    """Store how many distinct works each researcher has per topic (ResearcherTopic)."""
    links = bulk.table(ResearcherTopic)
    cur.execute(
        f"""
        WITH wanted AS (
            SELECT a.researcher_id, wt.topic_id, COUNT(DISTINCT wt.work_id) AS n
            FROM {ids} i
            JOIN {bulk.table(Authorship)} a ON a.researcher_id = i.id
            JOIN {bulk.table(WorkTopic)} wt ON wt.work_id = a.work_id
            GROUP BY a.researcher_id, wt.topic_id
        ), gone AS (
            DELETE FROM {links} l USING {ids} i WHERE l.researcher_id = i.id AND NOT EXISTS (
                SELECT 1 FROM wanted w
                WHERE w.researcher_id = l.researcher_id AND w.topic_id = l.topic_id
            )
        )
        INSERT INTO {links} AS l (researcher_id, topic_id, works_count)
        SELECT researcher_id, topic_id, n FROM wanted
        ON CONFLICT (researcher_id, topic_id) DO UPDATE SET works_count = EXCLUDED.works_count
        WHERE l.works_count <> EXCLUDED.works_count
        """
    )


# The researcher columns a refresh writes: the counters and search text of every record, the
# figures of records without an author record (held), and the columns of the apps above
# (works.signals.computed_columns).
COUNTERS = ["works_count", "cited_by_count", "topics_count", "close_collaborators_count"]
HELD_FIGURES = [
    "figures_from",
    "figures_works_count",
    "figures_cited_by_count",
    "h_index",
    "i10_index",
    "two_year_mean_citedness",
    "counts_by_year",
]


def _counts_sql(ids: str, reads: list[str], inputs: dict[str, str]) -> str:
    """Each researcher's counters over their authorships, then what the apps above read."""
    extra = "".join(
        [f", r.{bulk.quote(_column(name))}" for name in reads]
        + [f", ({sql}) AS {name}" for name, sql in inputs.items()]
    )
    return f"""
        SELECT i.id, COALESCE(w.works, 0), COALESCE(w.cited, 0), COALESCE(t.topics, 0),
               COALESCE(c.close, 0){extra}
        FROM {ids} i
        JOIN {bulk.table(Researcher)} r ON r.id = i.id
        LEFT JOIN (
            SELECT held.researcher_id, COUNT(*) AS works,
                   COALESCE(SUM(wk.cited_by_count), 0) AS cited
            FROM (
                SELECT DISTINCT a.researcher_id, a.work_id
                FROM {ids} i JOIN {bulk.table(Authorship)} a ON a.researcher_id = i.id
            ) held
            JOIN {bulk.table(Work)} wk ON wk.id = held.work_id
            GROUP BY held.researcher_id
        ) w ON w.researcher_id = i.id
        LEFT JOIN (
            SELECT rt.researcher_id, COUNT(*) AS topics
            FROM {ids} i JOIN {bulk.table(ResearcherTopic)} rt ON rt.researcher_id = i.id
            GROUP BY rt.researcher_id
        ) t ON t.researcher_id = i.id
        LEFT JOIN ({queries.close_collaborator_counts_sql(f"IN (SELECT id FROM {ids})")}) c
            ON c.researcher_id = i.id
    """


def _column(name: str) -> str:
    return Researcher._meta.get_field(name).column


def _researchers_write(cur, ids: str, texts: dict[int, str], held: dict) -> None:
    """Write the counters, search text, held figures and the apps' computed columns of the
    batch in one UPDATE, only to the rows where one of them changes."""
    computed = list(signals.computed_columns)
    reads = list(dict.fromkeys(name for c in computed for name in c.reads))
    inputs = {name: sql for c in computed for name, sql in c.inputs.items()}
    cur.execute(_counts_sql(ids, reads, inputs), [settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]])
    staged = []
    for pk, *values in cur.fetchall():
        counts, stored, given = values[:4], values[4 : 4 + len(reads)], values[4 + len(reads) :]
        row = SimpleNamespace(
            pk=pk, **dict(zip(reads, stored, strict=True)), **dict(zip(inputs, given, strict=True))
        )
        vars(row).update(zip(COUNTERS, counts, strict=True), search_text=texts[pk])
        figures_held = held.get(pk)
        held_values = (None,) * 6
        if figures_held is not None:
            plain = _held_values(figures_held)
            vars(row).update(zip(HELD_FIGURES, plain, strict=True))
            held_values = (*plain[1:-1], bulk.Jsonb(plain[-1]))
        staged.append(
            (
                pk,
                *counts,
                texts[pk],
                figures_held is not None,
                *held_values,
                *(value for c in computed for value in c.compute(row)),
            )
        )
    extra_columns = [column for c in computed for column in c.columns]
    typed = [
        *(f"{_column(name)} {_type(name)}" for name in [*COUNTERS, "search_text"]),
        "held boolean",
        *(f"{_column(name)} {_type(name)}" for name in [*HELD_FIGURES[1:], *extra_columns]),
    ]
    shape = ", ".join(["id bigint PRIMARY KEY", *typed])
    # Named by its shape: the apps' columns decide it.
    name = f"bzpeer_refresh_rows_{zlib.crc32(shape.encode()):08x}"
    staging = bulk.staging_table(cur, name, shape)
    bulk.copy_into(cur, staging, ["id", *(t.split()[0] for t in typed)], staged)
    written = {
        **{_column(name): f"d.{_column(name)}" for name in [*COUNTERS, "search_text"]},
        "figures_from": f"CASE WHEN d.held THEN '{Researcher.FiguresFrom.HELD.value}' "
        "ELSE r.figures_from END",
        **{
            _column(name): f"CASE WHEN d.held THEN d.{_column(name)} ELSE r.{_column(name)} END"
            for name in HELD_FIGURES[1:]
        },
        **{_column(name): f"d.{_column(name)}" for name in extra_columns},
    }
    cur.execute(
        f"""
        UPDATE {bulk.table(Researcher)} r SET
            {", ".join(f"{column} = {value}" for column, value in written.items())}
        FROM {staging} d
        WHERE r.id = d.id AND (
            {", ".join(f"r.{column}" for column in written)}
        ) IS DISTINCT FROM (
            {", ".join(written.values())}
        )
        """
    )


def _type(name: str) -> str:
    return Researcher._meta.get_field(name).db_type(connection)


def _held_values(computed: figures.HeldFigures) -> tuple:
    """The HELD_FIGURES columns' values."""
    return (
        Researcher.FiguresFrom.HELD.value,
        computed.works_count,
        computed.cited_by_count,
        computed.h_index,
        computed.i10_index,
        computed.two_year_mean_citedness,
        computed.counts_by_year,
    )


def names_replace(cur, keys: dict[int, set[str]], *, ids: str | None = None) -> None:
    """Make each researcher's name keys (ResearcherName) exactly these: drop and add the
    difference. ``ids``: a temporary table of the same ids, if the caller has one."""
    table = bulk.table(ResearcherName)
    ids = ids or bulk.id_table(cur, keys, "bzpeer_name_ids")
    staging = bulk.staging_table(cur, "bzpeer_name_keys", "researcher_id bigint, key text")
    bulk.copy_into(
        cur,
        staging,
        ["researcher_id", "key"],
        sorted((pk, key) for pk, found in keys.items() for key in found),
    )
    cur.execute(f"ANALYZE {staging}")
    cur.execute(
        f"DELETE FROM {table} n USING {ids} i WHERE n.researcher_id = i.id AND NOT EXISTS ("
        f"SELECT 1 FROM {staging} s WHERE s.researcher_id = n.researcher_id AND s.key = n.key)"
    )
    cur.execute(
        f"INSERT INTO {table} (researcher_id, key) "
        f"SELECT s.researcher_id, s.key FROM {staging} s WHERE NOT EXISTS ("
        f"SELECT 1 FROM {table} n WHERE n.researcher_id = s.researcher_id AND n.key = s.key) "
        f"ORDER BY s.researcher_id, s.key ON CONFLICT DO NOTHING"
    )


def _institutions(cur, ids: str) -> None:
    """Rewrite the authorship side of these researchers' affiliations (ResearcherInstitution).

    Per institution on their byline entries: distinct works, first and last publication year.
    The author-record side stays; first/last year join both (LEAST and GREATEST skip NULLs);
    a row left with neither side goes.
    """
    links = bulk.table(ResearcherInstitution)
    cur.execute(
        f"""
        WITH seen AS (
            SELECT a.researcher_id, ai.institution_id, COUNT(DISTINCT a.work_id) AS n,
                   MIN(w.publication_year) AS first, MAX(w.publication_year) AS last
            FROM {ids} i
            JOIN {bulk.table(Authorship)} a ON a.researcher_id = i.id
            JOIN {bulk.table(AuthorshipInstitution)} ai ON ai.authorship_id = a.id
            JOIN {bulk.table(Work)} w ON w.id = a.work_id
            GROUP BY a.researcher_id, ai.institution_id
        ), unseen AS (
            SELECT l.id, l.in_record FROM {ids} i JOIN {links} l ON l.researcher_id = i.id
            WHERE NOT EXISTS (
                SELECT 1 FROM seen s
                WHERE s.researcher_id = l.researcher_id AND s.institution_id = l.institution_id
            )
        ), gone AS (
            DELETE FROM {links} l USING unseen u WHERE l.id = u.id AND NOT u.in_record
        ), record_only AS (
            UPDATE {links} l SET works_count = 0, works_first_year = NULL,
                works_last_year = NULL, first_year = l.record_first_year,
                last_year = l.record_last_year
            FROM unseen u
            WHERE l.id = u.id AND u.in_record AND (
                l.works_count, l.works_first_year, l.works_last_year, l.first_year, l.last_year
            ) IS DISTINCT FROM (0, NULL, NULL, l.record_first_year, l.record_last_year)
        )
        INSERT INTO {links} AS l (
            researcher_id, institution_id, works_count, works_first_year, works_last_year,
            first_year, last_year, last_known, in_record
        )
        SELECT researcher_id, institution_id, n, first, last, first, last, false, false
        FROM seen
        ON CONFLICT (researcher_id, institution_id) DO UPDATE SET
            works_count = EXCLUDED.works_count,
            works_first_year = EXCLUDED.works_first_year,
            works_last_year = EXCLUDED.works_last_year,
            first_year = LEAST(l.record_first_year, EXCLUDED.works_first_year),
            last_year = GREATEST(l.record_last_year, EXCLUDED.works_last_year)
        WHERE (
            l.works_count, l.works_first_year, l.works_last_year, l.first_year, l.last_year
        ) IS DISTINCT FROM (
            EXCLUDED.works_count, EXCLUDED.works_first_year, EXCLUDED.works_last_year,
            LEAST(l.record_first_year, EXCLUDED.works_first_year),
            GREATEST(l.record_last_year, EXCLUDED.works_last_year)
        )
        """
    )


def _held_figures(cur, ids: str) -> dict[int, figures.HeldFigures]:
    """The figures of the batch's records without an author record, from the works they hold.

    Each work is read once however many of the batch hold it, and records holding the same
    works (the co-authors of one paper, most of an import's new records) are computed once.
    """
    held_by = f"""
        SELECT DISTINCT a.researcher_id, a.work_id
        FROM {ids} i
        JOIN {bulk.table(Researcher)} r ON r.id = i.id
            AND r.figures_from <> '{Researcher.FiguresFrom.OPENALEX.value}'
        JOIN {bulk.table(Authorship)} a ON a.researcher_id = i.id
    """
    cur.execute(
        f"SELECT r.id FROM {ids} i JOIN {bulk.table(Researcher)} r ON r.id = i.id "
        f"WHERE r.figures_from <> %s",
        [Researcher.FiguresFrom.OPENALEX.value],
    )
    works_of: dict[int, list[int]] = {pk: [] for (pk,) in cur}
    if not works_of:
        return {}
    cur.execute(held_by)
    for researcher_id, work_id in cur:
        works_of[researcher_id].append(work_id)
    cur.execute(
        f"SELECT w.id, w.publication_year, w.cited_by_count, w.counts_by_year::text "
        f"FROM {bulk.table(Work)} w WHERE w.id IN (SELECT work_id FROM ({held_by}) held)"
    )
    works = {
        pk: figures.HeldWork(year, cited, json.loads(by_year) or [])
        for pk, year, cited, by_year in cur
    }
    this_year = timezone.now().year
    computed: dict[tuple[int, ...], figures.HeldFigures] = {}
    found = {}
    for researcher_id, work_ids in works_of.items():
        key = tuple(sorted(work_ids))
        if key not in computed:
            computed[key] = figures.held_figures([works[pk] for pk in key], this_year=this_year)
        found[researcher_id] = computed[key]
    return found
