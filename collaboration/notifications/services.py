"""Notifications: written where each event happens, read and marked read by their recipient.

Each ``notify_*`` runs inside the transaction of the event it reports, so a refused follow,
invite or claim decision leaves no notification behind. Nobody is told of their own act.
"""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import F, Func, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bzpeer import page_cache
from bzpeer.permissions import moderators
from profiles.claims.models import Claim, ClaimEvent
from works.models import Researcher

from ..models import Conversation, Invite, Message, person_name
from . import mail
from .models import Notification, NotificationPreference

Kind = Notification.Kind

CLAIM_OUTCOMES = {
    ClaimEvent.Kind.APPROVED: "approved",
    ClaimEvent.Kind.VERIFIED: "verified",
    ClaimEvent.Kind.REJECTED: "not accepted",
    ClaimEvent.Kind.REVOKED: "revoked",
}


# --- Reads --------------------------------------------------------------------------------------


def notification_get_for_user(user, notification_id: int) -> Notification:
    """The person's own notification, else 404: someone else's ids do not exist for them."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


class HeaderCounts(NamedTuple):
    inbox: int = 0
    notifications: int = 0


def _count(queryset) -> Subquery:
    # COUNT as a plain function, not an aggregate: no GROUP BY, one row, usable as a column.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=models.IntegerField())


def header_counts(user) -> HeaderCounts:
    """The header's unread counts, in one query: the inbox's (new invitations and threads
    with unseen activity, as collaboration.invites.unread_count) and the notifications'."""
    if not user.is_authenticated:
        return HeaderCounts()
    invites, threads, notes = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            invites=_count(Invite.objects.unread_for(user)),
            threads=_count(Conversation.objects.unread_for(user)),
            notes=_count(Notification.objects.filter(recipient=user).unread()),
        )
        .values_list("invites", "threads", "notes")
        .get()
    )
    return HeaderCounts(inbox=invites + threads, notifications=notes)


# --- Marking read -------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> None:
    if notification.recipient_id != user.pk:
        raise Http404("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        page_cache.forget_person([user.pk], "unread")  # the header's unread count


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the person read; return how many there were."""
    page_cache.forget_person([user.pk], "unread")
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())


def notifications_mark_read_for(*, user, group_key: str) -> None:
    """The person has seen what a group's notifications point at (an invite, a thread)."""
    Notification.objects.filter(recipient=user, group_key=group_key).unread().update(
        read_at=timezone.now()
    )
    page_cache.forget_person([user.pk], "unread")


@transaction.atomic
def message_email_set(*, user, enabled: bool) -> NotificationPreference:
    """Turn the email for new messages on or off."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.message_email = enabled
    preference.save(update_fields=["message_email", "updated_at"])
    return preference


# --- Writes: one per event ----------------------------------------------------------------------


@transaction.atomic
def _notify(*, recipient_id: int, kind: str, url: str, group_key: str = "", retry=True, **fields):
    """Write a notification, or fold it into the unread one of its group; return (row, new)."""
    page_cache.forget_person([recipient_id], "unread")
    if group_key:
        existing = (
            Notification.objects.select_for_update()
            .filter(recipient_id=recipient_id, group_key=group_key)
            .unread()
            .first()
        )
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.count += 1
            existing.created_at = timezone.now()
            existing.url = url
            existing.save()
            return existing, False
    try:
        with transaction.atomic():
            created = Notification.objects.create(
                recipient_id=recipient_id, kind=kind, url=url, group_key=group_key, **fields
            )
    except IntegrityError:
        if not retry:
            raise
        # A concurrent event of the same group wrote the unread row first: fold into it.
        return _notify(
            recipient_id=recipient_id,
            kind=kind,
            url=url,
            group_key=group_key,
            retry=False,
            **fields,
        )
    return created, True


def _actor(user) -> dict:
    """How the recipient sees the person who acted: their name and their best record."""
    # Read afresh (not through a prefetch left on the caller's user object), best first.
    record = user.owned_researchers.ranked().first()
    return {
        "actor_name": record.display_name if record else person_name(user),
        "actor_record": record,
    }


def notify_new_follower(*, user, researcher: Researcher) -> None:
    """Tell the record's owner someone follows it.

    The follower is named only by a record they own: following someone is not introducing
    yourself, so an account's own name stays with the account.
    """
    if researcher.owner_id is None or researcher.owner_id == user.pk:
        return
    actor = _actor(user)
    if actor["actor_record"] is None:
        actor["actor_name"] = ""
    url = (actor["actor_record"] or researcher).get_absolute_url()
    _notify(
        recipient_id=researcher.owner_id,
        kind=Kind.FOLLOWER,
        url=url,
        group_key=f"follow:{researcher.pk}:{user.pk}",
        researcher=researcher,
        **actor,
    )


def notify_invite(*, invite: Invite) -> None:
    _notify(
        recipient_id=invite.recipient_id,
        kind=Kind.INVITE,
        url=invite.get_absolute_url(),
        group_key=f"invite:{invite.pk}",
        researcher=invite.researcher,
        detail=invite.topic[:300],
        **_actor(invite.sender),
    )


def notify_message(*, message: Message, conversation: Conversation, recipient_id: int) -> None:
    """Tell the other party of a new message; the first one unread also comes by email."""
    invite = conversation.invite
    author = message.author
    # The recipient knows the sender by their best record; the owner by the invited record.
    if author.pk == invite.sender_id:
        actor = _actor(author)
    else:
        actor = {"actor_name": invite.researcher.display_name, "actor_record": invite.researcher}
    notification, new = _notify(
        recipient_id=recipient_id,
        kind=Kind.MESSAGE,
        url=conversation.get_absolute_url(),
        group_key=f"conversation:{conversation.pk}",
        researcher=invite.researcher,
        detail=invite.topic[:300],
        **actor,
    )
    # More messages before the recipient reads the thread fold into one line and one email.
    if new:
        mail.message_email_on_commit(notification)


def on_claim_decided(sender, *, claim: Claim, decision: str, automatic: bool, **kwargs) -> None:
    """Receiver of profiles.signals.claim_decided: tell the claimant."""
    outcome = CLAIM_OUTCOMES[decision]
    _notify(
        recipient_id=claim.user_id,
        kind=Kind.CLAIM,
        url=claim.get_absolute_url(),
        # Approved then verified at once is one notification, with the last word.
        group_key=f"claim:{claim.pk}",
        researcher_id=claim.researcher_id,
        detail=f"{outcome} automatically" if automatic else outcome,
    )


def on_correction_suggested(sender, *, suggestion, **kwargs) -> None:
    """Receiver of profiles.signals.correction_suggested: tell whoever decides it.

    That is the owner, or every moderator while the record is unclaimed. The suggester is not
    named, as the suggestions page does not name them.
    """
    researcher = suggestion.researcher
    if researcher.owner_id is not None:
        deciders = [researcher.owner_id]
    else:
        deciders = list(moderators().exclude(pk=suggestion.user_id).values_list("pk", flat=True))
    url = reverse("corrections:suggestions")
    page_cache.forget_person(deciders, "unread")
    Notification.objects.bulk_create(
        Notification(
            recipient_id=decider,
            kind=Kind.SUGGESTION,
            url=url,
            researcher=researcher,
            detail=suggestion.summary[:300],
        )
        for decider in deciders
    )
