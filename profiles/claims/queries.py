"""Claims' reads: the permission-checked accessors that views start with, and lookups."""

import hashlib

from allauth.socialaccount.models import SocialAccount
from django.db import models
from django.http import Http404

from bzpeer.permissions import require_moderator
from works import identifiers, names
from works.models import Institution, Researcher, ResearcherInstitution

from .models import Claim, Dispute


def claim_get_for_user(user, claim_id: int) -> Claim:
    """The claimant's own claim, or 404 (someone else's claim ids do not exist for them)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Claim.objects.select_related("researcher").get(pk=claim_id, user=user)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None


def claim_get_for_moderator(user, claim_id: int) -> Claim:
    require_moderator(user)
    try:
        return Claim.objects.select_related("researcher", "user").get(pk=claim_id)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None


def dispute_get_for_moderator(user, dispute_id: int) -> Dispute:
    require_moderator(user)
    try:
        return Dispute.objects.select_related("researcher", "claim").get(pk=dispute_id)
    except Dispute.DoesNotExist:
        raise Http404("No such dispute.") from None


def researcher_get_for_owner(user, researcher_id: int) -> Researcher:
    """A record the user owns, or 404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Researcher.objects.get(pk=researcher_id, owner=user)
    except Researcher.DoesNotExist:
        raise Http404("You do not own this record.") from None


def claim_for_token(token: str) -> Claim | None:
    """The unconfirmed claim a link's token belongs to, without using the token up."""
    if not token or len(token) > 128:
        return None
    return (
        Claim.objects.select_related("researcher")
        .filter(token_hash=token_hash(token), status=Claim.Status.EMAIL_PENDING)
        .first()
    )


def matching_institution(*, researcher: Researcher, email: str) -> Institution | None:
    """An institution on the record whose homepage domain is the address's domain or a parent.

    "On the record" means its affiliations (ResearcherInstitution): those the author record
    names and those on the record's own authorships. OpenAlex often names none in the author
    record while the bylines of the person's own papers name where they worked, and an address
    at any of those is the same kind of evidence. Only the address's domain and its parent
    domains are looked up, through the homepage_domain index, so the query stays small however
    many works the record has.
    """
    domain = email.rsplit("@", 1)[-1].strip().rstrip(".").lower()
    labels = domain.split(".")
    # "cs.uni.edu" -> "cs.uni.edu", "uni.edu"; never a bare top-level domain.
    suffixes = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    if not suffixes:
        return None
    candidates = suffixes | {f"www.{suffix}" for suffix in suffixes}
    on_record = models.Q(
        pk__in=ResearcherInstitution.objects.filter(researcher_id=researcher.pk).values(
            "institution_id"
        )
    )
    return (
        Institution.objects.filter(homepage_domain__in=candidates)
        .filter(on_record)
        .order_by("pk")
        .first()
    )


def account_name_matches(user, researcher: Researcher) -> bool:
    """Whether the account's own name is one of the record's names (works.names rules)."""
    return any(
        names.person_matches(given=user.first_name, family=user.last_name, name=name)
        for name in researcher.all_names
    )


def signed_in_with_records_orcid(user, researcher: Researcher) -> bool:
    """Whether the account signed in with ORCID, and ORCID's iD for it is the record's own."""
    if not researcher.orcid:
        return False
    record_orcid = identifiers.strip_orcid_prefix(researcher.orcid)
    uids = SocialAccount.objects.filter(user_id=user.pk, provider="orcid").values_list(
        "uid", flat=True
    )
    return any(identifiers.strip_orcid_prefix(uid) == record_orcid for uid in uids)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
