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

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone

from bzpeer.errors import DomainError
from bzpeer.permissions import is_moderator
from profiles import page_cache, signals
from profiles.accounts.models import User
from profiles.claims.models import ClaimEvent
from profiles.claims.queries import researcher_get_for_owner  # noqa: F401  (the owner accessor)
from works import identifiers
from works.models import (
    Authorship,
    AuthorshipCorrection,
    AuthorshipInstitution,
    Researcher,
    Work,
)
from works.services import researchers_changed

from .models import CorrectionSuggestion

REASON_MAX = 1000
MESSAGE_MAX = 2000
FIND_LIMIT = 20

Kind = ClaimEvent.Kind
Role = ClaimEvent.Role
Fix = AuthorshipCorrection.Kind
Suggestion = CorrectionSuggestion


# --- Reads: permission-checked accessors and finders --------------------------------------


def researcher_get_for_suggestion(user, researcher_id: int) -> Researcher:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to suggest a correction.")
    try:
        return Researcher.objects.live().get(pk=researcher_id)
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
        works = works.filter(pk__in=Authorship.objects.filter(researcher=within).values("work_id"))
    doi = identifiers.normalize_doi(query)
    if doi:
        return list(works.filter(doi=doi).order_by("id")[:FIND_LIMIT])
    exact = list(works.filter(title__iexact=query).order_by("id")[:FIND_LIMIT])
    if exact:
        return exact
    return list(
        works.filter(title__icontains=query).order_by("-publication_year", "id")[:FIND_LIMIT]
    )


