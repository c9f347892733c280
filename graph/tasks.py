"""The graph's Celery tasks, and the writes that queue them (request, recover, re-send).

Queueing lives here, beside the task it sends, so that this module imports graph.services and
services never imports this one.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from works.models import Researcher

from . import services
from .models import GraphSlice

logger = logging.getLogger(__name__)

Status = GraphSlice.Status

# A dropped connection or a failover: worth another try. Anything else is a bug or bad data.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def retry_countdown(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 1, 2, 4, ... up to the configured maximum."""
    return min(2**retries, settings.GRAPH["BUILD_RETRY_BACKOFF_MAX"])


@shared_task(bind=True, max_retries=settings.GRAPH["BUILD_MAX_RETRIES"])
def build_graph_slice(self, slice_id: int) -> str:
    """Build one graph slice; a second copy of the task finds the row claimed and stops."""
    try:
        built = services.graph_slice_build(slice_id=slice_id, worker=self.request.hostname or "")
    except TRANSIENT_ERRORS as exc:
        if self.request.retries < self.max_retries:
            _record(services.graph_slice_release, slice_id, f"Retrying after: {exc}")
            raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
        _record(services.graph_slice_fail, slice_id, f"Gave up after retries: {exc}")
        raise
    except Exception as exc:
        _record(services.graph_slice_fail, slice_id, f"{type(exc).__name__}: {exc}")
        raise
    return "built" if built else "skipped"


def _record(service, slice_id: int, error: str) -> None:
    # With the database itself down this write fails too; the row then stays `building` and
    # the next request after the timeout queues it again.
    try:
        service(slice_id=slice_id, error=error)
    except DatabaseError:
        logger.exception("Could not record the state of graph slice %s", slice_id)


@shared_task
def requeue_lost_graph_slices() -> int:
    """Send again the builds whose queue message a Redis restart may have lost (celery beat)."""
    return graph_slices_requeue_lost()


@worker_ready.connect
def requeue_builds_of_killed_predecessor(sender=None, **kwargs) -> None:
    """On start, hand back the builds a killed worker of the same name left `building`."""
    worker = getattr(sender, "hostname", "") or ""
    try:
        requeued = graph_slices_recover(worker=worker)
    except DatabaseError:
        logger.exception("Could not re-queue the graph slices left by %s", worker)
        return
    if requeued:
        logger.warning("Re-queued %s graph slice builds left by a stopped %s", requeued, worker)


# --- Queueing builds ---------------------------------------------------------------------


def graph_slice_request(*, researcher: Researcher) -> GraphSlice:
    """Return the researcher's slice row, queueing a build when it needs one.

    A build is queued at most once: the conditional update sets `queued_at`, and only the
    request whose update changed the row sends the task, after the transaction commits.
    A build queued or running for longer than the timeout is taken as lost and queued again.
    """
    with transaction.atomic():
        graph_slice, _ = GraphSlice.objects.get_or_create(researcher=researcher)
        if graph_slice.is_fresh:
            return graph_slice
        stuck_before = services.stuck_before()
        now = timezone.now()
        needs_build = (
            Q(status__in=[Status.PENDING, Status.FAILED])
            | Q(status=Status.READY, stale=True)
            | Q(status=Status.BUILDING, started_at__lt=stuck_before)
        )
        not_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=stuck_before)
        queued = (
            GraphSlice.objects.filter(needs_build, not_queued, pk=graph_slice.pk).update(
                status=Status.PENDING, queued_at=now
            )
            == 1
        )
        if queued:
            transaction.on_commit(partial(_enqueue_build, graph_slice.pk, now))
    if queued:
        # In eager mode the build has already run; elsewhere this shows "pending" or the
        # queue failure the callback recorded.
        graph_slice.refresh_from_db()
    return graph_slice


def _enqueue_build(slice_id: int, queued_at) -> None:
    try:
        build_graph_slice.delay(slice_id)
    except BrokerError as exc:
        # The broker is down: forget the queueing so that the next request tries again, and
        # leave a reason the API can show. The page itself never depends on the broker.
        logger.warning("Could not queue graph slice %s: %s", slice_id, exc)
        GraphSlice.objects.filter(pk=slice_id, queued_at=queued_at).update(
            queued_at=None, error=f"The task queue is unavailable: {exc}"[:1000]
        )


def graph_slices_recover(*, worker: str) -> int:
    """Re-queue the builds a killed worker of this name held; return how many.

    A worker of the same name calls this as it starts, before it takes any task, so every
    `building` row still claimed under its name was left by a predecessor that died mid-build
    (its unacknowledged message would only come back after the broker's visibility timeout).
    """
    if not worker:
        return 0
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            GraphSlice.objects.select_for_update()
            .filter(status=Status.BUILDING, claimed_by=worker)
            .values_list("pk", flat=True)
        )
        GraphSlice.objects.filter(pk__in=ids).update(
            status=Status.PENDING,
            claimed_by="",
            queued_at=now,
            error="The worker building it stopped; queued again.",
        )
        for slice_id in ids:
            transaction.on_commit(partial(_enqueue_build, slice_id, now))
    return len(ids)


def graph_slices_requeue_lost() -> int:
    """Send again the builds whose queue message may be lost or was never sent; return how many.

    Redis keeps queue state that can be lost (a restart without persistence), and a build
    queued then stays `pending` with nobody to run it; one requested while Redis was down was
    never queued at all. A second message is harmless: the claim lets one copy build and the
    other finds the row taken. Each row is sent at most once per REQUEUE_AFTER_SECONDS, and a
    build stuck in `building` past the timeout too.
    """
    now = timezone.now()
    lost_before = now - timedelta(seconds=settings.GRAPH["REQUEUE_AFTER_SECONDS"])
    lost = (
        Q(status=Status.PENDING, queued_at__lt=lost_before)
        # Never sent: its queueing failed (the broker was down; _enqueue_build cleared
        # queued_at), or nobody has asked for it since it was created.
        | Q(status=Status.PENDING, queued_at__isnull=True)
        | Q(status=Status.BUILDING, started_at__lt=services.stuck_before())
    )
    with transaction.atomic():
        ids = list(
            GraphSlice.objects.select_for_update(skip_locked=True)
            .filter(lost)
            .order_by(F("queued_at").asc(nulls_first=True))
            .values_list("pk", flat=True)[: services.MARK_BATCH]
        )
        GraphSlice.objects.filter(pk__in=ids).update(
            status=Status.PENDING, claimed_by="", queued_at=now
        )
        for slice_id in ids:
            transaction.on_commit(partial(_enqueue_build, slice_id, now))
    return len(ids)
