"""Snapshot imports spread over Celery workers, and incremental syncs: their state, in rows.

A run holds one part row per file. A worker claims a part with a conditional update (and, on
PostgreSQL, a session advisory lock that dies with its connection, so that the part of a killed
worker can be claimed again at once); a done part is never claimed again. The entity types go in
phases, so that works find their authors, sources and institutions already written.
"""

from django.db import models
from django.db.models import Count, Q, Sum


class ImportRunQuerySet(models.QuerySet):
    def with_progress(self):
        """Each run with its parts by state and its records read and expected."""
        parts = "parts"
        return self.annotate(
            parts_count=Count(parts),
            parts_done=Count(parts, filter=Q(parts__state="done")),
            parts_failed=Count(parts, filter=Q(parts__state="failed")),
            parts_running=Count(parts, filter=Q(parts__state="running")),
            records_read=Sum("parts__records", default=0),
            records_expected=Sum("parts__expected_records", default=0),
        )


class ImportRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        # Finished, but some parts failed (their errors are on the parts).
        FAILED = "failed"

    # The snapshot folder, resolved: a second run on the same folder resumes the first.
    source = models.CharField(max_length=1000)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    phase = models.PositiveSmallIntegerField(default=0)
    partial = models.BooleanField(default=False)
    batch_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    researchers_refreshed = models.PositiveIntegerField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(state="running"),
                name="works_importrun_one_running_per_source",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["running", "done", "failed"]),
                name="works_importrun_state_valid",
            ),
        ]

    def __str__(self):
        return f"import {self.pk} of {self.source} ({self.state})"


class ImportPart(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="parts")
    path = models.CharField(max_length=1000)
    entity = models.CharField(max_length=32)
    phase = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    # From the manifest, where it gives one: fewer records read fails the part.
    expected_records = models.PositiveBigIntegerField(null=True, blank=True)
    records = models.PositiveBigIntegerField(default=0)  # read (so far, while running)
    written = models.PositiveBigIntegerField(default=0)
    unchanged = models.PositiveBigIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_lines = models.JSONField(default=list, blank=True)  # the first ones
    attempts = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["phase", "path"]
        constraints = [
            models.UniqueConstraint(fields=["run", "path"], name="works_importpart_once_per_run"),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="works_importpart_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["run", "phase", "state"])]

    def __str__(self):
        return f"{self.path} ({self.state})"


class ImportRunResearcher(models.Model):
    """A researcher whose data a part changed: refreshed once, when the run ends."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    # No foreign key: written by concurrent parts, read once; a merged-away id is skipped then.
    researcher_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "researcher_id"], name="works_importrunresearcher_once"
            )
        ]

    def __str__(self):
        return f"researcher {self.researcher_id} in run {self.run_id}"


class SyncState(models.Model):
    """Where the incremental sync from one source (a snapshot series or an API) stands."""

    source = models.CharField(max_length=500, unique=True)
    # The last completed sync point: records updated from then on are still to fetch.
    synced_until = models.DateTimeField(null=True, blank=True)
    # A sync under way: the point it started from, the point it will record when it completes,
    # and (for an API) the entity and cursor of the next page to fetch.
    pending_from = models.DateTimeField(null=True, blank=True)
    pending_until = models.DateTimeField(null=True, blank=True)
    entity = models.CharField(max_length=32, blank=True)
    cursor = models.TextField(blank=True)
    records = models.PositiveBigIntegerField(default=0)  # written by the sync under way
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"sync of {self.source} until {self.synced_until}"


class SyncResearcher(models.Model):
    """A researcher whose data a sync under way changed: refreshed once, when the sync ends.

    Written in each batch's transaction, so that a sync that fails half-way and resumes from
    its cursor still refreshes what its first half wrote.
    """

    sync = models.ForeignKey(SyncState, on_delete=models.CASCADE, related_name="+")
    # No foreign key, as ImportRunResearcher: a merged-away id is skipped when read.
    researcher_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sync", "researcher_id"], name="works_syncresearcher_once"
            )
        ]

    def __str__(self):
        return f"researcher {self.researcher_id} in sync {self.sync_id}"
