"""Claiming a record, verifying it, disputing it: the rules of TRUST.md as service functions.

Every write locks the researcher row first, so all changes to one record's ownership happen one
after another; the conditional owner update and the partial unique constraints on Claim stay as
the last line of defence. Each event leaves a public ClaimEvent and recomputes the trust score.
"""

import logging
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from bzpeer.errors import DomainError
from bzpeer.permissions import require_moderator
from bzpeer.safety import strip_bidi
from profiles import signals
from profiles.accounts.models import User
from profiles.owner_content.models import OwnerContent
from profiles.services import researcher_trust_refresh
from works import identifiers
from works.models import Researcher
from works.services import public_verification_level

from . import mail
from .models import Claim, ClaimEvent, Dispute
from .queries import (
    account_name_matches,
    claim_for_token,
    matching_institution,
    signed_in_with_records_orcid,
    token_hash,
)

logger = logging.getLogger(__name__)

CONFIRMATION_TTL = timedelta(days=3)
NOTE_MAX = 2000
REASON_MAX = 1000
HEADLINE_MAX = 300

Status = Claim.Status
Kind = ClaimEvent.Kind
Role = ClaimEvent.Role


def normalise_orcid(value: str) -> str:
    """Return "0000-0002-1825-0097" from that or its orcid.org URL; check the checksum."""
    value = identifiers.strip_orcid_prefix(value)
    if not identifiers.ORCID_RE.fullmatch(value):
        raise DomainError("An ORCID iD looks like 0000-0002-1825-0097.")
    if not identifiers.orcid_checksum_ok(value):
        raise DomainError("That ORCID iD has a typing error: its check digit does not match.")
    return value


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def claim_submit(
    *,
    user: User,
    researcher: Researcher,
    email: str,
    orcid: str = "",
    url: str = "",
    note: str = "",
) -> Claim:
    """Open a claim and mail a single-use confirmation link to the given address."""
    if not user.is_authenticated:
        raise PermissionDenied
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("Enter a valid email address to confirm.") from None
    orcid = normalise_orcid(orcid) if orcid.strip() else ""
    url = url.strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise DomainError("Enter a full public web address, starting with https://.") from None
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX} characters.")

    researcher = _lock_researcher(researcher.pk)
    if researcher.merged_into_id:
        raise DomainError(
            "This record was merged into another one; claim that record instead.", status=409
        )
    if researcher.owner_id == user.pk:
        raise DomainError("You already own this record.", status=409)
    if researcher.owner_id is not None:
        raise DomainError(
            "This record already has an owner. If you believe it is yours, dispute the claim.",
            status=409,
        )
    if Claim.objects.filter(user=user, researcher=researcher, status__in=Claim.OPEN).exists():
        raise DomainError("You already have a claim on this record in progress.", status=409)

    token, token_hash = _new_token()
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                researcher=researcher,
                user=user,
                email=email,
                orcid=orcid,
                url=url,
                note=note,
                token_hash=token_hash,
                token_expires_at=timezone.now() + CONFIRMATION_TTL,
            )
    except IntegrityError:
        raise DomainError(
            "You already have a claim on this record in progress.", status=409
        ) from None
    _record(claim, Kind.SUBMITTED, Role.CLAIMANT, user)
    _sync_unowned_status(researcher)
    _after_event(researcher)
    mail.confirmation_on_commit(claim, token)
    return claim


@transaction.atomic
def claim_resend_confirmation(*, claim: Claim, user: User) -> Claim:
    """Replace the claim's link with a new one (the old one stops working) and mail it."""
    researcher = _lock_researcher(claim.researcher_id)
    claim = _lock_claim(claim.pk)
    _require_claimant(claim, user)
    if claim.status != Status.EMAIL_PENDING:
        raise DomainError("This claim's address is already confirmed.")
    token, claim.token_hash = _new_token()
    claim.token_expires_at = timezone.now() + CONFIRMATION_TTL
    claim.save(update_fields=["token_hash", "token_expires_at", "updated_at"])
    claim.researcher = researcher
    mail.confirmation_on_commit(claim, token)
    return claim


