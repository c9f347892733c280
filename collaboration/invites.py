"""Collaboration invites, blocks and conversations: the rules of issue 4 as service functions.

A sender's invites are serialised by locking the sender's user row, so the daily cap is counted
and the pending check made by one request at a time; the partial unique constraint on Invite
(one pending invite per sender and recipient) stays as the last line of defence. Every rule is
checked before anything is written, so a refused invite leaves nothing behind.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bzpeer import page_cache
from bzpeer.errors import DomainError
from bzpeer.mail import mail_on_commit
from bzpeer.safety import strip_bidi
from profiles.models import User
from works.models import Researcher, Topic, Work

from .models import Block, Conversation, Invite, Message, best_record, person_name
from .notifications import services as notifications

TOPIC_MAX = 200
# The recipient's topics and works offered in the invite form (a bounded list, never all).
TOPIC_CHOICES = 50
WORK_CHOICES = 50
CAP_WINDOW = timedelta(hours=24)


# --- Reads: permission-checked accessors that views start with ---------------------------


def invite_get_for_user(user, invite_id: int) -> Invite:
    """An invite the user sent or received, else 404: others' ids do not exist for them.

    Staff are no exception: a moderator sees a conversation only through a report on it
    (reports.py), never by opening someone else's invite.
    """
    return _get_involving(user, Invite.objects.for_list(), invite_id, "No such invitation.")


def conversation_get_for_user(user, conversation_id: int) -> Conversation:
    """A conversation the user is one of the two people of, else 404 (staff too)."""
    conversations = Conversation.objects.for_list()
    return _get_involving(user, conversations, conversation_id, "No such conversation.")


def _get_involving(user, rows, pk: int, missing: str):
    if not user.is_authenticated:
        raise Http404
    try:
        return rows.involving(user).get(pk=pk)
    except rows.model.DoesNotExist:
        raise Http404(missing) from None


def recipient_topics(researcher: Researcher) -> list[Topic]:
    """The record's most frequent topics, for the invite form's choices."""
    return list(
        Topic.objects.filter(work_topics__work__authorships__researcher=researcher)
        # Distinct: a byline may name the person twice.
        .annotate(uses=Count("work_topics", distinct=True))
        .order_by("-uses", "display_name", "id")[:TOPIC_CHOICES]
    )


def recipient_works(researcher: Researcher) -> list[Work]:
    return list(Work.objects.for_researcher(researcher)[:WORK_CHOICES])


def has_confirmed_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def unread_count(user) -> int:
    """New invitations plus threads with unseen activity, in one query (the page header)."""
    if not user.is_authenticated:
        return 0
    invites = Invite.objects.unread_for(user).order_by().values("pk")
    threads = Conversation.objects.unread_for(user).order_by().values("pk")
    return invites.union(threads, all=True).count()


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def invite_send(
    *,
    sender: User,
    researcher: Researcher,
    topic: Topic | str,
    message: str,
    work: Work | None = None,
) -> Invite:
    """Send an invite to the owner of a claimed record open to collaboration; mail them."""
    if not sender.is_authenticated:
        raise PermissionDenied
    message = _clean_text(message, what="message")
    topic_text, topic_ref = _clean_topic(topic, researcher)
    if not has_confirmed_email(sender):
        raise DomainError("Confirm your email address before sending invitations.", status=403)

    # One request at a time per sender: the cap and the pending check below cannot race.
    # NO KEY UPDATE still lets rows that merely refer to the user (follows, claims) be written.
    User.objects.select_for_update(no_key=True).filter(pk=sender.pk).first()
    researcher = Researcher.objects.select_related("owner").get(pk=researcher.pk)
    recipient = researcher.owner
    if recipient is None:
        raise DomainError(
            "This author record is not claimed yet: "
            "invitations open once its researcher claims it.",
            status=409,
        )
    if recipient.pk == sender.pk:
        raise DomainError("This is your own record; you cannot invite yourself.", status=409)
    if not researcher.open_to_collaborate:
        raise DomainError(
            "This researcher is not taking collaboration invitations right now.", status=409
        )
    if Block.objects.filter(blocker=recipient, blocked=sender).exists():
        raise DomainError("This researcher does not accept invitations from you.", status=403)
    pending = Invite.objects.filter(
        sender=sender, recipient=recipient, status=Invite.Status.PENDING
    )
    if pending.exists():
        raise DomainError("You already have a pending invitation to this researcher.", status=409)
    cap = settings.BZPEER["INVITE_DAILY_CAP"]
    sent_today = Invite.objects.filter(
        sender=sender, created_at__gte=timezone.now() - CAP_WINDOW
    ).count()
    if sent_today >= cap:
        raise DomainError(
            f"You have sent {cap} invitations in the last 24 hours, the most allowed. "
            f"Try again tomorrow.",
            status=429,
        )
    if work is not None and not work.authorships.filter(researcher=researcher).exists():
        raise DomainError("Choose one of this researcher's own works, or none.", status=409)

    try:
        with transaction.atomic():
            invite = Invite.objects.create(
                sender=sender,
                recipient=recipient,
                researcher=researcher,
                topic=topic_text,
                topic_ref=topic_ref,
                message=message,
                work=work,
            )
    except IntegrityError:
        # The partial unique constraint: a pending invite to this person already exists.
        raise DomainError(
            "You already have a pending invitation to this researcher.", status=409
        ) from None
    # The inbox's unread count; notify_invite() forgets it too (the header counts both).
    page_cache.forget_person([recipient.pk], "unread")  # pragma: no mutate
    notifications.notify_invite(invite=invite)
    _mail_recipient_on_commit(invite)
    return invite


@transaction.atomic
def invite_mark_read(*, invite: Invite, user: User) -> None:
    """The recipient has seen the invite: it stops counting as unread."""
    if user.pk == invite.recipient_id and invite.read_at is None:
        invite.read_at = timezone.now()
        Invite.objects.filter(pk=invite.pk, read_at__isnull=True).update(read_at=invite.read_at)
        # notifications_mark_read_for() forgets it too: the header counts both.
        page_cache.forget_person([user.pk], "unread")  # pragma: no mutate
        notifications.notifications_mark_read_for(user=user, group_key=f"invite:{invite.pk}")


@transaction.atomic
def invite_accept(*, invite: Invite, user: User) -> Conversation:
    """The recipient accepts: the invite opens a conversation between the two."""
    invite = _lock_pending_for_recipient(invite, user)
    now = timezone.now()
    invite.status = Invite.Status.ACCEPTED
    invite.decided_at = now
    invite.read_at = invite.read_at or now
    invite.save(update_fields=["status", "decided_at", "read_at"])
    page_cache.forget_person([invite.sender_id, invite.recipient_id], "unread")
    # New for the sender, already seen by the recipient who just opened it.
    return Conversation.objects.create(invite=invite, last_activity_at=now, recipient_read_at=now)


@transaction.atomic
def invite_decline(*, invite: Invite, user: User) -> Invite:
    invite = _lock_pending_for_recipient(invite, user)
    now = timezone.now()
    invite.status = Invite.Status.DECLINED
    invite.decided_at = now
    invite.read_at = invite.read_at or now
    invite.save(update_fields=["status", "decided_at", "read_at"])
    page_cache.forget_person([invite.recipient_id], "unread")
    return invite


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """Refuse further invitations from a person; their pending ones are declined."""
    if blocker.pk == blocked.pk:
        raise DomainError("You cannot block yourself.")
    try:
        with transaction.atomic():
            block = Block.objects.create(blocker=blocker, blocked=blocked)
    except IntegrityError:
        block = Block.objects.get(blocker=blocker, blocked=blocked)
    Invite.objects.filter(sender=blocked, recipient=blocker, status=Invite.Status.PENDING).update(
        status=Invite.Status.DECLINED, decided_at=timezone.now()
    )
    page_cache.forget_person([blocker.pk], "unread")
    return block


@transaction.atomic
def block_delete(*, blocker: User, blocked: User) -> bool:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


@transaction.atomic
def conversation_message_send(*, conversation: Conversation, author: User, body: str) -> Message:
    """Add a message; the other side sees the thread as unread, and back in its inbox."""
    body = _clean_text(body, what="message")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    invite = Invite.objects.get(pk=conversation.invite_id)
    conversation.invite = invite
    side = conversation.side(author)
    if side is None:
        raise PermissionDenied("Only the two people in a conversation can write in it.")
    other = invite.recipient_id if side == "sender" else invite.sender_id
    if Block.objects.filter(blocker_id=other, blocked=author).exists():
        raise DomainError("This researcher does not accept messages from you.")
    message = Message.objects.create(conversation=conversation, author=author, body=body)
    conversation.last_activity_at = message.created_at
    setattr(conversation, f"{side}_read_at", message.created_at)
    other_side = "recipient" if side == "sender" else "sender"
    setattr(conversation, f"archived_by_{other_side}", False)
    conversation.save()
    page_cache.forget_person([invite.sender_id, invite.recipient_id], "unread")
    notifications.notify_message(message=message, conversation=conversation, recipient_id=other)
    return message


@transaction.atomic
def conversation_mark_read(*, conversation: Conversation, user: User) -> None:
    side = conversation.side(user)
    if side is None:
        return
    field = f"{side}_read_at"
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(**{field: now})
    setattr(conversation, field, now)
    # notifications_mark_read_for() forgets it too: the header counts both.
    page_cache.forget_person([user.pk], "unread")  # pragma: no mutate
    notifications.notifications_mark_read_for(
        user=user, group_key=f"conversation:{conversation.pk}"
    )


@transaction.atomic
def conversation_archive(*, conversation: Conversation, user: User, archived: bool) -> None:
    """Archive or restore the thread on the user's side only; the other side is untouched."""
    side = conversation.side(user)
    if side is None:
        raise PermissionDenied("Only the two people in a conversation can archive it.")
    field = f"archived_by_{side}"
    Conversation.objects.filter(pk=conversation.pk).update(**{field: archived})
    setattr(conversation, field, archived)
    page_cache.forget_person([user.pk], "unread")


