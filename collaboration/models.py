from django.conf import settings
from django.db import models
from django.urls import reverse

from works.models import Researcher
from works.models.researchers import rank_key


class FollowQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).select_related("researcher").order_by("-created_at", "-id")


class Follow(models.Model):
    """A person following a researcher record, claimed or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    researcher = models.ForeignKey(
        "works.Researcher", on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "researcher"], name="follow_unique_pair"),
        ]
        indexes = [models.Index(fields=["researcher"], name="follow_researcher_idx")]

    def __str__(self):
        return f"{self.user_id} follows {self.researcher_id}"


def best_record(user):
    """The person's most trusted own record, or None (reads the prefetched owned_researchers)."""
    return min(user.owned_researchers.all(), key=rank_key, default=None)


def person_name(user) -> str:
    """How a person is named to the other party: their best record, their name, never the address.

    Reads `user.owned_researchers`, which the list querysets below prefetch.
    """
    record = best_record(user)
    if record is not None:
        return record.display_name
    return user.get_full_name() or "A BZPEER member"


def _owned_records_prefetch(path: str) -> models.Prefetch:
    return models.Prefetch(path, queryset=Researcher.objects.ranked())


class DigestPreference(models.Model):
    """Whether a person wants the weekly digest, and up to when it was last sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="digest_preference",
    )
    weekly_digest = models.BooleanField(default=False)
    # The end of the last period mailed: a retried or repeated run for that week sends nothing.
    sent_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Digest for {self.user_id}: {'on' if self.weekly_digest else 'off'}"


class Block(models.Model):
    """A recipient refusing all further invitations from one sender."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"


class InviteQuerySet(models.QuerySet):
    def involving(self, user):
        return self.filter(models.Q(sender=user) | models.Q(recipient=user))

    def for_list(self):
        """Everything an invite card shows, the sender's own records included: two queries."""
        return self.select_related(
            "researcher", "work", "sender", "recipient", "conversation"
        ).prefetch_related(_owned_records_prefetch("sender__owned_researchers"))

    def unread_for(self, user):
        return self.filter(recipient=user, status=Invite.Status.PENDING, read_at__isnull=True)


class Invite(models.Model):
    """A signed-in person asking the owner of a claimed record to talk about a topic."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites_sent"
    )
    # The record's owner when the invite was sent: the inbox and the rules are per person.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites_received"
    )
    researcher = models.ForeignKey(
        "works.Researcher", on_delete=models.CASCADE, related_name="invites"
    )
    # Always filled; `topic_ref` is set too when it is one of the record's own topics.
    topic = models.CharField(max_length=200)
    topic_ref = models.ForeignKey(
        "works.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    work = models.ForeignKey(
        "works.Work", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=models.Q(status="pending"),
                name="invite_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")), name="invite_not_to_self"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "declined"]),
                name="invite_status_valid",
            ),
        ]
        indexes = [
            # The daily cap counts a sender's recent invites.
            models.Index(fields=["sender", "created_at"], name="invite_sender_recent_idx"),
            models.Index(fields=["recipient", "status"], name="invite_recipient_status_idx"),
        ]

    def __str__(self):
        return f"Invite {self.pk} from {self.sender_id} to {self.recipient_id} ({self.status})"

    def get_absolute_url(self):
        return reverse("collaboration:invite", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def sender_records(self) -> list:
        """The sender's own claimed records, best trusted first (prefetched by for_list)."""
        return list(self.sender.owned_researchers.all())

    @property
    def sender_name(self) -> str:
        return person_name(self.sender)