@transaction.atomic
def claim_confirm_email(*, token: str) -> Claim:
    """Use a confirmation link: approve when the evidence allows it, else queue for review."""
    found = claim_for_token(token)
    if found is None:
        raise DomainError("This confirmation link is not valid or has already been used.")
    researcher = _lock_researcher(found.researcher_id)
    claim = (
        Claim.objects.select_for_update()
        .filter(pk=found.pk, token_hash=token_hash(token), status=Status.EMAIL_PENDING)
        .first()
    )
    if claim is None:  # used by a concurrent request a moment ago
        raise DomainError("This confirmation link is not valid or has already been used.")
    if claim.token_expires_at <= timezone.now():
        raise DomainError("This confirmation link has expired. Open your claim to get a new link.")
    claim.researcher = researcher
    claim.token_hash = None
    claim.token_expires_at = None
    claim.email_confirmed_at = timezone.now()
    claim.status = Status.AWAITING_MODERATOR
    claim.save()
    _record(claim, Kind.CONFIRMED, Role.CLAIMANT, claim.user)
    if researcher.owner_id is None:
        _approve_automatically(claim, researcher)
    # Kept as a guard; an open claim has kept the status "pending" since it was submitted
    # (every change to the record's claims or owner syncs it), so this changes nothing today.
    _sync_unowned_status(researcher)  # pragma: no mutate
    _after_event(researcher)
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, moderator: User) -> Claim:
    """A moderator accepts the evidence: the claimant owns the record at L2."""
    require_moderator(moderator)
    researcher = _lock_researcher(claim.researcher_id)
    claim = _lock_claim(claim.pk)
    if claim.status != Status.AWAITING_MODERATOR:
        raise DomainError(
            f"Only a claim waiting for a moderator can be approved; "
            f"this one is {claim.get_status_display().lower()}."
        )
    _take_ownership(claim, researcher, role=Role.MODERATOR, actor=moderator)
    _after_event(researcher)
    return claim


@transaction.atomic
def claim_verify(*, claim: Claim, moderator: User) -> Claim:
    """A moderator confirmed stronger evidence: the record becomes Verified (L3)."""
    require_moderator(moderator)
    researcher = _lock_researcher(claim.researcher_id)
    claim = _lock_claim(claim.pk)
    if claim.status == Status.AWAITING_MODERATOR:
        _take_ownership(claim, researcher, role=Role.MODERATOR, actor=moderator)
    if claim.status != Status.APPROVED:
        raise DomainError(
            f"Only an approved claim can be verified; "
            f"this one is {claim.get_status_display().lower()}."
        )
    _verify(claim, researcher, role=Role.MODERATOR, actor=moderator)
    _after_event(researcher)
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, moderator: User, reason: str) -> Claim:
    """A moderator turns down an open claim; the record stays as it was."""
    require_moderator(moderator)
    reason = _clean_reason(reason)
    researcher = _lock_researcher(claim.researcher_id)
    claim = _lock_claim(claim.pk)
    if not claim.is_open:
        raise DomainError(
            f"Only an open claim can be rejected; this one is {claim.get_status_display().lower()}."
        )
    claim.token_hash = None
    claim.token_expires_at = None
    _set_status(claim, Status.REJECTED, moderator, reason=reason)
    _record(claim, Kind.REJECTED, Role.MODERATOR, moderator)
    _sync_unowned_status(researcher)
    _after_event(researcher)
    mail.claimant_notify_on_commit(claim, f"Your claim on {researcher} was not accepted", reason)
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim, user: User) -> Claim:
    """The claimant takes the claim back; an owner giving up a record loses ownership."""
    researcher = _lock_researcher(claim.researcher_id)
    claim = _lock_claim(claim.pk)
    _require_claimant(claim, user)
    if not (claim.is_open or claim.is_owning):
        raise DomainError(
            f"This claim is already {claim.get_status_display().lower()}; "
            f"there is nothing to withdraw."
        )
    if claim.is_owning:
        _release_ownership(claim, researcher)
    claim.token_hash = None
    claim.token_expires_at = None
    _set_status(claim, Status.WITHDRAWN, None)
    _record(claim, Kind.WITHDRAWN, Role.CLAIMANT, user)
    _sync_unowned_status(researcher)
    _after_event(researcher)
    return claim


