"""Merging duplicate records: an owner's two records, and OpenAlex's own merges of author ids.

A merged record keeps its row, pointing at its survivor through ``merged_into``; every chain is
one hop long because a merge re-points the records already merged into the one that
disappears. What other apps keep of the merged record (collaboration: follows) moves through
``works.signals.researcher_merging``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from bzpeer.errors import DomainError
from profiles.accounts.models import User
from profiles.claims.models import Claim, ClaimEvent, Dispute
from works import openalex, signals
from works.models import Authorship, AuthorshipCorrection, MergedAuthorId, Researcher
from works.services import public_verification_level, researchers_changed

from .models import CorrectionSuggestion
from .services import history_add, lock_pair, survivor_of

# Longer than any chain can be while merges keep chains one hop long; a guard, not a rule.
MAX_HOPS = 50

Kind = ClaimEvent.Kind
Role = ClaimEvent.Role
Fix = AuthorshipCorrection.Kind
Suggestion = CorrectionSuggestion


# --- Merging duplicate records ------------------------------------------------------------


@transaction.atomic
def researcher_merge(*, user: User, source: Researcher, target: Researcher) -> Researcher:
    """Merge the owner's duplicate ``source`` into ``target``; the source's id redirects there.

    Only someone who owns both may do it. Refused, changing nothing: a record into itself, a
    record already merged, and a merge that would close a cycle of redirects.
    """
    if source.pk == target.pk:
        raise DomainError("A record cannot be merged into itself.")
    source, target = lock_pair(source.pk, target.pk)
    _check_mergeable(source, target)
    if not (user.is_authenticated and source.owner_id == user.pk == target.owner_id):
        raise PermissionDenied("You can merge two records only when you own both.")
    _merge(
        source,
        target,
        actor=user,
        role=Role.OWNER,
        detail=f"{source.display_name} ({source.openalex_id or f'record {source.pk}'})",
    )
    target.refresh_from_db()
    return target


def _check_mergeable(source: Researcher, target: Researcher) -> None:
    if source.merged_into_id is not None:
        raise DomainError(f"{source} was already merged into another record.")
    hop, hops = target, 0
    while hop.merged_into_id is not None and hops < MAX_HOPS:
        if hop.merged_into_id == source.pk:
            raise DomainError(
                f"{target} already redirects to {source}; merging {source} into it would make "
                "the two records redirect to each other."
            )
        hop, hops = Researcher.objects.only("merged_into").get(pk=hop.merged_into_id), hops + 1
    if target.merged_into_id is not None:
        raise DomainError(
            f"{target} was merged into another record; merge into that record instead."
        )


def _merge(
    source: Researcher, target: Researcher, *, actor: User | None, role: str, detail: str
) -> None:
    """Move everything of ``source`` to ``target`` and leave ``source`` as a redirect.

    The callers locked both rows and checked who may do it and that no cycle results.
    """
    _move_works(source, target)
    # Apps above move what they keep of the source (collaboration: follows, followers count).
    signals.researcher_merging.send(sender=Researcher, source=source, target=target)
    _move_claims(source, target)
    _move_suggestions(source, target)
    ClaimEvent.objects.filter(researcher=source).update(researcher=target)

    owner_id = target.owner_id or source.owner_id
    level = target.verification_level
    if source.owner_id is not None and source.owner_id == owner_id:
        level = max(level, source.verification_level)
    status = target.claim_status
    if owner_id is not None:
        status = Researcher.ClaimStatus.VERIFIED if level >= 3 else Researcher.ClaimStatus.CLAIMED
    elif Claim.objects.filter(researcher=target, status__in=Claim.OPEN).exists():
        status = Researcher.ClaimStatus.PENDING
    Researcher.objects.filter(pk=source.pk).update(
        merged_into=target,
        merged_at=timezone.now(),
        owner=None,
        claim_status=Researcher.ClaimStatus.UNCLAIMED,
        headline="",
        verification_level=public_verification_level(
            openalex_id=source.openalex_id, orcid=source.orcid
        ),
        followers_count=0,
    )
    # One hop: whatever redirected to the source now redirects straight to the target.
    Researcher.objects.filter(merged_into=source).update(merged_into=target)
    Researcher.objects.filter(pk=target.pk).update(
        owner_id=owner_id,
        claim_status=status,
        verification_level=level,
        headline=target.headline or (source.headline if source.owner_id == owner_id else ""),
        orcid=target.orcid or source.orcid,
    )
    history_add(target, Kind.MERGED, role, actor, detail)
    researchers_changed(researcher_ids=[source.pk, target.pk])


def _move_works(source: Researcher, target: Researcher) -> None:
    """The source's byline entries become the target's, as a re-import would make them."""
    target_works = Authorship.objects.filter(researcher=target).values("work_id")
    target_fixed = AuthorshipCorrection.objects.filter(researcher=target).values("work_id")
    source_added = AuthorshipCorrection.objects.filter(researcher=source, kind=Fix.ASSERTED).values(
        "work_id"
    )
    # The source's own additions (not on the published byline) to works the target already
    # has, or decided on, go: the target's own state and decisions win.
    Authorship.objects.filter(
        models.Q(work_id__in=target_works) | models.Q(work_id__in=target_fixed),
        work_id__in=source_added,
        researcher=source,
    ).delete()
    AuthorshipCorrection.objects.filter(
        models.Q(work_id__in=target_fixed) | models.Q(work_id__in=target_works),
        researcher=source,
    ).delete()
    removed_by_target = AuthorshipCorrection.objects.filter(
        researcher=target, kind=Fix.REMOVED
    ).values("work_id")
    # A work the target's owner took off their record stays off it: the entry stays unlinked.
    Authorship.objects.filter(work_id__in=removed_by_target, researcher=source).update(
        researcher=None
    )
    Authorship.objects.filter(researcher=source).update(researcher=target)
    AuthorshipCorrection.objects.filter(researcher=source).update(researcher=target)


def _move_claims(source: Researcher, target: Researcher) -> None:
    """Move claims and disputes; one that would break a one-per-record rule there is closed."""
    target_owning = Claim.objects.filter(researcher=target, status__in=Claim.OWNING).exists()
    for claim in Claim.objects.select_for_update().filter(researcher=source).order_by("pk"):
        conflict = (claim.is_owning and target_owning) or (
            claim.is_open
            and Claim.objects.filter(
                researcher=target, user_id=claim.user_id, status__in=Claim.OPEN
            ).exists()
        )
        if conflict:
            # The same person's claim on the survivor stands for both.
            claim.status = Claim.Status.WITHDRAWN
            claim.token_hash = None
            claim.token_expires_at = None
            claim.decision_reason = f"Record merged into {target} ({target.pk})."
        target_owning = target_owning or claim.is_owning
        claim.researcher = target
        claim.save()
    for dispute in Dispute.objects.select_for_update().filter(
        researcher=source, status=Dispute.Status.OPEN
    ):
        if Dispute.objects.filter(
            researcher=target, user_id=dispute.user_id, status=Dispute.Status.OPEN
        ).exists():
            dispute.status = Dispute.Status.DISMISSED
            dispute.resolved_at = timezone.now()
            dispute.resolution_note = "Joined with the same person's dispute on the merged record."
        dispute.researcher = target
        dispute.save()
    Dispute.objects.filter(researcher=source).update(researcher=target)


def _move_suggestions(source: Researcher, target: Researcher) -> None:
    for suggestion in Suggestion.objects.filter(researcher=source).order_by("pk"):
        suggestion.researcher = target
        try:
            with transaction.atomic():
                suggestion.save(update_fields=["researcher"])
        except IntegrityError:
            # The same person already suggested the same thing on the survivor.
            Suggestion.objects.filter(pk=suggestion.pk).update(
                researcher=target,
                status=Suggestion.Status.REJECTED,
                decided_at=timezone.now(),
                decision_note="The same suggestion is pending on the merged record.",
            )


# --- OpenAlex's merges --------------------------------------------------------------------


@dataclass
class MergesResult:
    stored: int = 0  # merged ids recorded for later imports
    unchanged: int = 0
    records_merged: int = 0  # two records we hold, merged
    records_renamed: int = 0  # a record we hold took the surviving id
    not_authors: int = 0
    cycles: list[openalex.MergedId] = field(default_factory=list)
    # Both records are owned by different people: left for the moderators.
    conflicts: list[tuple[Researcher, Researcher]] = field(default_factory=list)

    def add(self, other: "MergesResult") -> None:
        """Count another batch's result in this one."""
        for name in ("stored", "unchanged", "records_merged", "records_renamed", "not_authors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.cycles += other.cycles
        self.conflicts += other.conflicts


@transaction.atomic
def openalex_merges_apply(*, merges: Iterable[openalex.MergedId]) -> MergesResult:
    """Record OpenAlex's author merges (one hop each) and merge the records we hold.

    A row whose survivor already merged back into it (a cycle in the data) is skipped. When we
    hold both records they are merged like an owner's merge, the owned one surviving; records
    owned by two different people are left alone and reported.
    """
    result = MergesResult()
    rows = []
    for merge in merges:
        if merge.openalex_id[0] == "A":
            rows.append(merge)
        else:
            result.not_authors += 1
    ids = {m.openalex_id for m in rows} | {m.merge_into_id for m in rows}
    known = dict(
        MergedAuthorId.objects.filter(openalex_id__in=ids).values_list(
            "openalex_id", "merge_into_id"
        )
    )
    changed: dict[str, openalex.MergedId] = {}
    for merge in sorted(rows, key=lambda m: m.merge_date or timezone.now().date()):
        final = known.get(merge.merge_into_id, merge.merge_into_id)
        if final == merge.openalex_id:
            result.cycles.append(merge)
            continue
        if known.get(merge.openalex_id) == final:
            result.unchanged += 1
            continue
        for old, into in known.items():
            if into == merge.openalex_id:
                known[old] = final
                if old in changed:
                    changed[old] = openalex.MergedId(old, final, changed[old].merge_date)
        known[merge.openalex_id] = final
        changed[merge.openalex_id] = openalex.MergedId(merge.openalex_id, final, merge.merge_date)
    if not changed:
        return result
    MergedAuthorId.objects.bulk_create(
        [
            MergedAuthorId(
                openalex_id=m.openalex_id, merge_into_id=m.merge_into_id, merge_date=m.merge_date
            )
            for m in changed.values()
        ],
        update_conflicts=True,
        unique_fields=["openalex_id"],
        update_fields=["merge_into_id", "merge_date"],
    )
    # Earlier rows pointing at an id merged now point at its survivor (one hop).
    earlier = list(MergedAuthorId.objects.filter(merge_into_id__in=list(changed)))
    for row in earlier:
        row.merge_into_id = changed[row.merge_into_id].merge_into_id
    MergedAuthorId.objects.bulk_update(earlier, ["merge_into_id"])
    result.stored = len(changed)
    for merge in changed.values():
        _apply_to_records(merge, result)
    return result


def _apply_to_records(merge: openalex.MergedId, result: MergesResult) -> None:
    old = Researcher.objects.filter(openalex_id=merge.openalex_id).first()
    if old is None:
        return
    detail = f"OpenAlex merged {merge.openalex_id} into {merge.merge_into_id}"
    new = Researcher.objects.filter(openalex_id=merge.merge_into_id).first()
    if new is None:
        # We hold only the old record: it simply takes the surviving id.
        Researcher.objects.filter(pk=old.pk).update(openalex_id=merge.merge_into_id)
        history_add(old, Kind.OPENALEX_ID_MERGED, Role.SYSTEM, None, detail)
        researchers_changed(researcher_ids=[old.pk])
        result.records_renamed += 1
        return
    old, new = survivor_of(old), survivor_of(new)
    if old.pk == new.pk:
        return
    source, target = lock_pair(old.pk, new.pk)
    if source.owner_id and target.owner_id and source.owner_id != target.owner_id:
        result.conflicts.append((source, target))
        return
    if source.owner_id and not target.owner_id:
        source, target = target, source  # the record its owner knows keeps its id
    _merge(source, target, actor=None, role=Role.SYSTEM, detail=detail)
    result.records_merged += 1
