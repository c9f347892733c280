"""Writes to graph slices: request a build, claim and run it, record how it ended."""

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from profiles.models import Researcher

from . import builder
from .models import GraphSlice
from .queries import read_neighbourhood

logger = logging.getLogger(__name__)

Status = GraphSlice.Status
MARK_BATCH = 1000

LINK_URL_NAMES = {
    "researcher": "profiles:detail",
    "work": "works:detail",
    "topic": "works:topic",
    "institution": "works:institution",
}


def node_link(node_type: str, pk: int) -> str:
    return reverse(LINK_URL_NAMES[node_type], args=[pk])


def _stuck_before():
    return timezone.now() - timedelta(seconds=settings.GRAPH["STUCK_AFTER_SECONDS"])


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
        stuck_before = _stuck_before()
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
    from .tasks import build_graph_slice  # tasks imports this module

    try:
        build_graph_slice.delay(slice_id)
    except BrokerError as exc:
        # The broker is down: forget the queueing so that the next request tries again, and
        # leave a reason the API can show. The page itself never depends on the broker.
        logger.warning("Could not queue graph slice %s: %s", slice_id, exc)
        GraphSlice.objects.filter(pk=slice_id, queued_at=queued_at).update(
            queued_at=None, error=f"The task queue is unavailable: {exc}"[:1000]
        )


def graph_slices_mark_stale(*, researcher_ids: Iterable[int]) -> int:
    """Mark the slices of these researchers for rebuilding; their payload is still served."""
    ids = sorted(set(researcher_ids))
    marked = 0
    for start in range(0, len(ids), MARK_BATCH):
        batch = ids[start : start + MARK_BATCH]
        marked += GraphSlice.objects.filter(researcher_id__in=batch, stale=False).update(stale=True)
    return marked


def graph_slice_build(*, slice_id: int, force: bool = False, worker: str = "") -> GraphSlice | None:
    """Claim the slice, build it and store it; return None when another build holds it.

    The claim is a conditional update: a queued row, or a `building` row whose worker is
    taken as lost. `force` (the management command) also rebuilds ready and failed rows,
    never one that a live worker is building. `worker` names the Celery worker holding the
    claim, so that the worker can hand it back if it is killed and started again.
    """
    now = timezone.now()
    stuck = Q(status=Status.BUILDING, started_at__lt=_stuck_before())
    claimable = (~Q(status=Status.BUILDING) if force else Q(status=Status.PENDING)) | stuck
    claimed = GraphSlice.objects.filter(claimable, pk=slice_id).update(
        status=Status.BUILDING,
        started_at=now,
        claimed_by=worker,
        stale=False,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None

    started = time.perf_counter()
    graph_slice = GraphSlice.objects.select_related("researcher").get(pk=slice_id)
    caps = dict(settings.GRAPH["CAPS"])
    neighbourhood = read_neighbourhood(graph_slice.researcher)
    fingerprint = builder.fingerprint(neighbourhood, caps)
    if fingerprint == graph_slice.fingerprint and graph_slice.payload is not None:
        payload = graph_slice.payload  # nothing it depends on changed
    else:
        payload = builder.build_slice(neighbourhood, caps, link=node_link)
    build_ms = round((time.perf_counter() - started) * 1000)

    # Written only while this build still holds the claim.
    finished = {
        "status": Status.READY,
        "payload": payload,
        "fingerprint": fingerprint,
        "built_at": timezone.now(),
        "build_ms": build_ms,
        "error": "",
        "queued_at": None,
        "claimed_by": "",
        "attempts": 0,
    }
    if not GraphSlice.objects.filter(pk=slice_id, status=Status.BUILDING, started_at=now).update(
        **finished
    ):
        return None  # taken as lost and claimed by another build meanwhile
    for field, value in finished.items():
        setattr(graph_slice, field, value)
    return graph_slice


def graph_slice_release(*, slice_id: int, error: str) -> None:
    """Hand a claimed build back to the queue after a transient error; a retry follows."""
    GraphSlice.objects.filter(pk=slice_id, status=Status.BUILDING).update(
        status=Status.PENDING, claimed_by="", error=error[:1000]
    )


def graph_slice_fail(*, slice_id: int, error: str) -> None:
    """Record a build that will not be retried; the next request after the timeout may retry."""
    GraphSlice.objects.filter(pk=slice_id, status=Status.BUILDING).update(
        status=Status.FAILED, claimed_by="", error=error[:1000]
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
        | Q(status=Status.BUILDING, started_at__lt=_stuck_before())
    )
    with transaction.atomic():
        ids = list(
            GraphSlice.objects.select_for_update(skip_locked=True)
            .filter(lost)
            .order_by(F("queued_at").asc(nulls_first=True))
            .values_list("pk", flat=True)[:MARK_BATCH]
        )
        GraphSlice.objects.filter(pk__in=ids).update(
            status=Status.PENDING, claimed_by="", queued_at=now
        )
        for slice_id in ids:
            transaction.on_commit(partial(_enqueue_build, slice_id, now))
    return len(ids)


def graph_slice_ensure(*, researcher_id: int) -> GraphSlice:
    """Return the researcher's slice row, creating a pending one (for the command)."""
    graph_slice, _ = GraphSlice.objects.get_or_create(researcher_id=researcher_id)
    return graph_slice
