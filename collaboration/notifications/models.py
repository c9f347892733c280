"""A notification for one person, and their email preference (collaboration.notifications)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def for_list(self, user):
        """A person's notifications, newest first, with what each names: one query."""
        return (
            self.filter(recipient=user)
            .select_related("researcher", "actor_record")
            .order_by("-created_at", "-id")
        )

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something that happened for the recipient, said once and marked read by them.

    What it names is kept as it was when it happened (``actor_name``, ``detail``): a later
    change of name does not rewrite a past notification. Repeats of one unread event (more
    messages in the same conversation) fold into it through ``group_key``, counted.
    """

    class Kind(models.TextChoices):
        FOLLOWER = "follower", "New follower"
        INVITE = "invite", "Invitation"
        MESSAGE = "message", "New message"
        CLAIM = "claim", "Claim decision"
        SUGGESTION = "suggestion", "Suggested correction"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The record it is about (followed, invited, claimed, corrected).
    researcher = models.ForeignKey(
        "works.Researcher", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Who did it, as the recipient may see them: a name and, if they own one, their record.
    actor_name = models.CharField(max_length=500, blank=True)
    actor_record = models.ForeignKey(
        "works.Researcher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The invite's topic, the claim's outcome, the suggestion's summary.
    detail = models.CharField(max_length=300, blank=True)
    # Where it leads: a path on this site.
    url = models.CharField(max_length=300)
    group_key = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["follower", "invite", "message", "claim", "suggestion"]
                ),
                name="notification_kind_valid",
            ),
            # One unread notification per event group: a repeat updates it instead.
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(group_key=""),
                name="notification_one_unread_per_group",
            ),
            # A path on this site, never another site ("//host").
            models.CheckConstraint(
                condition=models.Q(url__startswith="/") & ~models.Q(url__startswith="//"),
                name="notification_url_local",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
            # The header's count reads only this person's unread rows.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return f"Notification {self.pk} for {self.recipient_id} ({self.kind})"

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """What a person wants by email besides the site; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    message_email = models.BooleanField("Email me when someone writes to me", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Notification preference of {self.user_id}"