@transaction.atomic
def claim_revoke(*, claim: Claim, moderator: User, reason: str) -> Claim:
    """A moderator ends an approved claim: the level drops back to what open data supports."""
    require_moderator(moderator)
    reason = _clean_reason(reason)
    researcher = _lock_researcher(claim.researcher_id)
    claim = _lock_claim(claim.pk)
    _revoke(claim, researcher, moderator=moderator, reason=reason)
    _after_event(researcher)
    return claim


@transaction.atomic
def researcher_profile_update(
    *, researcher: Researcher, user: User, headline: str, open_to_collaborate: bool
) -> Researcher:
    """The owner writes the headline and says whether they take collaboration invites."""
    headline = " ".join(strip_bidi(headline).split())
    if len(headline) > HEADLINE_MAX:
        raise DomainError(f"Keep the headline under {HEADLINE_MAX} characters.")
    researcher = _lock_researcher(researcher.pk)
    if researcher.owner_id != user.pk:
        raise PermissionDenied
    researcher.headline = headline
    researcher.open_to_collaborate = open_to_collaborate
    researcher.save(update_fields=["headline", "open_to_collaborate", "updated_at"])
    # The owner's headline is a trust input (profile completeness).
    return _after_event(researcher)


# --- Helpers --------------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _require_claimant(claim: Claim, user) -> None:
    if claim.user_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the claimant can do that.")


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason; the claimant and the moderators will read it.")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Keep the reason under {REASON_MAX} characters.")
    return reason


def _lock_researcher(researcher_id: int) -> Researcher:
    try:
        return Researcher.objects.select_for_update().get(pk=researcher_id)
    except Researcher.DoesNotExist:
        raise Http404("No such researcher.") from None


def _lock_claim(claim_id: int) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim_id)


# The events that decide a claim for its claimant, who is told of each (profiles.signals).
DECISIONS = frozenset({Kind.APPROVED, Kind.VERIFIED, Kind.REJECTED, Kind.REVOKED})


def _record(claim: Claim, kind: str, role: str, actor: User | None, detail: str = "") -> None:
    ClaimEvent.objects.create(
        researcher_id=claim.researcher_id,
        claim=claim,
        kind=kind,
        actor_role=role,
        actor=actor,
        detail=detail,
    )
    if kind in DECISIONS:
        signals.claim_decided.send(
            sender=Claim, claim=claim, decision=kind, automatic=role == Role.SYSTEM
        )


def _set_status(claim: Claim, status: str, decided_by: User | None, *, reason: str = "") -> None:
    claim.status = status
    if decided_by is not None:
        claim.decided_by = decided_by
        claim.decided_at = timezone.now()
    if reason:
        claim.decision_reason = reason
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        # Only the one-owning-claim constraint can fire here: another claim won the record.
        raise DomainError("This record already has an owner.") from None


def _take_ownership(
    claim: Claim, researcher: Researcher, *, role: str, actor: User | None, detail: str = ""
) -> None:
    # Conditional update: whichever approval reaches an ownerless row first wins it.
    updated = Researcher.objects.filter(pk=researcher.pk, owner__isnull=True).update(
        owner_id=claim.user_id,
        claim_status=Researcher.ClaimStatus.CLAIMED,
        verification_level=max(researcher.verification_level, Researcher.VerificationLevel.L2),
    )
    if not updated:
        raise DomainError("This record already has an owner.")
    researcher.owner_id = claim.user_id
    _set_status(claim, Status.APPROVED, actor)
    _record(claim, Kind.APPROVED, role, actor, detail)
    mail.claimant_notify_on_commit(
        claim,
        f"Your claim on {researcher} was approved",
        f"You now own the record {researcher} on BZPEER.",
    )


