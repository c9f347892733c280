"""Corrections someone signed in suggests; the owner (or a moderator) decides."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from works.models import Researcher


class CorrectionSuggestion(models.Model):
    """Someone signed in suggests a correction of a record.

    It goes to the record's owner, or to the moderators while the record is unclaimed; who
    decides is worked out when they decide, so a record claimed in between goes to its owner.
    """

    class Kind(models.TextChoices):
        REMOVE_WORK = "remove_work", "This work is not theirs"
        ADD_WORK = "add_work", "This work of theirs is missing"
        OTHER = "other", "Something else (a duplicate record, a wrong name...)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    work = models.ForeignKey(
        "works.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["remove_work", "add_work", "other"]),
                name="suggestion_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "rejected"]),
                name="suggestion_status_valid",
            ),
            # Work suggestions name their work; "other" says it in the message.
            models.CheckConstraint(
                condition=models.Q(kind="other", work__isnull=True)
                | (models.Q(kind__in=["remove_work", "add_work"]) & models.Q(work__isnull=False)),
                name="suggestion_work_matches_kind",
            ),
            # One pending suggestion per person, record and work (or per record for "other").
            models.UniqueConstraint(
                fields=["user", "researcher", "kind", "work"],
                condition=models.Q(status="pending", work__isnull=False),
                name="suggestion_one_pending_per_work",
            ),
            models.UniqueConstraint(
                fields=["user", "researcher"],
                condition=models.Q(status="pending", kind="other"),
                name="suggestion_one_pending_other",
            ),
        ]
        indexes = [
            models.Index(fields=["researcher", "status"], name="suggestion_inbox_idx"),
            models.Index(fields=["status", "created_at"], name="suggestion_queue_idx"),
        ]

    def __str__(self):
        return f"Suggestion {self.pk} on {self.researcher_id} ({self.status})"

    @property
    def summary(self) -> str:
        """Public wording: the kind and the work, never the suggester's message."""
        if self.work_id:
            return f"{self.get_kind_display().lower()} ({self.work})"[:300]
        return self.get_kind_display().split(" (")[0].lower()
