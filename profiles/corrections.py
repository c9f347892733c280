"""Owners correct their records: remove, restore and add works, merge duplicate records; anyone
signed in suggests a correction, which the owner (or, on an unclaimed record, a moderator)
accepts or rejects; OpenAlex's own merges are applied from its merged_ids files.

Every write locks the researcher rows it changes (in id order, so two merges never deadlock),
leaves a public history row (a ClaimEvent of a correction kind, people named by role), and
calls ``researchers_changed`` so counters, trust scores, cached pages and graph slices follow.

Corrections survive re-imports through AuthorshipCorrection, which the importer's
``authorships_sync`` honours. A merged record keeps its row, pointing at its survivor through
``merged_into``; every chain is one hop long because a merge re-points the records already
merged into the one that disappears.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone

from works import openalex, signals
from works.models import Authorship, AuthorshipCorrection, MergedAuthorId, Researcher, Work
from works.services import public_verification_level, researchers_changed

from . import page_cache
from .claims import is_moderator, researcher_get_for_owner  # noqa: F401  (the owner accessor)
from .models import Claim, ClaimEvent, CorrectionSuggestion, Dispute, User

REASON_MAX = 1000
MESSAGE_MAX = 2000
FIND_LIMIT = 20
# Longer than any chain can be while merges keep chains one hop long; a guard, not a rule.
MAX_HOPS = 50

Kind = ClaimEvent.Kind
Role = ClaimEvent.Role
Fix = AuthorshipCorrection.Kind
Suggestion = CorrectionSuggestion


class CorrectionError(Exception):
    """A correction that cannot happen; the message is written for the person who tried."""


# --- Reads: permission-checked accessors and finders --------------------------------------


def researcher_get_for_suggestion(user, researcher_id: int) -> Researcher:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to suggest a correction.")
    try:
        return Researcher.objects.get(pk=researcher_id, merged_into__isnull=True)
    except Researcher.DoesNotExist:
        raise Http404("No such researcher.") from None


def suggestion_get_for_decider(user, suggestion_id: int) -> CorrectionSuggestion:
    """A suggestion this person may decide, or 404: the record's owner, or on an unclaimed
    record a moderator."""
    if not user.is_authenticated:
        raise Http404
    suggestion = (
        Suggestion.objects.select_related("researcher", "work").filter(pk=suggestion_id).first()
    )
    if suggestion is None or not may_decide(user, suggestion.researcher):
        raise Http404("No such suggestion.")
    return suggestion


def may_decide(user, researcher: Researcher) -> bool:
    if researcher.owner_id is not None:
        return researcher.owner_id == user.pk
    return is_moderator(user)


def suggestions_to_decide(user):
    """Pending suggestions for this person: on records they own, and (moderators) unclaimed."""
    mine = models.Q(researcher__owner=user)
    if is_moderator(user):
        mine |= models.Q(researcher__owner__isnull=True)
    return (
        Suggestion.objects.filter(mine, status=Suggestion.Status.PENDING)
        .select_related("researcher", "work")
        .order_by("created_at", "id")
    )


def works_find(query: str, *, within: Researcher | None = None) -> list[Work]:
    """Works whose DOI is the query, else whose title is (or contains) it, at most a page.

    DOIs use their index. A title match is a bounded scan; a trigram index would make it
    cheap on a full snapshot.
    """
    query = " ".join((query or "").split())
    if not query:
        return []
    works = Work.objects.all()
    if within is not None:
        works = works.filter(authorships__researcher=within)
    doi = openalex.normalize_doi(query)
    if doi:
        return list(works.filter(doi=doi).order_by("id")[:FIND_LIMIT])
    exact = list(works.filter(title__iexact=query).order_by("id")[:FIND_LIMIT])
    if exact:
        return exact
    return list(
        works.filter(title__icontains=query).order_by("-publication_year", "id")[:FIND_LIMIT]
    )


def work_find_one(query: str, *, within: Researcher | None = None) -> Work:
    """The one work a title or DOI names; a CorrectionError says what to do otherwise."""
    found = works_find(query, within=within)
    if not found:
        where = "on this record" if within else "in BZPEER"
        raise CorrectionError(f"No work {where} has that title or DOI.")
    if len(found) > 1:
        raise CorrectionError(
            f"{len(found)}{'+' if len(found) == FIND_LIMIT else ''} works match; "
            "give the DOI or the full title."
        )
    return found[0]


def survivor_of(researcher: Researcher) -> Researcher:
    """The record a merged record points at (itself when it was never merged)."""
    if researcher.merged_into_id is None:
        return researcher
    return Researcher.objects.get(pk=researcher.merged_into_id)


# --- Works on a record --------------------------------------------------------------------


@transaction.atomic
def work_remove(
    *, user: User, researcher: Researcher, work: Work, reason: str
) -> AuthorshipCorrection:
    """Take a work off the owner's record, for good: imports will not put it back."""
    reason = _clean(reason, REASON_MAX, "Say why this work is not yours.")
    researcher = _lock(researcher.pk)
    _require_owner(researcher, user)
    return _remove(researcher, work, reason=reason, actor=user, role=Role.OWNER)


