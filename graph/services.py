"""Writes to graph slices: claim and run a build, record how it ended, mark slices stale.

Queueing a build (a request, a recovery, a re-send) is in graph.tasks, beside the task it
queues: tasks imports this module, never the other way round.
"""

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from bzpeer import page_cache

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


def stuck_before():
    return timezone.now() - timedelta(seconds=settings.GRAPH["STUCK_AFTER_SECONDS"])


def on_researchers_changed(sender, *, researcher_ids, **kwargs) -> None:
    """Receiver of works.signals.researchers_changed: their slices must be rebuilt."""
    graph_slices_mark_stale(researcher_ids=researcher_ids)


def slice_scope(researcher_id: int) -> str:
    """The version the slice API's cached answer is stored under (bzpeer.page_cache)."""
    return f"graph-slice:{researcher_id}"


def graph_slices_mark_stale(*, researcher_ids: Iterable[int]) -> int:
    """Mark the slices of these researchers for rebuilding; their payload is still served."""
    ids = sorted(set(researcher_ids))
    page_cache.retire([slice_scope(pk) for pk in ids])
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
    stuck = Q(status=Status.BUILDING, started_at__lt=stuck_before())
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
    page_cache.retire([slice_scope(graph_slice.researcher_id)])  # it is building, not ready
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
    page_cache.retire([slice_scope(graph_slice.researcher_id)])
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


def graph_slice_ensure(*, researcher_id: int) -> GraphSlice:
    """Return the researcher's slice row, creating a pending one (for the command)."""
    graph_slice, _ = GraphSlice.objects.get_or_create(researcher_id=researcher_id)
    return graph_slice
