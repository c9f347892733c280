"""The derived rows of a batch of researchers, set-based on PostgreSQL (works.services calls it).

Counters, topic links and the authorship side of affiliations are computed in SQL for the whole
batch, each a statement or two; name keys, search text and held figures are computed in Python
(works.names, works.figures: the one definition of each) and written back as arrays. Rows that
already hold the right values are not rewritten, so refreshing unchanged records costs reads,
not writes.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from . import bulk, figures, names, queries
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


def refresh(batch: list[int]) -> int:
    """Refresh everything researcher_counters_refresh promises for one batch of ids."""
    cur = bulk.cursor()
    _topics(cur, batch)
    _institutions(cur, batch)
    cur.execute(
        f"SELECT id, display_name, display_name_alternatives::text, figures_from "
        f"FROM {bulk.table(Researcher)} WHERE id = ANY(%s)",
        [batch],
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
    _counters(cur, texts)
    names_replace(cur, keys)
    held = [pk for pk, *_, source in rows if source != Researcher.FiguresFrom.OPENALEX]
    _held_figures(cur, held)
    return len(rows)


def _topics(cur, batch: list[int]) -> None:
    """Store how many distinct works each researcher has per topic (ResearcherTopic)."""
    links = bulk.table(ResearcherTopic)
    cur.execute(
        f"""
        WITH wanted AS (
            SELECT a.researcher_id, wt.topic_id, COUNT(DISTINCT wt.work_id) AS n
            FROM {bulk.table(Authorship)} a
            JOIN {bulk.table(WorkTopic)} wt ON wt.work_id = a.work_id
            WHERE a.researcher_id = ANY(%(ids)s)
            GROUP BY a.researcher_id, wt.topic_id
        ), gone AS (
            DELETE FROM {links} l WHERE l.researcher_id = ANY(%(ids)s) AND NOT EXISTS (
                SELECT 1 FROM wanted w
                WHERE w.researcher_id = l.researcher_id AND w.topic_id = l.topic_id
            )
        )
        INSERT INTO {links} AS l (researcher_id, topic_id, works_count)
        SELECT researcher_id, topic_id, n FROM wanted
        ON CONFLICT (researcher_id, topic_id) DO UPDATE SET works_count = EXCLUDED.works_count
        WHERE l.works_count <> EXCLUDED.works_count
        """,
        {"ids": batch},
    )


def _counters(cur, texts: dict[int, str]) -> None:
    """Works, cited-by, topics and close-collaborator counts and the search text, in one UPDATE."""
    researchers = bulk.table(Researcher)
    limit = settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]
    ids = list(texts)
    cur.execute(
        f"""
        UPDATE {researchers} r SET
            works_count = COALESCE(w.works, 0),
            cited_by_count = COALESCE(w.cited, 0),
            topics_count = COALESCE(t.topics, 0),
            close_collaborators_count = COALESCE(c.close, 0),
            search_text = v.search_text
        FROM unnest(%s::bigint[], %s::text[]) AS v(id, search_text)
        LEFT JOIN (
            SELECT held.researcher_id, COUNT(*) AS works,
                   COALESCE(SUM(wk.cited_by_count), 0) AS cited
            FROM (
                SELECT DISTINCT researcher_id, work_id FROM {bulk.table(Authorship)}
                WHERE researcher_id = ANY(%s)
            ) held
            JOIN {bulk.table(Work)} wk ON wk.id = held.work_id
            GROUP BY held.researcher_id
        ) w ON w.researcher_id = v.id
        LEFT JOIN (
            SELECT researcher_id, COUNT(*) AS topics FROM {bulk.table(ResearcherTopic)}
            WHERE researcher_id = ANY(%s) GROUP BY researcher_id
        ) t ON t.researcher_id = v.id
        LEFT JOIN ({queries.close_collaborator_counts_sql("= ANY(%s)")}) c
            ON c.researcher_id = v.id
        WHERE r.id = v.id AND (
            r.works_count, r.cited_by_count, r.topics_count, r.close_collaborators_count,
            r.search_text
        ) IS DISTINCT FROM (
            COALESCE(w.works, 0), COALESCE(w.cited, 0), COALESCE(t.topics, 0),
            COALESCE(c.close, 0), v.search_text
        )
        """,
        [ids, list(texts.values()), ids, ids, limit, ids],
    )


def names_replace(cur, keys: dict[int, set[str]]) -> None:
    """Make each researcher's name keys (ResearcherName) exactly these: drop and add the
    difference."""
    table = bulk.table(ResearcherName)
    cur.execute(
        f"SELECT researcher_id, key FROM {table} WHERE researcher_id = ANY(%s)", [list(keys)]
    )
    stored = set(cur.fetchall())
    wanted = {(pk, key) for pk, found in keys.items() for key in found}
    gone, new = stored - wanted, sorted(wanted - stored)
    if gone:
        cur.execute(
            f"DELETE FROM {table} n USING unnest(%s::bigint[], %s::text[]) AS g(id, key) "
            f"WHERE n.researcher_id = g.id AND n.key = g.key",
            [[pk for pk, _ in gone], [key for _, key in gone]],
        )
    if new:
        cur.execute(
            f"INSERT INTO {table} (researcher_id, key) "
            f"SELECT * FROM unnest(%s::bigint[], %s::text[]) ON CONFLICT DO NOTHING",
            [[pk for pk, _ in new], [key for _, key in new]],
        )


def _institutions(cur, batch: list[int]) -> None:
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
            FROM {bulk.table(AuthorshipInstitution)} ai
            JOIN {bulk.table(Authorship)} a ON a.id = ai.authorship_id
            JOIN {bulk.table(Work)} w ON w.id = a.work_id
            WHERE a.researcher_id = ANY(%(ids)s)
            GROUP BY a.researcher_id, ai.institution_id
        ), unseen AS (
            SELECT l.id, l.in_record FROM {links} l
            WHERE l.researcher_id = ANY(%(ids)s) AND NOT EXISTS (
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
        """,
        {"ids": batch},
    )