@transaction.atomic
def work_restore(*, user: User, researcher: Researcher, work: Work) -> Authorship:
    """Put back a work the owner removed, as it was on the byline."""
    researcher = _lock(researcher.pk)
    _require_owner(researcher, user)
    correction = AuthorshipCorrection.objects.filter(
        researcher=researcher, work=work, kind=Fix.REMOVED
    ).first()
    if correction is None:
        raise CorrectionError("This work was not removed from your record.")
    kept = correction.removed_authorship
    authorship, _ = Authorship.objects.get_or_create(
        researcher=researcher,
        work=work,
        defaults={
            "order": kept.get("order", 0),
            "position": kept.get("position", ""),
            "raw_author_name": kept.get("raw_author_name", researcher.display_name),
        },
    )
    authorship.institutions.set(kept.get("institution_ids", []))
    if kept.get("asserted"):
        # It was the owner's own addition before its removal: it stays theirs.
        correction.kind = Fix.ASSERTED
        correction.removed_authorship = {}
        correction.reason = ""
        correction.save(update_fields=["kind", "removed_authorship", "reason"])
    else:
        correction.delete()
    _history(researcher, Kind.WORK_RESTORED, Role.OWNER, user, _label(work))
    researchers_changed(researcher_ids=[researcher.pk])
    return authorship


@transaction.atomic
def work_add(*, user: User, researcher: Researcher, work: Work) -> AuthorshipCorrection:
    """Add a work BZPEER holds to the owner's record, marked as asserted by the owner."""
    researcher = _lock(researcher.pk)
    _require_owner(researcher, user)
    return _add(researcher, work, actor=user, role=Role.OWNER)


def _remove(
    researcher: Researcher, work: Work, *, reason: str, actor: User | None, role: str
) -> AuthorshipCorrection:
    authorship = (
        Authorship.objects.select_for_update().filter(researcher=researcher, work=work).first()
    )
    if authorship is None:
        raise CorrectionError("This work is not on the record.")
    earlier = AuthorshipCorrection.objects.filter(researcher=researcher, work=work).first()
    kept = {
        "order": authorship.order,
        "position": authorship.position,
        "raw_author_name": authorship.raw_author_name,
        "institution_ids": sorted(authorship.institutions.values_list("pk", flat=True)),
        "asserted": earlier is not None and earlier.kind == Fix.ASSERTED,
    }
    authorship.delete()
    correction, _ = AuthorshipCorrection.objects.update_or_create(
        researcher=researcher,
        work=work,
        defaults={
            "kind": Fix.REMOVED,
            "reason": reason,
            "removed_authorship": kept,
            "created_by": actor,
            "created_at": timezone.now(),
        },
    )
    _history(researcher, Kind.WORK_REMOVED, role, actor, _label(work))
    researchers_changed(researcher_ids=[researcher.pk])
    return correction