class ConversationQuerySet(models.QuerySet):
    def involving(self, user):
        return self.filter(models.Q(invite__sender=user) | models.Q(invite__recipient=user))

    def for_list(self):
        return self.select_related(
            "invite", "invite__sender", "invite__recipient", "invite__researcher", "invite__work"
        ).prefetch_related(_owned_records_prefetch("invite__sender__owned_researchers"))

    def active_for(self, user):
        return self.filter(
            models.Q(invite__sender=user, archived_by_sender=False)
            | models.Q(invite__recipient=user, archived_by_recipient=False)
        )

    def archived_for(self, user):
        return self.filter(
            models.Q(invite__sender=user, archived_by_sender=True)
            | models.Q(invite__recipient=user, archived_by_recipient=True)
        )

    def unread_for(self, user):
        """Threads with activity the user has not seen; an archived thread does not count."""

        def unread(read_at):
            return models.Q(**{f"{read_at}__isnull": True}) | models.Q(
                last_activity_at__gt=models.F(read_at)
            )

        return self.filter(
            (models.Q(invite__sender=user, archived_by_sender=False) & unread("sender_read_at"))
            | (
                models.Q(invite__recipient=user, archived_by_recipient=False)
                & unread("recipient_read_at")
            )
        )


class Conversation(models.Model):
    """The thread an accepted invite opens. Each side reads and archives it on its own."""

    invite = models.OneToOneField(Invite, on_delete=models.CASCADE, related_name="conversation")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField()
    sender_read_at = models.DateTimeField(null=True, blank=True)
    recipient_read_at = models.DateTimeField(null=True, blank=True)
    archived_by_sender = models.BooleanField(default=False)
    archived_by_recipient = models.BooleanField(default=False)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]

    def __str__(self):
        return f"Conversation {self.pk} (invite {self.invite_id})"

    def get_absolute_url(self):
        return reverse("collaboration:conversation", args=[self.pk])

    def side(self, user) -> str | None:
        """ "sender" or "recipient" for the two parties, None for anyone else."""
        if user.pk == self.invite.sender_id:
            return "sender"
        if user.pk == self.invite.recipient_id:
            return "recipient"
        return None

    def name_of(self, user_id: int) -> str:
        """A party's name: the sender by their best record, the recipient by the invited record."""
        if user_id == self.invite.sender_id:
            return self.invite.sender_name
        return self.invite.researcher.display_name

    def other_party_name(self, user) -> str:
        other = (
            self.invite.recipient_id if user.pk == self.invite.sender_id else self.invite.sender_id
        )
        return self.name_of(other)

    def is_unread_for(self, user) -> bool:
        side = self.side(user)
        if side is None or getattr(self, f"archived_by_{side}"):
            return False
        read_at = getattr(self, f"{side}_read_at")
        return read_at is None or self.last_activity_at > read_at

    def is_archived_for(self, user) -> bool:
        side = self.side(user)
        return bool(side) and getattr(self, f"archived_by_{side}")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread_idx"),
        ]

    def __str__(self):
        return f"Message {self.pk} in {self.conversation_id}"


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Report.Status.OPEN)

    def for_queue(self):
        """Everything a queue row shows: the reporter, the item and its two people."""
        return self.select_related(
            "reporter",
            "invite",
            "invite__sender",
            "invite__recipient",
            "invite__researcher",
            "invite__conversation",
            "message",
        ).prefetch_related(_owned_records_prefetch("invite__sender__owned_researchers"))


class Report(models.Model):
    """One of the two people of an invite or conversation asks the moderators to look at it.

    Moderators never read conversations on their own: a report is what lets them see the
    reported item and its thread, and only while the report is open.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        BLOCKED = "blocked", "Sender blocked"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    # The invite reported, or the invite whose conversation holds the reported message.
    invite = models.ForeignKey(Invite, on_delete=models.CASCADE, related_name="reports")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One open report per person and item: an invite, or one message.
            models.UniqueConstraint(
                fields=["reporter", "invite"],
                condition=models.Q(status="open", message__isnull=True),
                name="report_one_open_per_invite",
            ),
            models.UniqueConstraint(
                fields=["reporter", "message"],
                condition=models.Q(status="open", message__isnull=False),
                name="report_one_open_per_message",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="report_reason_given"),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "dismissed", "blocked"]),
                name="report_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue_idx")]

    def __str__(self):
        return f"Report {self.pk} on invite {self.invite_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def offender_id(self) -> int:
        """Who wrote the reported item: the message's author, or the invite's sender."""
        return self.message.author_id if self.message_id else self.invite.sender_id


# Notifications keep their models in their own package; importing them here registers them.
from .notifications.models import Notification, NotificationPreference  # noqa: E402, F401
