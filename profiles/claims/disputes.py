"""Disputes: someone signed in says a claimed record is not its owner's (TRUST.md).

A dispute never changes ownership by itself; a moderator who upholds it revokes the disputed
claim through the claims' own revocation, which closes every open dispute on that claim.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from bzpeer.errors import DomainError
from bzpeer.permissions import require_moderator
from profiles.accounts.models import User
from works.models import Researcher

from .models import Claim, ClaimEvent, Dispute
from .services import (
    Kind,
    Role,
    _after_event,
    _clean_reason,
    _close_dispute,
    _lock_claim,
    _lock_researcher,
    _revoke,
)


@transaction.atomic
def dispute_submit(*, user: User, researcher: Researcher, reason: str) -> Dispute:
    """Tell the moderators a claimed record is not its owner's. Ownership does not change."""
    if not user.is_authenticated:
        raise PermissionDenied
    reason = _clean_reason(reason)
    researcher = _lock_researcher(researcher.pk)
    if researcher.owner_id is None:
        raise DomainError("Only a claimed record can be disputed. You can claim this one instead.")
    if researcher.owner_id == user.pk:
        raise DomainError("You own this record; there is nothing to dispute.")
    owning = Claim.objects.filter(researcher=researcher, status__in=Claim.OWNING).first()
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                researcher=researcher, claim=owning, user=user, reason=reason
            )
    except IntegrityError:
        raise DomainError("You already have an open dispute on this record.") from None
    ClaimEvent.objects.create(
        researcher=researcher, claim=owning, kind=Kind.DISPUTED, actor_role=Role.MEMBER, actor=user
    )
    _after_event(researcher)
    return dispute


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, moderator: User, upheld: bool, note: str) -> Dispute:
    """A moderator decides a dispute; upholding it revokes the disputed claim."""
    require_moderator(moderator)
    note = _clean_reason(note)
    researcher = _lock_researcher(dispute.researcher_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise DomainError(f"This dispute is already {dispute.get_status_display().lower()}.")
    if upheld:
        claim = _lock_claim(dispute.claim_id) if dispute.claim_id else None
        if claim is not None and claim.is_owning:
            # Resolves this dispute and any other open one on the same claim.
            _revoke(claim, researcher, moderator=moderator, reason=note, after_dispute=True)
        else:
            _close_dispute(dispute, Dispute.Status.UPHELD, moderator, note)
    else:
        _close_dispute(dispute, Dispute.Status.DISMISSED, moderator, note)
        ClaimEvent.objects.create(
            researcher=researcher,
            claim_id=dispute.claim_id,
            kind=Kind.DISPUTE_DISMISSED,
            actor_role=Role.MODERATOR,
            actor=moderator,
        )
    _after_event(researcher)
    dispute.refresh_from_db()
    return dispute
