"""The profile page's cache: one shared page per record and works page, under the record's version.

Every reader gets the page every reader sees, rendered once and cached until anything on it
changes; the parts that are the reader's own (the account menu, the follow form, the claim
controls, direct collaboration) are stitched in for each request (bzpeer.page_cache) from the
record's snapshot stored with the page and the reader's per-person state.
"""

from collections.abc import Iterable
from types import SimpleNamespace

from bzpeer import page_cache as shared

from .claims.models import Claim

PAGE_TIMEOUT = shared.PAGE_TIMEOUT


def _scope(researcher_id: int) -> str:
    return f"profile:{researcher_id}"


def version(researcher_id: int) -> str:
    """The record's current page version; fragments and pages are cached under it."""
    # Reading the version before the database means a page rendered from old rows is stored
    # under a version that an invalidation has already retired.
    return shared.versions([_scope(researcher_id)])


def scopes(researcher_id: int) -> list[str]:
    return [_scope(researcher_id)]


def invalidate(researcher_ids: Iterable[int]) -> None:
    """Retire the cached pages of these researchers, now and again once the change commits.

    Names, trust scores and claim states also show on the public lists (directory, topics,
    institutions, bylines), so the public record's pages are retired with them."""
    ids = set(researcher_ids)
    if ids:
        shared.retire([*(_scope(pk) for pk in ids), shared.RECORDS])


def snapshot(researcher) -> dict:
    """What the per-person parts show of the record, as plain values stored with the page."""
    duplicate = researcher.possible_duplicate if researcher.owner_id else None
    return {
        "researcher": SimpleNamespace(
            pk=researcher.pk,
            id=researcher.pk,
            display_name=researcher.display_name,
            owner_id=researcher.owner_id,
            claim_status=researcher.claim_status,
            open_to_collaborate=researcher.open_to_collaborate,
            followers_count=researcher.followers_count,
            possible_duplicate=duplicate
            and SimpleNamespace(
                pk=duplicate.pk, owner_id=duplicate.owner_id, display_name=duplicate.display_name
            ),
        )
    }


def open_claim_ids(user) -> frozenset[int]:
    """The records the person has a claim in progress on: their per-person state."""
    claims = Claim.objects.filter(user=user, status__in=Claim.OPEN)
    return frozenset(claims.values_list("researcher_id", flat=True))


def open_claim_of(request, researcher) -> Claim | None:
    """The reader's own claim in progress on this record: a query only when there is one."""
    user = request.user
    if not user.is_authenticated or researcher.owner_id:
        return None
    if researcher.pk not in shared.person_state(request)["open_claims"]:
        return None
    return (
        Claim.objects.filter(researcher_id=researcher.pk, user=user, status__in=Claim.OPEN)
        .order_by("-id")
        .first()
    )


def claim_controls_context(request, context: dict) -> dict:
    return {"my_open_claim": open_claim_of(request, context["researcher"])}


def on_claim_saved(sender, instance, **kwargs) -> None:
    """post_save/post_delete of a claim: the claimant's open claims may have changed."""
    shared.forget_person([instance.user_id], "open_claims")
