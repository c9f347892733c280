"""Writes to researcher records that follow from the public record: counters, name keys,
affiliations seen on authorships, and figures computed from the works held.

These are facts of the open data (works, topics, cited-by, close collaborators, the name keys
and search text; every count over authorships counts distinct works, since a byline may name
one person twice); the people layer's scores built on them (trust) are recomputed by the apps
above, which receive ``works.signals.researchers_changed``.
"""

from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from . import bulk, derived, figures, names, queries, signals
from .models import (
    Authorship,
    AuthorshipInstitution,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    WorkTopic,
)

REFRESH_BATCH = 1000


def public_verification_level(*, openalex_id: str | None, orcid: str) -> int:
    """The level the open data alone supports: L1 with a persistent identifier, else L0."""
    return 1 if (openalex_id or orcid) else 0


def batches(ids: Iterable[int], size: int = REFRESH_BATCH):
    """These ids, sorted and without repeats, a list of at most ``size`` at a time."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def researchers_changed(*, researcher_ids: Iterable[int]) -> None:
    """Bring everything derived from these records up to date after their data changed.

    The one hook that imports and corrections call: the public counters here, then every
    receiver of ``signals.researchers_changed`` (trust scores and cached pages, graph slices).
    """
    researcher_ids = list(researcher_ids)
    researcher_counters_refresh(researcher_ids=researcher_ids)
    # The set-based refresh also wrote the apps' computed columns (signals.computed_columns).
    signals.researchers_changed.send(
        sender=Researcher, researcher_ids=researcher_ids, columns_computed=bulk.is_postgres()
    )


def _close_collaborator_counts(researcher_ids: list[int]) -> dict[int, int]:
    """Count co-authors sharing at least 2 distinct works of at most 50 authors (TRUST.md)."""
    limit = settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]
    placeholders = ", ".join(["%s"] * len(researcher_ids))
    sql = queries.close_collaborator_counts_sql(f"IN ({placeholders})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, *researcher_ids])
        return dict(cursor.fetchall())


def _works_and_citations(researcher_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Distinct works held and their citations, per researcher."""
    placeholders = ", ".join(["%s"] * len(researcher_ids))
    sql = f"""
        SELECT held.researcher_id, COUNT(*), COALESCE(SUM(w.cited_by_count), 0)
        FROM (
            SELECT DISTINCT researcher_id, work_id FROM works_authorship
            WHERE researcher_id IN ({placeholders})
        ) held
        JOIN works_work w ON w.id = held.work_id
        GROUP BY held.researcher_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, researcher_ids)
        return {pk: (works, int(cited)) for pk, works, cited in cursor.fetchall()}


COUNTER_FIELDS = [
    "works_count",
    "cited_by_count",
    "topics_count",
    "close_collaborators_count",
    "search_text",
]
FIGURE_FIELDS = derived.HELD_FIGURES  # one list: the set-based refresh writes the same


def researcher_counters_refresh(*, researcher_ids: Iterable[int]) -> int:
    """Recompute works, topics, cited-by and close-collaborator counts, the name keys, the
    affiliations seen on the researcher's authorships, and (for records without an author
    record) the figures computed from the works held.

    Works in batches so that an import touching a million researchers never holds them all.
    Trust scores are not touched: profiles.services rescores after this (researchers_refresh,
    or its receiver of researchers_changed). Returns how many researchers were refreshed.
    """
    refreshed = 0
    if bulk.is_postgres():
        for batch in batches(researcher_ids, derived.BATCH):
            with transaction.atomic():
                refreshed += derived.refresh(batch)
        return refreshed
    for batch in batches(researcher_ids):
        with transaction.atomic():
            works = _works_and_citations(batch)
            topics = _researcher_topics_replace(batch)
            close = _close_collaborator_counts(batch)
            _researcher_institutions_refresh(batch)
            researchers = list(
                Researcher.objects.filter(pk__in=batch).only(
                    "pk", "display_name", "display_name_alternatives", "figures_from"
                )
            )
            for researcher in researchers:
                researcher.works_count, researcher.cited_by_count = works.get(researcher.pk, (0, 0))
                researcher.topics_count = topics.get(researcher.pk, 0)
                researcher.close_collaborators_count = close.get(researcher.pk, 0)
                researcher.search_text = names.search_text(researcher.all_names)
            _researcher_names_replace(researchers)
            update_fields(researchers, COUNTER_FIELDS)
            held = [r for r in researchers if r.figures_from != Researcher.FiguresFrom.OPENALEX]
            _held_figures_refresh(held)
            refreshed += len(researchers)
    return refreshed


def _held_figures_refresh(researchers: list[Researcher]) -> None:
    """Compute the figures of records without an author record from the works they hold."""
    if not researchers:
        return
    held: dict[int, dict[int, figures.HeldWork]] = {r.pk: {} for r in researchers}
    rows = Authorship.objects.filter(researcher_id__in=list(held)).values_list(
        "researcher_id",
        "work_id",
        "work__publication_year",
        "work__cited_by_count",
        "work__counts_by_year",
    )
    for researcher_id, work_id, year, cited, by_year in rows:
        held[researcher_id][work_id] = figures.HeldWork(year, cited, by_year or [])
    this_year = timezone.now().year
    for researcher in researchers:
        computed = figures.held_figures(held[researcher.pk].values(), this_year=this_year)
        researcher.figures_from = Researcher.FiguresFrom.HELD
        researcher.figures_works_count = computed.works_count
        researcher.figures_cited_by_count = computed.cited_by_count
        researcher.h_index = computed.h_index
        researcher.i10_index = computed.i10_index
        researcher.two_year_mean_citedness = computed.two_year_mean_citedness
        researcher.counts_by_year = computed.counts_by_year
    update_fields(researchers, FIGURE_FIELDS)


def _researcher_institutions_refresh(batch: list[int]) -> None:
    """Rewrite the authorship side of these researchers' affiliations (ResearcherInstitution).

    Per institution named on their byline entries: how many distinct works, first and last
    publication year. The author-record side (last known, years from its affiliations) is the
    importer's and stays; a row left with neither side goes.
    """
    seen = {
        (researcher_id, institution_id): (works, first, last)
        for researcher_id, institution_id, works, first, last in (
            AuthorshipInstitution.objects.filter(authorship__researcher_id__in=batch)
            .values_list("authorship__researcher_id", "institution_id")
            .annotate(
                works=models.Count("authorship__work_id", distinct=True),
                first=models.Min("authorship__work__publication_year"),
                last=models.Max("authorship__work__publication_year"),
            )
            .order_by()
        )
    }
    existing = {
        (row.researcher_id, row.institution_id): row
        for row in ResearcherInstitution.objects.filter(researcher_id__in=batch)
    }
    fields = ["works_count", "works_first_year", "works_last_year", "first_year", "last_year"]
    changed, created, gone = [], [], []
    for key in existing.keys() | seen.keys():
        row = existing.get(key) or ResearcherInstitution(
            researcher_id=key[0], institution_id=key[1]
        )
        before = [getattr(row, name) for name in fields]
        row.works_count, row.works_first_year, row.works_last_year = seen.get(key, (0, None, None))
        row.join_years()
        if not row.in_record and not row.works_count:
            if row.pk:
                gone.append(row.pk)
        elif row.pk is None:
            created.append(row)
        elif before != [getattr(row, name) for name in fields]:
            changed.append(row)
    ResearcherInstitution.objects.filter(pk__in=gone).delete()
    ResearcherInstitution.objects.bulk_create(created, batch_size=5000)
    ResearcherInstitution.objects.bulk_update(changed, fields, batch_size=1000)


def _researcher_topics_replace(batch: list[int]) -> dict[int, int]:
    """Store how many works each researcher has per topic; return their distinct topic counts."""
    pairs = (
        WorkTopic.objects.filter(work__authorships__researcher_id__in=batch)
        .values_list("work__authorships__researcher_id", "topic_id")
        .annotate(n=models.Count("work_id", distinct=True))
        .order_by()
    )
    links = [ResearcherTopic(researcher_id=r, topic_id=t, works_count=n) for r, t, n in pairs]
    ResearcherTopic.objects.filter(researcher_id__in=batch).delete()
    ResearcherTopic.objects.bulk_create(links, batch_size=5000)
    return Counter(link.researcher_id for link in links)


def researcher_names_refresh(*, researcher_ids: Iterable[int]) -> None:
    """Re-index these researchers' names for search (keys and folded text) and nothing else."""
    for batch in batches(researcher_ids):
        with transaction.atomic():
            researchers = list(
                Researcher.objects.filter(pk__in=batch).only(
                    "pk", "display_name", "display_name_alternatives"
                )
            )
            for researcher in researchers:
                researcher.search_text = names.search_text(researcher.all_names)
            _researcher_names_replace(researchers)
            update_fields(researchers, ["search_text"])


