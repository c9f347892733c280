"""Owners' standing corrections of the authorships on their records, which imports respect."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .researchers import Researcher


class AuthorshipCorrection(models.Model):
    """An owner's standing correction of one work on their record, which imports respect.

    The authorship table itself stays plain (every reader of it, from counters to the graph,
    sees exactly the works on the record); this table remembers what the owner decided so that
    ``works.import_authorships.authorships_sync`` can honour it on every later import:

    - ``removed``: the authorship was deleted and an import must not put it back. The deleted
      row's byline details are kept in ``removed_authorship`` so that a restore brings it back
      as it was;
    - ``asserted``: the owner added the authorship themselves and an import must not delete it
      because the open data does not list them.

    One row per record and work: a work is either removed from the record or asserted on it.
    """

    class Kind(models.TextChoices):
        REMOVED = "removed", "Removed by the owner"
        ASSERTED = "asserted", "Added by the owner"

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="authorship_corrections"
    )
    work = models.ForeignKey(
        "works.Work", on_delete=models.CASCADE, related_name="authorship_corrections"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The owner's reason for a removal; seen by the owner and moderators, not on the page.
    reason = models.TextField(blank=True)
    # order, position, raw_author_name, institution_ids and asserted of the removed authorship.
    removed_authorship = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "profiles_authorshipcorrection"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "work"], name="authorshipcorrection_unique_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["removed", "asserted"]),
                name="authorshipcorrection_kind_valid",
            ),
        ]
        # (researcher, work) is indexed by the constraint; the importer looks up by work.
        indexes = [models.Index(fields=["work"], name="authorshipcorrection_work_idx")]

    def __str__(self):
        return f"{self.work_id} {self.kind} on {self.researcher_id}"
