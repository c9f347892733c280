"""Claims on records, disputes of them, and the public history of claims and corrections."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from works.models import Researcher


class Claim(models.Model):
    """A person's request to own a record, with the evidence they gave (TRUST.md)."""

    class Status(models.TextChoices):
        EMAIL_PENDING = "email_pending", "Email address not yet confirmed"
        AWAITING_MODERATOR = "awaiting_moderator", "Waiting for a moderator"
        APPROVED = "approved", "Approved"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REVOKED = "revoked", "Revoked"

    OPEN = (Status.EMAIL_PENDING, Status.AWAITING_MODERATOR)
    OWNING = (Status.APPROVED, Status.VERIFIED)
    # What the profile says for a record whose claim is in each state.
    PUBLIC_STATUS = {
        Status.EMAIL_PENDING: Researcher.ClaimStatus.PENDING.label,
        Status.AWAITING_MODERATOR: Researcher.ClaimStatus.PENDING.label,
        Status.APPROVED: Researcher.ClaimStatus.CLAIMED.label,
        Status.VERIFIED: Researcher.ClaimStatus.VERIFIED.label,
        Status.REJECTED: "Rejected",
        Status.WITHDRAWN: "Withdrawn",
        Status.REVOKED: "Revoked",
    }

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.EMAIL_PENDING)
    # Evidence. The address is private: only the claimant and moderators ever see it.
    email = models.EmailField("email address to confirm", max_length=254)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    url = models.URLField("public URL", max_length=500, blank=True)
    note = models.TextField(blank=True)
    # sha256 of the single-use link's token; NULL once used, so a leaked table grants nothing.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The institution on the record whose homepage domain the confirmed address is at; the
    # claim was approved automatically only if the account's name matched too.
    matched_institution = models.ForeignKey(
        "works.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why a moderator rejected or revoked it; shown to the claimant, not on the public page.
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one owning claim per record, whatever the code above it does.
            models.UniqueConstraint(
                fields=["researcher"],
                condition=models.Q(status__in=["approved", "verified"]),
                name="claim_one_owning_per_researcher",
            ),
            models.UniqueConstraint(
                fields=["user", "researcher"],
                condition=models.Q(status__in=["email_pending", "awaiting_moderator"]),
                name="claim_one_open_per_user_researcher",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "email_pending",
                        "awaiting_moderator",
                        "approved",
                        "verified",
                        "rejected",
                        "withdrawn",
                        "revoked",
                    ]
                ),
                name="claim_status_valid",
            ),
            # A confirmation token exists exactly while the address is unconfirmed.
            models.CheckConstraint(
                condition=models.Q(status="email_pending", token_hash__isnull=False)
                | (~models.Q(status="email_pending") & models.Q(token_hash__isnull=True)),
                name="claim_token_only_while_email_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="claim_queue_idx"),
        ]

    def __str__(self):
        return f"Claim {self.pk} on {self.researcher_id} ({self.status})"

    def get_absolute_url(self):
        return reverse("claims:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_owning(self) -> bool:
        return self.status in self.OWNING

    @property
    def public_status(self) -> str:
        return self.PUBLIC_STATUS[self.status]


class Dispute(models.Model):
    """Someone signed in says a claimed record is not its owner's. Only moderators act on it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="disputes")
    # The owning claim under dispute; NULL when the owner was set without a claim.
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="disputes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disputes"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "researcher"],
                condition=models.Q(status="open"),
                name="dispute_one_open_per_user_researcher",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "upheld", "dismissed"]),
                name="dispute_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="dispute_queue_idx")]

    def __str__(self):
        return f"Dispute {self.pk} on {self.researcher_id} ({self.status})"


class ClaimEvent(models.Model):
    """One row of a record's public claim history. People appear by role, never by address."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Claim submitted"
        CONFIRMED = "confirmed", "Email address confirmed"
        APPROVED = "approved", "Claim approved"
        VERIFIED = "verified", "Identity verified"
        REJECTED = "rejected", "Claim rejected"
        WITHDRAWN = "withdrawn", "Claim withdrawn"
        DISPUTED = "disputed", "Claim disputed"
        DISPUTE_DISMISSED = "dispute_dismissed", "Dispute dismissed"
        REVOKED = "revoked", "Claim revoked"
        # Corrections (profiles.corrections) share the same public history.
        WORK_REMOVED = "work_removed", "Work removed"
        WORK_RESTORED = "work_restored", "Work restored"
        WORK_ADDED = "work_added", "Work added"
        MERGED = "merged", "Duplicate record merged in"
        OPENALEX_ID_MERGED = "openalex_id_merged", "OpenAlex id merged"
        SUGGESTION_ACCEPTED = "suggestion_accepted", "Suggested correction accepted"
        SUGGESTION_REJECTED = "suggestion_rejected", "Suggested correction rejected"

    class Role(models.TextChoices):
        CLAIMANT = "claimant", "the claimant"
        OWNER = "owner", "the owner"
        MODERATOR = "moderator", "a moderator"
        MEMBER = "member", "a signed-in member"
        SYSTEM = "system", "BZPEER"

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="claim_events"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor_role = models.CharField(max_length=10, choices=Role.choices)
    # Who acted, for moderators' audit; never rendered on the public page.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Public wording only, e.g. "the address belongs to Example University".
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["researcher", "-created_at"], name="claimevent_history_idx"),
        ]

    def __str__(self):
        return self.sentence

    @property
    def sentence(self) -> str:
        """The history line: "Claim approved by a moderator (reason)."."""
        text = f"{self.get_kind_display()} by {self.get_actor_role_display()}"
        if self.actor_role == self.Role.SYSTEM:
            text = f"{self.get_kind_display()} automatically"
        return f"{text}: {self.detail}." if self.detail else f"{text}."