def _researcher_names_replace(researchers: list[Researcher]) -> None:
    if bulk.is_postgres():
        derived.names_replace(
            bulk.cursor(),
            {
                r.pk: {key[:255] for n in r.all_names for key in names.name_keys(n)}
                for r in researchers
            },
        )
        return
    keys = [
        ResearcherName(researcher_id=r.pk, key=key[:255])
        for r in researchers
        for key in sorted(set().union(*(names.name_keys(n) for n in r.all_names)))
    ]
    ResearcherName.objects.filter(researcher_id__in=[r.pk for r in researchers]).delete()
    ResearcherName.objects.bulk_create(keys, batch_size=5000, ignore_conflicts=True)


def update_fields(researchers: list[Researcher], fields: list[str]) -> None:
    """Write these fields of many researchers with one prepared UPDATE run for every row.

    bulk_update builds a CASE expression per field and row, whose compilation costs seconds
    per thousand rows; executemany sends the same statement with each row's values. On
    PostgreSQL one UPDATE takes every row at once, its values as arrays.
    """
    meta = Researcher._meta
    quote = connection.ops.quote_name
    model_fields = [meta.get_field(name) for name in fields]
    if not researchers:
        return
    if bulk.is_postgres():
        columns = [field.column for field in model_fields]
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in model_fields)
        values = [
            [bulk.array_value(field, getattr(r, field.attname)) for r in researchers]
            for field in model_fields
        ]
        table = quote(meta.db_table)
        bulk.cursor().execute(
            f"UPDATE {table} SET "
            + ", ".join(f"{quote(c)} = v.{quote(c)}" for c in columns)
            + f" FROM unnest(%s::bigint[], {arrays}) AS v(id, "
            + ", ".join(quote(c) for c in columns)
            + f") WHERE {table}.{quote(meta.pk.column)} = v.id",
            [[r.pk for r in researchers], *values],
        )
        return
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in model_fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    # Values as the ORM would send them (JSON fields need their adapter).
    rows = [
        [field.get_db_prep_save(getattr(r, field.attname), connection) for field in model_fields]
        + [r.pk]
        for r in researchers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
