"""Writes to researcher records that are not a person's action: trust scores.

The public counters a score is built on are recomputed by works.services; after an import or a
correction, ``works.signals.researchers_changed`` reaches ``on_researchers_changed`` below
(connected in ProfilesConfig.ready), which rescores the records and retires their cached pages.
"""

import functools
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Exists, OuterRef

from works import bulk, signals
from works import services as record_services
from works.models import Researcher, ResearcherInstitution

from . import page_cache, trust

# Researchers rescored per transaction: their inputs are one query, their scores one UPDATE.
TRUST_BATCH = 20_000

# What the rubric reads of a record (trust_inputs), as the columns of one query.
TRUST_COLUMNS = [
    "verification_level",
    "figures_from",
    "figures_works_count",
    "works_count",
    "close_collaborators_count",
    "followers_count",
    "orcid",
    "headline",
    "owner_id",
]


@functools.lru_cache(maxsize=65536)
def _total(facts: trust.TrustInputs) -> int:
    """The rubric's total (a pure function of the facts; most records share theirs)."""
    return trust.score(facts).total


def trust_score_of(row) -> int:
    """The score of a record read as TRUST_COLUMNS and ``has_affiliation`` (a row or model)."""
    return _total(trust_inputs(row, has_affiliation=row.has_affiliation))


# The import's refresh (works.derived) writes the scores with the counters they are built on,
# each record once; the receiver of researchers_changed then finds them up to date.
TRUST_COMPUTED = signals.ComputedColumns(
    columns=("trust_score", "trust_rubric_version"),
    reads=tuple(TRUST_COLUMNS),
    inputs={
        "has_affiliation": f"EXISTS (SELECT 1 FROM {ResearcherInstitution._meta.db_table} a "
        "WHERE a.researcher_id = r.id)"
    },
    compute=lambda row: (trust_score_of(row), trust.RUBRIC_VERSION),
)


def researcher_trust_scores_refresh(*, researcher_ids: Iterable[int]) -> int:
    """Recompute and store the trust scores of many records, and retire their cached pages.

    Set-based: the rubric's inputs of a whole batch come in one query (no model instances),
    the pure rubric scores them, and one statement writes the scores that changed. Returns
    how many researchers were scored.
    """
    scored = 0
    postgres = bulk.is_postgres()
    size = TRUST_BATCH if postgres else record_services.REFRESH_BATCH
    for batch in record_services.batches(researcher_ids, size):
        with transaction.atomic():
            rows = _trust_rows_sql(batch) if postgres else _trust_rows_orm(batch)
            changed = {}
            for row in rows:
                total = trust_score_of(row)
                if (row.trust_score, row.trust_rubric_version) != (total, trust.RUBRIC_VERSION):
                    changed[row.pk] = total
            _trust_scores_write(changed)
            page_cache.invalidate(batch)
            scored += len(rows)
    return scored


def _trust_row(pk, *values) -> SimpleNamespace:
    """A row of the rubric's inputs, read by trust_inputs as it reads a model instance."""
    names = [*TRUST_COLUMNS, "trust_score", "trust_rubric_version", "has_affiliation"]
    return SimpleNamespace(pk=pk, **dict(zip(names, values, strict=True)))


def _trust_rows_sql(batch: list[int]) -> list[SimpleNamespace]:
    cur = bulk.cursor()
    ids = bulk.id_table(cur, batch)
    affiliations = bulk.table(ResearcherInstitution)
    columns = ", ".join(
        f"r.{bulk.quote(Researcher._meta.get_field(name).column)}"
        for name in [*TRUST_COLUMNS, "trust_score", "trust_rubric_version"]
    )
    cur.execute(
        f"SELECT r.id, {columns}, EXISTS ("
        f"SELECT 1 FROM {affiliations} a WHERE a.researcher_id = r.id) "
        f"FROM {bulk.table(Researcher)} r JOIN {ids} i ON i.id = r.id"
    )
    return [_trust_row(*row) for row in cur]


