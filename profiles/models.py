from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from . import trust


class User(AbstractUser):
    """An account. The email address is the login; the username is kept only for Django."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_unique_email"
            ),
        ]


class ResearcherQuerySet(models.QuerySet):
    def for_profile_page(self):
        """Everything the profile header needs, in one query plus one for institutions."""
        return self.prefetch_related("last_known_institutions")

    def search(self, query: str):
        """Filter by name; a plain case-insensitive match, ranked by trust and works."""
        query = " ".join(query.split())
        if not query:
            return self
        return self.filter(
            models.Q(display_name__icontains=query) | models.Q(openalex_id__iexact=query)
        )


class Researcher(models.Model):
    """A public author record, built from open data and possibly claimed by its person."""

    class VerificationLevel(models.IntegerChoices):
        L0 = 0, "L0 Unverified"
        L1 = 1, "L1 Public record"
        L2 = 2, "L2 Claimed"
        L3 = 3, "L3 Verified"

    class ClaimStatus(models.TextChoices):
        UNCLAIMED = "unclaimed", "Unclaimed author"
        PENDING = "pending", "Claim pending"
        CLAIMED = "claimed", "Claimed"
        VERIFIED = "verified", "Verified"

    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, db_index=True)
    display_name = models.CharField(max_length=500)
    display_name_alternatives = models.JSONField(default=list, blank=True)
    # Written by the owner only; imported records have none and the page shows a plain default.
    headline = models.CharField(max_length=300, blank=True)
    last_known_institutions = models.ManyToManyField(
        "works.Institution", related_name="current_researchers", blank=True
    )
    open_to_collaborate = models.BooleanField(default=True)

    # One owner per record: the column itself is the rule.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_researchers",
    )
    verification_level = models.PositiveSmallIntegerField(
        choices=VerificationLevel.choices, default=VerificationLevel.L0
    )
    claim_status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.UNCLAIMED
    )

    # Stored counters (definitions in TRUST.md), refreshed by profiles.services.
    works_count = models.PositiveIntegerField(default=0)
    followers_count = models.PositiveIntegerField(default=0)
    topics_count = models.PositiveIntegerField(default=0)
    close_collaborators_count = models.PositiveIntegerField(default=0)
    cited_by_count = models.PositiveBigIntegerField(default=0)

    trust_score = models.PositiveSmallIntegerField(default=0)
    trust_rubric_version = models.PositiveSmallIntegerField(default=trust.RUBRIC_VERSION)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResearcherQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trust_score__lte=100), name="researcher_trust_score_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(verification_level__lte=3),
                name="researcher_verification_level_valid",
            ),
            # Claimed and verified records have an owner; unclaimed ones have none.
            models.CheckConstraint(
                condition=models.Q(claim_status__in=["claimed", "verified"], owner__isnull=False)
                | models.Q(claim_status__in=["unclaimed", "pending"], owner__isnull=True),
                name="researcher_owner_matches_claim_status",
            ),
        ]
        indexes = [
            models.Index(fields=["-trust_score", "-works_count"], name="researcher_rank_idx"),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("profiles:detail", args=[self.pk])

    @property
    def default_headline(self):
        return (
            f"{self.display_name} contributes to research discovery and scholarly infrastructure."
        )

    @property
    def orcid_url(self):
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    @property
    def openalex_url(self):
        return f"https://openalex.org/{self.openalex_id}" if self.openalex_id else ""

    def trust_inputs(self, *, has_affiliation: bool) -> trust.TrustInputs:
        return trust.TrustInputs(
            verification_level=self.verification_level,
            works=self.works_count,
            close_collaborators=self.close_collaborators_count,
            followers=self.followers_count,
            has_affiliation=has_affiliation,
            has_orcid=bool(self.orcid),
            has_owner_headline=bool(self.headline) and self.owner_id is not None,
        )

    def trust_breakdown(self) -> trust.TrustBreakdown:
        """Explain the stored score; uses the prefetched institutions."""
        has_affiliation = bool(self.last_known_institutions.all())
        return trust.score(self.trust_inputs(has_affiliation=has_affiliation))