def work_find_one(query: str, *, within: Researcher | None = None) -> Work:
    """The one work a title or DOI names; a DomainError says what to do otherwise."""
    found = works_find(query, within=within)
    if not found:
        where = "on this record" if within else "in BZPEER"
        raise DomainError(f"No work {where} has that title or DOI.", status=404)
    if len(found) > 1:
        raise DomainError(
            f"{len(found)}{'+' if len(found) == FIND_LIMIT else ''} works match; "
            "give the DOI or the full title.",
            status=409,
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
    """Put back a work the owner removed: its byline entries are linked to the record again."""
    researcher = _lock(researcher.pk)
    _require_owner(researcher, user)
    correction = AuthorshipCorrection.objects.filter(
        researcher=researcher, work=work, kind=Fix.REMOVED
    ).first()
    if correction is None:
        raise DomainError("This work was not removed from your record.", status=409)
    kept = correction.removed_authorship
    orders = kept.get("orders") or [kept.get("order", 0)]
    # The entries stayed on the byline, unlinked, in their places (unless a re-import moved
    # them): link them again.
    relinked = Authorship.objects.filter(work=work, order__in=orders, researcher__isnull=True)
    if not relinked.update(researcher=researcher):
        last = Authorship.objects.filter(work=work).aggregate(last=models.Max("order"))["last"]
        entry = Authorship.objects.create(
            researcher=researcher,
            work=work,
            order=0 if last is None else last + 1,
            position=kept.get("position", ""),
            raw_author_name=kept.get("raw_author_name", researcher.display_name),
        )
        AuthorshipInstitution.objects.bulk_create(
            AuthorshipInstitution(authorship=entry, institution_id=pk, order=i)
            for i, pk in enumerate(kept.get("institution_ids", []))
        )
    if kept.get("asserted"):
        # It was the owner's own addition before its removal: it stays theirs.
        correction.kind = Fix.ASSERTED
        correction.removed_authorship = {}
        correction.reason = ""
        correction.save(update_fields=["kind", "removed_authorship", "reason"])
    else:
        correction.delete()
    history_add(researcher, Kind.WORK_RESTORED, Role.OWNER, user, _label(work))
    researchers_changed(researcher_ids=[researcher.pk])
    return Authorship.objects.filter(researcher=researcher, work=work).order_by("order").first()


@transaction.atomic
def work_add(*, user: User, researcher: Researcher, work: Work) -> AuthorshipCorrection:
    """Add a work BZPEER holds to the owner's record, marked as asserted by the owner."""
    researcher = _lock(researcher.pk)
    _require_owner(researcher, user)
    return _add(researcher, work, actor=user, role=Role.OWNER)


def _remove(
    researcher: Researcher, work: Work, *, reason: str, actor: User | None, role: str
) -> AuthorshipCorrection:
    entries = list(
        Authorship.objects.select_for_update()
        .filter(researcher=researcher, work=work)
        .order_by("order")
    )
    if not entries:
        raise DomainError("This work is not on the record.", status=409)
    earlier = AuthorshipCorrection.objects.filter(researcher=researcher, work=work).first()
    asserted = earlier is not None and earlier.kind == Fix.ASSERTED
    first = entries[0]
    kept = {
        "order": first.order,
        "orders": [entry.order for entry in entries],
        "position": first.position,
        "raw_author_name": first.raw_author_name,
        "institution_ids": list(
            first.institution_links.order_by("order").values_list("institution_id", flat=True)
        ),
        "asserted": asserted,
    }
    pks = [entry.pk for entry in entries]
    if asserted:
        # The owner's own addition is not on the published byline: it goes.
        Authorship.objects.filter(pk__in=pks).delete()
    else:
        # The byline stays as published; its entries are no longer this record's.
        Authorship.objects.filter(pk__in=pks).update(researcher=None)
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
    history_add(researcher, Kind.WORK_REMOVED, role, actor, _label(work))
    researchers_changed(researcher_ids=[researcher.pk])
    return correction


def _add(researcher: Researcher, work: Work, *, actor: User | None, role: str):
    if Authorship.objects.filter(researcher=researcher, work=work).exists():
        raise DomainError("This work is already on the record.", status=409)
    if AuthorshipCorrection.objects.filter(
        researcher=researcher, work=work, kind=Fix.REMOVED
    ).exists():
        raise DomainError("This work was removed from the record; restore it instead.", status=409)
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
    history_add(researcher, Kind.WORK_ADDED, role, actor, _label(work))
    researchers_changed(researcher_ids=[researcher.pk])
    return correction


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
        raise DomainError(f"Keep the message under {MESSAGE_MAX} characters.")
    if kind not in Suggestion.Kind.values:
        raise DomainError("Choose what kind of correction you suggest.")
    researcher = _lock(researcher.pk)
    if researcher.merged_into_id is not None:
        raise DomainError("This record was merged into another; suggest it there.", status=409)
    if researcher.owner_id == user.pk:
        raise DomainError("This is your record: correct it yourself.", status=409)
    on_record = work is not None and researcher.authorships.filter(work=work).exists()
    if kind == Suggestion.Kind.OTHER:
        if not message:
            raise DomainError("Say what is wrong with this record.")
        work = None
    elif work is None:
        raise DomainError("Name the work, by its title or DOI.")
    elif kind == Suggestion.Kind.REMOVE_WORK and not on_record:
        raise DomainError("That work is not on this record.", status=409)
    elif kind == Suggestion.Kind.ADD_WORK and on_record:
        raise DomainError("That work is already on this record.", status=409)
    try:
        with transaction.atomic():
            suggestion = Suggestion.objects.create(
                researcher=researcher, user=user, kind=kind, work=work, message=message
            )
    except IntegrityError:
        raise DomainError(
            "You already suggested this; it is waiting for a decision.", status=409
        ) from None
    # The owner, or the moderators for an unclaimed record, are told (profiles.signals).
    signals.correction_suggested.send(sender=Suggestion, suggestion=suggestion)
    return suggestion


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
        raise DomainError(f"Keep the note under {REASON_MAX} characters.")
    researcher = _lock(suggestion.researcher_id)
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("work")
        .get(pk=suggestion.pk)
    )
    if not may_decide(user, researcher):
        raise PermissionDenied("Only the record's owner, or a moderator, decides this.")
    if suggestion.status != Suggestion.Status.PENDING:
        raise DomainError(
            f"This suggestion is already {suggestion.get_status_display().lower()}.", status=409
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
    history_add(researcher, kind, role, user, suggestion.summary)
    page_cache.invalidate([researcher.pk])  # the history is on the page
    return suggestion


# --- Helpers ------------------------------------------------------------------------------


def _clean(text: str, limit: int, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(missing)
    if len(text) > limit:
        raise DomainError(f"Keep it under {limit} characters.")
    return text


def _lock(researcher_id: int) -> Researcher:
    try:
        return Researcher.objects.select_for_update().get(pk=researcher_id)
    except Researcher.DoesNotExist:
        raise Http404("No such researcher.") from None


def lock_pair(first_id: int, second_id: int) -> tuple[Researcher, Researcher]:
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


def history_add(
    researcher: Researcher, kind: str, role: str, actor: User | None, detail: str = ""
) -> None:
    ClaimEvent.objects.create(
        researcher_id=researcher.pk, kind=kind, actor_role=role, actor=actor, detail=detail[:300]
    )