def _approve_automatically(claim: Claim, researcher: Researcher) -> None:
    """Approve a confirmed claim without a moderator where TRUST.md allows it.

    - The account signed in with ORCID and ORCID's iD is the record's own: Verified (L3), since
      an identity provider confirmed it.
    - The confirmed address belongs to an institution on the record and the account's name is
      one of the record's names: Claimed (L2). The address alone is not enough: a colleague or
      a student at the same institution has one too.
    Anything else waits for a moderator, who sees which institution the address matched.
    """
    if signed_in_with_records_orcid(claim.user, researcher):
        detail = "signed in with the record's ORCID iD"
        _take_ownership(claim, researcher, role=Role.SYSTEM, actor=None, detail=detail)
        _verify(claim, researcher, role=Role.SYSTEM, actor=None)
        return
    institution = matching_institution(researcher=researcher, email=claim.email)
    if institution is None:
        return
    claim.matched_institution = institution
    claim.save(update_fields=["matched_institution", "updated_at"])
    if account_name_matches(claim.user, researcher):
        detail = f"the address belongs to {institution.display_name} and the account's name matches"
        # The institution's name is imported data of any length; the event detail is bounded.
        _take_ownership(claim, researcher, role=Role.SYSTEM, actor=None, detail=detail[:300])


def _verify(claim: Claim, researcher: Researcher, *, role: str, actor: User | None) -> None:
    updated = Researcher.objects.filter(pk=researcher.pk, owner_id=claim.user_id).update(
        verification_level=Researcher.VerificationLevel.L3,
        claim_status=Researcher.ClaimStatus.VERIFIED,
    )
    if not updated:
        raise DomainError("The claimant no longer owns this record.")
    _set_status(claim, Status.VERIFIED, actor)
    _record(claim, Kind.VERIFIED, role, actor)


def _release_ownership(claim: Claim, researcher: Researcher) -> None:
    """Drop the owner, the owner's headline and words, and the level back to what open data
    supports."""
    Researcher.objects.filter(pk=researcher.pk, owner_id=claim.user_id).update(
        owner=None,
        headline="",
        claim_status=Researcher.ClaimStatus.UNCLAIMED,
        verification_level=public_verification_level(
            openalex_id=researcher.openalex_id, orcid=researcher.orcid
        ),
    )
    researcher.owner_id = None
    # The owner's words were theirs: the next owner starts without them.
    OwnerContent.objects.filter(researcher_id=researcher.pk).delete()


def _revoke(
    claim: Claim,
    researcher: Researcher,
    *,
    moderator: User,
    reason: str,
    after_dispute: bool = False,
) -> None:
    if not claim.is_owning:
        raise DomainError(
            f"Only an approved claim can be revoked; "
            f"this one is {claim.get_status_display().lower()}."
        )
    _release_ownership(claim, researcher)
    _set_status(claim, Status.REVOKED, moderator, reason=reason)
    _record(
        claim,
        Kind.REVOKED,
        Role.MODERATOR,
        moderator,
        "a dispute was upheld" if after_dispute else "",
    )
    for dispute in Dispute.objects.select_for_update().filter(
        claim=claim, status=Dispute.Status.OPEN
    ):
        _close_dispute(dispute, Dispute.Status.UPHELD, moderator, reason)
    _sync_unowned_status(researcher)
    mail.claimant_notify_on_commit(claim, f"Your claim on {researcher} was revoked", reason)


def _close_dispute(dispute: Dispute, status: str, moderator: User, note: str) -> None:
    dispute.status = status
    dispute.resolved_by = moderator
    dispute.resolved_at = timezone.now()
    dispute.resolution_note = note
    dispute.save()


def _sync_unowned_status(researcher: Researcher) -> None:
    """An ownerless record reads "Claim pending" while any claim is open, else "Unclaimed"."""
    pending = Claim.objects.filter(researcher_id=researcher.pk, status__in=Claim.OPEN).exists()
    Researcher.objects.filter(pk=researcher.pk, owner__isnull=True).update(
        claim_status=Researcher.ClaimStatus.PENDING if pending else Researcher.ClaimStatus.UNCLAIMED
    )


def _after_event(researcher: Researcher) -> Researcher:
    """Every claim event and profile edit recomputes the stored trust score."""
    return researcher_trust_refresh(researcher=researcher)
