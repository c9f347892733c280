from django.db import models


class GraphSlice(models.Model):
    """One researcher's graph slice: the stored payload and the state of its build.

    Pages and the API read these rows; the Celery result backend is never consulted.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    researcher = models.OneToOneField(
        "works.Researcher", on_delete=models.CASCADE, related_name="graph_slice"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The inputs changed (an import touched the researcher) since the payload was built.
    stale = models.BooleanField(default=False)
    payload = models.JSONField(null=True, blank=True)
    # A hash of the neighbourhood and caps the payload was built from: an unchanged input
    # is not ranked and laid out again.
    fingerprint = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Set when a build is queued and cleared when it finishes: a build is queued at most once.
    queued_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed the build; a `building` row older than the timeout is retryable.
    started_at = models.DateTimeField(null=True, blank=True)
    # The Celery worker (its node name, e.g. "celery@web1") holding a `building` row: when a
    # worker of that name starts again, the builds its killed predecessor held are re-queued.
    claimed_by = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "building", "ready", "failed"]),
                name="graphslice_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="building") | models.Q(started_at__isnull=False),
                name="graphslice_building_has_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(payload__isnull=False),
                name="graphslice_ready_has_payload",
            ),
        ]
        indexes = [
            # `build_graph_slices --stale` finds the few rows that need work without a scan.
            models.Index(
                fields=["id"],
                condition=models.Q(stale=True) | ~models.Q(status="ready"),
                name="graphslice_needs_build_idx",
            ),
            # The periodic sweep for lost builds reads only the few queued or running rows.
            models.Index(
                fields=["queued_at"],
                condition=models.Q(status__in=["pending", "building"]),
                name="graphslice_in_flight_idx",
            ),
        ]

    def __str__(self):
        return f"Graph slice of researcher {self.researcher_id} ({self.status})"

    @property
    def is_fresh(self) -> bool:
        return self.status == self.Status.READY and not self.stale
