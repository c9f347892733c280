import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

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
    return services.graph_slices_requeue_lost()


@worker_ready.connect
def requeue_builds_of_killed_predecessor(sender=None, **kwargs) -> None:
    """On start, hand back the builds a killed worker of the same name left `building`."""
    worker = getattr(sender, "hostname", "") or ""
    try:
        requeued = services.graph_slices_recover(worker=worker)
    except DatabaseError:
        logger.exception("Could not re-queue the graph slices left by %s", worker)
        return
    if requeued:
        logger.warning("Re-queued %s graph slice builds left by a stopped %s", requeued, worker)