def _add(researcher: Researcher, work: Work, *, actor: User | None, role: str):
    if Authorship.objects.filter(researcher=researcher, work=work).exists():
        raise CorrectionError("This work is already on the record.")
    if AuthorshipCorrection.objects.filter(
        researcher=researcher, work=work, kind=Fix.REMOVED
    ).exists():
        raise CorrectionError("This work was removed from the record; restore it instead.")
    last = Authorship.objects.filter(work=work).aggregate(last=models.Max("order"))["last"]
    Authorship.objects.create(
        researcher=researcher,
        work=work,
        order=0 if last is None else last + 1,
        raw_author_name=researcher.display_name,
    )
    correction = AuthorshipCorrection.objects.create(
        researcher=researcher, work=work, kind=Fix.ASSERTED, created_by=actor
    )
    _history(researcher, Kind.WORK_ADDED, role, actor, _label(work))
    researchers_changed(researcher_ids=[researcher.pk])
    return correction


# --- Merging duplicate records ------------------------------------------------------------


@transaction.atomic
def researcher_merge(*, user: User, source: Researcher, target: Researcher) -> Researcher:
    """Merge the owner's duplicate ``source`` into ``target``; the source's id redirects there.

    Only someone who owns both may do it. Refused, changing nothing: a record into itself, a
    record already merged, and a merge that would close a cycle of redirects.
    """
    if source.pk == target.pk:
        raise CorrectionError("A record cannot be merged into itself.")
    source, target = _lock_pair(source.pk, target.pk)
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
        raise CorrectionError(f"{source} was already merged into another record.")
    hop, hops = target, 0
    while hop.merged_into_id is not None and hops < MAX_HOPS:
        if hop.merged_into_id == source.pk:
            raise CorrectionError(
                f"{target} already redirects to {source}; merging {source} into it would make "
                "the two records redirect to each other."
            )
        hop, hops = Researcher.objects.only("merged_into").get(pk=hop.merged_into_id), hops + 1
    if target.merged_into_id is not None:
        raise CorrectionError(
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
    target.last_known_institutions.add(*source.last_known_institutions.all())

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
    _history(target, Kind.MERGED, role, actor, detail)
    researchers_changed(researcher_ids=[source.pk, target.pk])


def _move_works(source: Researcher, target: Researcher) -> None:
    target_works = Authorship.objects.filter(researcher=target).values("work_id")
    target_fixed = AuthorshipCorrection.objects.filter(researcher=target).values("work_id")
    # For a work both records know, the target's own state and decisions win.
    AuthorshipCorrection.objects.filter(
        models.Q(work_id__in=target_fixed) | models.Q(work_id__in=target_works),
        researcher=source,
    ).delete()
    removed_by_target = AuthorshipCorrection.objects.filter(
        researcher=target, kind=Fix.REMOVED
    ).values("work_id")
    # Same work on both records (one unique authorship per work and person): keep the target's.
    Authorship.objects.filter(
        models.Q(work_id__in=target_works) | models.Q(work_id__in=removed_by_target),
        researcher=source,
    ).delete()
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


# --- Suggestions --------------------------------------------------------------------------


@transaction.atomic
def suggestion_submit(
    *,
    user: User,
    researcher: Researcher,
    kind: str,
    work: Work | None = None,
    message: str = "",
) -> CorrectionSuggestion:
    """Suggest a correction; it goes to the owner, or to the moderators if there is none."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to suggest a correction.")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise CorrectionError(f"Keep the message under {MESSAGE_MAX} characters.")
    if kind not in Suggestion.Kind.values:
        raise CorrectionError("Choose what kind of correction you suggest.")
    researcher = _lock(researcher.pk)
    if researcher.merged_into_id is not None:
        raise CorrectionError("This record was merged into another; suggest it there.")
    if researcher.owner_id == user.pk:
        raise CorrectionError("This is your record: correct it yourself.")
    on_record = work is not None and researcher.authorships.filter(work=work).exists()
    if kind == Suggestion.Kind.OTHER:
        if not message:
            raise CorrectionError("Say what is wrong with this record.")
        work = None
    elif work is None:
        raise CorrectionError("Name the work, by its title or DOI.")
    elif kind == Suggestion.Kind.REMOVE_WORK and not on_record:
        raise CorrectionError("That work is not on this record.")
    elif kind == Suggestion.Kind.ADD_WORK and on_record:
        raise CorrectionError("That work is already on this record.")
    try:
        with transaction.atomic():
            return Suggestion.objects.create(
                researcher=researcher, user=user, kind=kind, work=work, message=message
            )
    except IntegrityError:
        raise CorrectionError("You already suggested this; it is waiting for a decision.") from None


@transaction.atomic
def suggestion_decide(
    *, user: User, suggestion: CorrectionSuggestion, accept: bool, note: str = ""
) -> CorrectionSuggestion:
    """The owner (or, on an unclaimed record, a moderator) accepts or rejects a suggestion.

    Accepting a work suggestion makes the correction at once, as the decider; accepting an
    "other" suggestion records the decision, and the decider acts on it themselves.
    """
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise CorrectionError(f"Keep the note under {REASON_MAX} characters.")
    researcher = _lock(suggestion.researcher_id)
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("work")
        .get(pk=suggestion.pk)
    )
    if not may_decide(user, researcher):
        raise PermissionDenied("Only the record's owner, or a moderator, decides this.")
    if suggestion.status != Suggestion.Status.PENDING:
        raise CorrectionError(
            f"This suggestion is already {suggestion.get_status_display().lower()}."
        )
    role = Role.OWNER if researcher.owner_id == user.pk else Role.MODERATOR
    if accept and suggestion.kind == Suggestion.Kind.REMOVE_WORK:
        _remove(
            researcher,
            suggestion.work,
            reason=note or suggestion.message or "Suggested: not theirs.",
            actor=user,
            role=role,
        )
    elif accept and suggestion.kind == Suggestion.Kind.ADD_WORK:
        _add(researcher, suggestion.work, actor=user, role=role)
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.decision_note = note
    suggestion.save()
    kind = Kind.SUGGESTION_ACCEPTED if accept else Kind.SUGGESTION_REJECTED
    _history(researcher, kind, role, user, suggestion.summary)
    page_cache.invalidate([researcher.pk])  # the history is on the page
    return suggestion


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
        _history(old, Kind.OPENALEX_ID_MERGED, Role.SYSTEM, None, detail)
        researchers_changed(researcher_ids=[old.pk])
        result.records_renamed += 1
        return
    old, new = survivor_of(old), survivor_of(new)
    if old.pk == new.pk:
        return
    source, target = _lock_pair(old.pk, new.pk)
    if source.owner_id and target.owner_id and source.owner_id != target.owner_id:
        result.conflicts.append((source, target))
        return
    if source.owner_id and not target.owner_id:
        source, target = target, source  # the record its owner knows keeps its id
    _merge(source, target, actor=None, role=Role.SYSTEM, detail=detail)
    result.records_merged += 1


# --- Helpers ------------------------------------------------------------------------------


def _clean(text: str, limit: int, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CorrectionError(missing)
    if len(text) > limit:
        raise CorrectionError(f"Keep it under {limit} characters.")
    return text


def _lock(researcher_id: int) -> Researcher:
    try:
        return Researcher.objects.select_for_update().get(pk=researcher_id)
    except Researcher.DoesNotExist:
        raise Http404("No such researcher.") from None


def _lock_pair(first_id: int, second_id: int) -> tuple[Researcher, Researcher]:
    """Lock two records in id order (so concurrent merges cannot deadlock); return them as asked."""
    rows = {
        r.pk: r
        for r in Researcher.objects.select_for_update()
        .filter(pk__in=[first_id, second_id])
        .order_by("pk")
    }
    if first_id not in rows or second_id not in rows:
        raise Http404("No such researcher.")
    return rows[first_id], rows[second_id]


def _require_owner(researcher: Researcher, user) -> None:
    if researcher.owner_id is None or researcher.owner_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the record's owner can correct its works.")


def _label(work: Work) -> str:
    return (work.title or work.openalex_id or f"work {work.pk}")[:300]


def _history(
    researcher: Researcher, kind: str, role: str, actor: User | None, detail: str = ""
) -> None:
    ClaimEvent.objects.create(
        researcher_id=researcher.pk, kind=kind, actor_role=role, actor=actor, detail=detail[:300]
    )