def _held_figures(cur, researcher_ids: list[int]) -> None:
    """Compute the figures of records without an author record from the works they hold."""
    if not researcher_ids:
        return
    cur.execute(
        f"""
        SELECT DISTINCT a.researcher_id, a.work_id, w.publication_year, w.cited_by_count,
               w.counts_by_year::text
        FROM {bulk.table(Authorship)} a JOIN {bulk.table(Work)} w ON w.id = a.work_id
        WHERE a.researcher_id = ANY(%s)
        """,
        [researcher_ids],
    )
    held: dict[int, list[figures.HeldWork]] = {pk: [] for pk in researcher_ids}
    for researcher_id, _, year, cited, by_year in cur:
        held[researcher_id].append(figures.HeldWork(year, cited, json.loads(by_year) or []))
    this_year = timezone.now().year
    computed = [figures.held_figures(works, this_year=this_year) for works in held.values()]
    cur.execute(
        f"""
        UPDATE {bulk.table(Researcher)} r SET figures_from = %s,
            figures_works_count = v.works, figures_cited_by_count = v.cited, h_index = v.h,
            i10_index = v.i10, two_year_mean_citedness = v.mean, counts_by_year = v.by_year
        FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],
                    %s::float8[], %s::jsonb[]) AS v(id, works, cited, h, i10, mean, by_year)
        WHERE r.id = v.id
        """,
        [
            Researcher.FiguresFrom.HELD.value,
            list(held),
            [f.works_count for f in computed],
            [f.cited_by_count for f in computed],
            [f.h_index for f in computed],
            [f.i10_index for f in computed],
            [f.two_year_mean_citedness for f in computed],
            [bulk.Jsonb(f.counts_by_year) for f in computed],
        ],
    )
