"""Writes to researcher records that are not a person's action: trust scores.

The public counters a score is built on are recomputed by works.services; after an import or a
correction, ``works.signals.researchers_changed`` reaches ``on_researchers_changed`` below
(connected in ProfilesConfig.ready), which rescores the records and retires their cached pages.
"""

from collections.abc import Iterable

from django.db import transaction

from works import services as record_services
from works.models import Researcher

from . import page_cache, trust


def researcher_trust_scores_refresh(*, researcher_ids: Iterable[int]) -> int:
    """Recompute and store the trust scores of many records, and retire their cached pages.

    Works in batches, as the counter refresh does. Returns how many researchers were scored.
    """
    scored = 0
    for batch in record_services.batches(researcher_ids):
        with transaction.atomic():
            researchers = list(
                Researcher.objects.filter(pk__in=batch).prefetch_related("affiliations")
            )
            for researcher in researchers:
                _apply_trust(researcher)
            record_services.update_fields(researchers, ["trust_score", "trust_rubric_version"])
            page_cache.invalidate(batch)
            scored += len(researchers)
    return scored


def researchers_refresh(*, researcher_ids: Iterable[int]) -> int:
    """Recompute counters, the search index and trust scores (the refresh_researchers command).

    Returns how many researchers were refreshed.
    """
    researcher_ids = list(researcher_ids)
    refreshed = record_services.researcher_counters_refresh(researcher_ids=researcher_ids)
    researcher_trust_scores_refresh(researcher_ids=researcher_ids)
    return refreshed


def on_researchers_changed(sender, *, researcher_ids, **kwargs) -> None:
    """Receiver of works.signals.researchers_changed: the counters are fresh, rescore."""
    researcher_trust_scores_refresh(researcher_ids=researcher_ids)


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