# --- Helpers --------------------------------------------------------------------------------


def _clean_text(text: str, *, what: str) -> str:
    text = (text or "").strip()
    limit = settings.BZPEER["INVITE_MESSAGE_MAX"]
    if not text:
        raise DomainError(f"Write a {what}.")
    if len(text) > limit:
        raise DomainError(f"Keep the {what} under {limit} characters (it has {len(text)}).")
    return text


def _clean_topic(topic: Topic | str, researcher: Researcher) -> tuple[str, Topic | None]:
    if isinstance(topic, Topic):
        on_record = Topic.objects.filter(
            pk=topic.pk, work_topics__work__authorships__researcher=researcher
        ).exists()
        if not on_record:
            raise DomainError(
                "Choose one of this researcher's topics, or write your own.", status=409
            )
        return topic.display_name[:TOPIC_MAX], topic
    text = " ".join(strip_bidi(topic or "").split())
    if not text:
        raise DomainError("Give a topic: one of this researcher's topics, or your own words.")
    if len(text) > TOPIC_MAX:
        raise DomainError(f"Keep the topic under {TOPIC_MAX} characters.")
    return text, None


def _lock_pending_for_recipient(invite: Invite, user: User) -> Invite:
    locked = Invite.objects.select_for_update().get(pk=invite.pk)
    if locked.recipient_id != user.pk:
        raise PermissionDenied("Only the person invited can answer an invitation.")
    if locked.status != Invite.Status.PENDING:
        raise DomainError(
            f"This invitation is already {locked.get_status_display().lower()}.", status=409
        )
    return locked


def _mail_recipient_on_commit(invite: Invite) -> None:
    sender_record = best_record(invite.sender)
    context = {
        "invite": invite,
        "sender_name": person_name(invite.sender),
        # Who sent it, to judge it by: the sender's best record, if they own one.
        "sender_record_url": (
            f"{settings.SITE_URL}{sender_record.get_absolute_url()}" if sender_record else ""
        ),
        "invite_url": f"{settings.SITE_URL}{invite.get_absolute_url()}",
        "inbox_url": f"{settings.SITE_URL}{reverse('collaboration:inbox')}",
    }
    # A name is imported data: a line break in it must not break the mail header.
    subject = " ".join(f"{context['sender_name']} invites you to collaborate (BZPEER)".split())
    body = render_to_string("collaboration/email/invite.txt", context)
    # The invite is saved and shows in the inbox; a mail server that is down must not undo that.
    mail_on_commit(subject, body, invite.recipient.email)
