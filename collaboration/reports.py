"""Reports: one of the two people of an invite or conversation asks the moderators to look.

Conversations are private: nobody else, staff included, can open one (invites.py's accessors).
A report is the one way a moderator gets to see a conversation, and only the reported one, while
the report is open. A moderator resolves it by dismissing it or by blocking the reported person
for the reporter (invites.block_create), which also closes the conversation on the reporter's
side (invites.conversation_archive) and stops further messages from that person.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from bzpeer.errors import DomainError
from bzpeer.permissions import require_moderator
from bzpeer.safety import strip_bidi
from profiles.models import User

from . import invites
from .models import Conversation, Invite, Message, Report

REASON_MAX = 1000


# --- Reads ----------------------------------------------------------------------------------


def message_get_for_user(user, message_id: int) -> Message:
    """A message in a conversation the user takes part in, else 404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return (
            Message.objects.select_related("conversation__invite")
            .filter(conversation__in=Conversation.objects.involving(user))
            .get(pk=message_id)
        )
    except Message.DoesNotExist:
        raise Http404("No such message.") from None


def report_get_for_moderator(user, report_id: int) -> Report:
    require_moderator(user)
    try:
        return Report.objects.for_queue().get(pk=report_id)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None


def reported_thread(report: Report, limit: int) -> list[Message]:
    """The newest messages of the reported conversation, oldest first; none once resolved."""
    conversation = getattr(report.invite, "conversation", None)
    if not report.is_open or conversation is None:
        return []
    newest = conversation.messages.order_by("-created_at", "-id")[:limit]
    return list(reversed(newest))


def reportable_by(user, *, invite: Invite, message: Message | None = None) -> bool:
    """Whether the user may report this: it was written by the other of its two people."""
    author = message.author_id if message is not None else invite.sender_id
    parties = {invite.sender_id, invite.recipient_id}
    return user.pk in parties and author in parties and author != user.pk


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def report_submit(
    *, reporter: User, reason: str, invite: Invite | None = None, message: Message | None = None
) -> Report:
    """Report an invite received, or a message the other person wrote, to the moderators."""
    if (invite is None) == (message is None):
        raise TypeError("report_submit takes an invite or a message, not both")
    if message is not None:
        invite = Invite.objects.get(conversation__pk=message.conversation_id)
    reason = _clean_reason(reason)
    if reporter.pk not in (invite.sender_id, invite.recipient_id):
        raise PermissionDenied("Only the two people of a conversation can report it.")
    if not reportable_by(reporter, invite=invite, message=message):
        what = "message" if message is not None else "invitation"
        raise DomainError(f"You cannot report your own {what}.", status=409)
    already = Report.objects.open().filter(reporter=reporter, invite=invite, message=message)
    if already.exists():
        raise DomainError(
            "You have already reported this; a moderator will look at it.", status=409
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, invite=invite, message=message, reason=reason
            )
    except IntegrityError:
        # A concurrent double submit: the partial unique constraint kept one.
        raise DomainError(
            "You have already reported this; a moderator will look at it.", status=409
        ) from None


@transaction.atomic
def report_dismiss(*, report: Report, moderator: User) -> Report:
    """A moderator finds nothing to act on; the conversation stays as it was."""
    report = _lock_open(report, moderator)
    return _resolve([report.pk], Report.Status.DISMISSED, moderator, report)


@transaction.atomic
def report_block_sender(*, report: Report, moderator: User) -> Report:
    """Block the reported person for the reporter and close the conversation on their side.

    The block declines the person's pending invitations to the reporter and refuses their
    further invitations and messages; the reporter's other open reports on the same
    conversation are resolved with it.
    """
    report = _lock_open(report, moderator)
    reporter = User.objects.get(pk=report.reporter_id)
    offender = User.objects.get(pk=report.offender_id)
    invites.block_create(blocker=reporter, blocked=offender)
    conversation = Conversation.objects.filter(invite_id=report.invite_id).first()
    if conversation is not None:
        conversation.invite = report.invite
        invites.conversation_archive(conversation=conversation, user=reporter, archived=True)
    same_thread = Report.objects.open().filter(reporter=reporter, invite_id=report.invite_id)
    return _resolve(
        list(same_thread.values_list("pk", flat=True)), Report.Status.BLOCKED, moderator, report
    )


# --- Helpers --------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = strip_bidi(reason or "").strip()
    if not reason:
        raise DomainError("Say what is wrong; the moderators read the reason first.")
    if len(reason) > REASON_MAX:
        raise DomainError(
            f"Keep the reason to {REASON_MAX} characters at most (it has {len(reason)})."
        )
    return reason


def _lock_open(report: Report, moderator: User) -> Report:
    require_moderator(moderator)
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("invite", "message")
        .get(pk=report.pk)
    )
    if not locked.is_open:
        raise DomainError(
            f"This report is already resolved ({locked.get_status_display().lower()})."
        )
    return locked


def _resolve(report_ids: list[int], status: str, moderator: User, report: Report) -> Report:
    now = timezone.now()
    Report.objects.filter(pk__in=report_ids, status=Report.Status.OPEN).update(
        status=status, resolved_by=moderator, resolved_at=now
    )
    report.status, report.resolved_by, report.resolved_at = status, moderator, now
    return report
