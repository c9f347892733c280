"""The importer's Celery tasks (one per part of a snapshot run, one to end a run), and the
writes that queue them."""

import os
import socket

from celery import shared_task
from django.conf import settings
from django.db import transaction

from . import runs
from .models import ImportRun

# A part found held is looked at again this many times, this many seconds apart.
HELD_RETRIES = 12
HELD_RETRY_SECONDS = 5
# Finishers queued at the end of a run: each refreshes chunks of its touched researchers
# until none is left, so as many worker processes as are free share the refresh (one
# that finds nothing to take ends at once).
FINISH_TASKS = 16


def worker_name() -> str:
    """This process, as a part's claim names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _send(part_ids: list[int]) -> None:
    for part_id in part_ids:
        import_part.delay(part_id)


def import_run_queue(*, run_id: int, only_orphans: bool = False) -> int:
    """Queue the parts of dead workers and (unless ``only_orphans``) every waiting part of the
    run's phase; go on when the phase is over. Return how many parts were queued."""
    run = ImportRun.objects.get(pk=run_id)
    if run.state != ImportRun.State.RUNNING:
        return 0
    orphans = runs.requeue_orphans(run)
    waiting = orphans if only_orphans else sorted(set(orphans) | set(runs.queued_parts(run)))
    if waiting:
        _send(waiting)
    elif not run.parts.filter(
        phase=run.phase, state__in=[runs.State.QUEUED, runs.State.RUNNING]
    ).exists():
        import_run_next(run_id=run_id)  # the phase ended, and its next step was lost
    return len(waiting)


def import_run_next(*, run_id: int) -> None:
    """Queue the next phase, or the end of the run, once this phase is over."""
    step, part_ids = runs.import_run_advance(run_id=run_id)
    if step == "phase":
        transaction.on_commit(lambda: _send(part_ids))
    elif step == "finish":
        transaction.on_commit(lambda: _send_finishers(run_id))


def _send_finishers(run_id: int) -> None:
    # The command's watch asks again every few seconds while the run ends: finishers at work
    # are enough (ones lost with their worker are not, and are sent again).
    if runs.finishers_alive(run_id):
        return
    for _ in range(FINISH_TASKS):
        import_run_finish.delay(run_id)


# acks_late and reject_on_worker_lost (the settings): a part whose worker process dies goes
# back to the queue, and its claim can be taken again since its lock died with the process.
@shared_task(
    bind=True,
    time_limit=settings.BZPEER["IMPORT_PART_TIME_LIMIT"],
    soft_time_limit=None,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=HELD_RETRIES,
)
def import_part(self, part_id: int) -> None:
    """Import one part of a snapshot run; a second copy finds it done and stops."""
    try:
        part = runs.import_part_run(part_id=part_id, worker=worker_name())
    except runs.PartHeld as exc:
        # A live worker has it, or a killed one whose connection the database has not yet
        # closed: look again shortly; after that the command's watch requeues it if it is lost.
        raise self.retry(exc=exc, countdown=HELD_RETRY_SECONDS) from None
    if part is not None:
        import_run_next(run_id=part.run_id)


@shared_task(time_limit=settings.BZPEER["IMPORT_PART_TIME_LIMIT"], soft_time_limit=None)
def import_run_finish(run_id: int) -> None:
    runs.import_run_finish(run_id=run_id)
