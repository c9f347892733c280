"""Writes to researcher records that follow from the public record: counters and name keys.

These are facts of the open data (works, topics, cited-by, close collaborators, the name keys
and search text); the people layer's scores built on them (trust) are recomputed by the apps
above, which receive ``works.signals.researchers_changed``.
"""

from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction

from . import names, queries, signals
from .models import Authorship, Researcher, ResearcherName, ResearcherTopic, WorkTopic

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
    signals.researchers_changed.send(sender=Researcher, researcher_ids=researcher_ids)


def _close_collaborator_counts(researcher_ids: list[int]) -> dict[int, int]:
    """Count co-authors sharing at least 2 works of at most 50 authors (TRUST.md)."""
    limit = settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]
    placeholders = ", ".join(["%s"] * len(researcher_ids))
    sql = queries.close_collaborator_counts_sql(f"IN ({placeholders})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, *researcher_ids])
        return dict(cursor.fetchall())


COUNTER_FIELDS = [
    "works_count",
    "cited_by_count",
    "topics_count",
    "close_collaborators_count",
    "search_text",
]


def researcher_counters_refresh(*, researcher_ids: Iterable[int]) -> int:
    """Recompute works, topics, cited-by and close-collaborator counts, and the name keys.

    Works in batches so that an import touching a million researchers never holds them all.
    Trust scores are not touched: profiles.services rescores after this (researchers_refresh,
    or its receiver of researchers_changed). Returns how many researchers were refreshed.
    """
    refreshed = 0
    for batch in batches(researcher_ids):
        with transaction.atomic():
            works = dict(
                Authorship.objects.filter(researcher_id__in=batch)
                .values_list("researcher_id")
                .annotate(n=models.Count("work_id"))
            )
            cited = dict(
                Authorship.objects.filter(researcher_id__in=batch)
                .values_list("researcher_id")
                .annotate(n=models.Sum("work__cited_by_count"))
            )
            topics = _researcher_topics_replace(batch)
            close = _close_collaborator_counts(batch)
            researchers = list(
                Researcher.objects.filter(pk__in=batch).only(
                    "pk", "display_name", "display_name_alternatives"
                )
            )
            for researcher in researchers:
                researcher.works_count = works.get(researcher.pk, 0)
                researcher.cited_by_count = cited.get(researcher.pk) or 0
                researcher.topics_count = topics.get(researcher.pk, 0)
                researcher.close_collaborators_count = close.get(researcher.pk, 0)
                researcher.search_text = names.search_text(researcher.all_names)
            _researcher_names_replace(researchers)
            update_fields(researchers, COUNTER_FIELDS)
            refreshed += len(researchers)
    return refreshed


def _researcher_topics_replace(batch: list[int]) -> dict[int, int]:
    """Store how many works each researcher has per topic; return their distinct topic counts."""
    pairs = (
        WorkTopic.objects.filter(work__authorships__researcher_id__in=batch)
        .values_list("work__authorships__researcher_id", "topic_id")
        .annotate(n=models.Count("work_id"))
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
    per thousand rows; executemany sends the same statement with each row's values.
    """
    meta = Researcher._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [[getattr(r, name) for name in fields] + [r.pk] for r in researchers]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