def _trust_rows_orm(batch: list[int]) -> list[SimpleNamespace]:
    affiliated = ResearcherInstitution.objects.filter(researcher_id=OuterRef("pk"))
    rows = (
        Researcher.objects.filter(pk__in=batch)
        .annotate(has_affiliation=Exists(affiliated))
        .values_list("pk", *TRUST_COLUMNS, "trust_score", "trust_rubric_version", "has_affiliation")
        .order_by()
    )
    return [_trust_row(*row) for row in rows]


def _trust_scores_write(scores: dict[int, int]) -> None:
    """Store these scores (researcher -> total) under the current rubric version."""
    if not scores:
        return
    if bulk.is_postgres():
        bulk.cursor().execute(
            f"UPDATE {bulk.table(Researcher)} r SET trust_score = v.score, "
            f"trust_rubric_version = %s "
            f"FROM unnest(%s::bigint[], %s::smallint[]) AS v(id, score) WHERE r.id = v.id",
            [trust.RUBRIC_VERSION, list(scores), list(scores.values())],
        )
        return
    researchers = [
        Researcher(pk=pk, trust_score=total, trust_rubric_version=trust.RUBRIC_VERSION)
        for pk, total in scores.items()
    ]
    record_services.update_fields(researchers, ["trust_score", "trust_rubric_version"])


def researchers_refresh(*, researcher_ids: Iterable[int]) -> int:
    """Recompute counters, the search index and trust scores (the refresh_researchers command).

    Returns how many researchers were refreshed.
    """
    researcher_ids = list(researcher_ids)
    refreshed = record_services.researcher_counters_refresh(researcher_ids=researcher_ids)
    researcher_trust_scores_refresh(researcher_ids=researcher_ids)
    return refreshed


def on_researchers_changed(sender, *, researcher_ids, columns_computed=False, **kwargs) -> None:
    """Receiver of works.signals.researchers_changed: the counters are fresh, rescore (unless
    the refresh wrote the scores with them: TRUST_COMPUTED) and retire the cached pages."""
    if not columns_computed:
        researcher_trust_scores_refresh(researcher_ids=researcher_ids)
        return
    for batch in record_services.batches(researcher_ids, TRUST_BATCH):
        page_cache.invalidate(batch)


def _apply_trust(researcher: Researcher) -> None:
    breakdown = trust_breakdown(researcher)
    researcher.trust_score = breakdown.total
    researcher.trust_rubric_version = trust.RUBRIC_VERSION


def trust_inputs(researcher: Researcher, *, has_affiliation: bool) -> trust.TrustInputs:
    """The rubric's facts, read from the record's stored counters and figures."""
    from_source = (
        researcher.figures_from == Researcher.FiguresFrom.OPENALEX
        and researcher.figures_works_count is not None
    )
    return trust.TrustInputs(
        verification_level=researcher.verification_level,
        works=researcher.figures_works_count if from_source else researcher.works_count,
        works_from_source=from_source,
        close_collaborators=researcher.close_collaborators_count,
        followers=researcher.followers_count,
        has_affiliation=has_affiliation,
        has_orcid=bool(researcher.orcid),
        has_owner_headline=bool(researcher.headline) and researcher.owner_id is not None,
    )


def trust_breakdown(researcher: Researcher) -> trust.TrustBreakdown:
    """Explain the stored score; uses the prefetched affiliations."""
    has_affiliation = bool(researcher.affiliations.all())
    return trust.score(trust_inputs(researcher, has_affiliation=has_affiliation))


def researcher_trust_refresh(*, researcher: Researcher) -> Researcher:
    """Recompute and store one record's trust score after one of its inputs changed.

    Every change a visitor can see on a profile passes through here or through the counter
    refresh, so both retire the cached page.
    """
    researcher = Researcher.objects.for_profile_page().get(pk=researcher.pk)
    _apply_trust(researcher)
    Researcher.objects.filter(pk=researcher.pk).update(
        trust_score=researcher.trust_score, trust_rubric_version=researcher.trust_rubric_version
    )
    page_cache.invalidate([researcher.pk])
    return researcher
