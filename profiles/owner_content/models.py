"""Owner-written content of a record: a short bio, keywords, links and pinned works.

It is people-layer data, kept in profiles beside the public record (works.Researcher), one row
per record, so that the record's own table stays what open data says. The page shows it as the
owner's words, and only while the record has an owner; ownership ending deletes it
(profiles.claims.services), so one owner's words never pass to the next.
"""

from django.conf import settings
from django.db import models

BIO_MAX = 1500
KEYWORDS_MAX = 10
KEYWORD_MAX_LENGTH = 50
LINKS_MAX = 5
LINK_LABEL_MAX = 60
LINK_URL_MAX = 500
PINS_MAX = 5


class OwnerContent(models.Model):
    """The owner's words about a record; its primary key is the record's, so one per record."""

    researcher = models.OneToOneField(
        "works.Researcher",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="owner_content",
    )
    # A plain varchar: PostgreSQL holds the length limit too.
    bio = models.CharField(max_length=BIO_MAX, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Owner content of {self.researcher_id}"

    @property
    def is_empty(self) -> bool:
        """Nothing to show: no bio, no keywords and (prefetched) no links."""
        return not (self.bio or self.keywords or self.links.all())


class OwnerLink(models.Model):
    """A link the owner gives (homepage, lab, social), with its label, in the owner's order."""

    content = models.ForeignKey(OwnerContent, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=LINK_LABEL_MAX)
    # Not a URLField: the rule is bzpeer.safety.safe_url's (http or https only), checked below.
    url = models.CharField(max_length=LINK_URL_MAX)

    class Meta:
        ordering = ["content", "position"]
        constraints = [
            # Positions 1..LINKS_MAX, each once: at most LINKS_MAX links per record.
            models.UniqueConstraint(fields=["content", "position"], name="ownerlink_one_per_slot"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=LINKS_MAX),
                name="ownerlink_position_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(url__startswith="http://")
                | models.Q(url__startswith="https://"),
                name="ownerlink_http_or_https",
            ),
            models.CheckConstraint(condition=~models.Q(label=""), name="ownerlink_has_label"),
        ]

    def __str__(self):
        return f"{self.label}: {self.url}"


class PinnedWork(models.Model):
    """A work the owner shows first, chosen from the record's own works."""

    content = models.ForeignKey(OwnerContent, on_delete=models.CASCADE, related_name="pins")
    work = models.ForeignKey("works.Work", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["content", "position"]
        constraints = [
            models.UniqueConstraint(fields=["content", "work"], name="pinnedwork_once_per_record"),
            # Positions 1..PINS_MAX, each once: at most PINS_MAX pins per record.
            models.UniqueConstraint(fields=["content", "position"], name="pinnedwork_one_per_slot"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=PINS_MAX),
                name="pinnedwork_position_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.work_id} pinned on {self.content_id} at {self.position}"
