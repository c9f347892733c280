"""A snapshot import spread over Celery workers: start or resume a run, claim and import a part,
go on to the next phase, refresh the touched researchers once at the end.

Phases follow the entities' dependencies (institutions, sources, topics, concepts, publishers
and funders; then authors; then works), so that the result is the one a single-process import
of the same files gives. Every part is imported with ``openalex_import(refresh=False)``: the
upserts are idempotent, so a part whose worker died is simply run again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import models, openalex
from .importer import ImportResult, openalex_import
from .models import ImportPart, ImportRun, ImportRunResearcher
from .openalex.manifest import ManifestReport, check_manifests, short_line
from .services import researchers_changed

logger = logging.getLogger(__name__)

State = ImportPart.State
# Entity folders by phase; a folder of another name (keywords, subfields...) goes first, and a
# file outside any entity folder last (it may hold works).
PHASES = {"authors": 1, "works": 2}
LAST_PHASE = 2
# The advisory locks of parts being imported: (this namespace, the part's id).
LOCK_NAMESPACE = 0x425A5052  # "BZPR"
# The shared advisory locks of a run's live finishers: (this namespace, the run's id).
FINISH_LOCK_NAMESPACE = LOCK_NAMESPACE + 1
KEPT_ERROR_LINES = 50
TOUCHED_BATCH = 5000
# Researchers refreshed per transaction at the end of a run.
REFRESH_CHUNK = 20_000
# A batch lost to a deadlock between two parts is written again: the part is run again.
TRANSIENT = ("deadlock detected", "could not serialize access")
TRANSIENT_ATTEMPTS = 3


class SnapshotIncomplete(Exception):
    """The manifests list parts that are not there (and the run was not said to be partial)."""

    def __init__(self, report: ManifestReport, lines: list[str]):
        self.report = report
        self.lines = lines
        super().__init__(f"{len(lines)} problem(s) with the snapshot's manifests")


@dataclass(frozen=True)
class PartSpec:
    path: Path
    entity: str
    phase: int
    expected_records: int | None


def snapshot_parts(root: Path, report: ManifestReport) -> list[PartSpec]:
    """Every file to import under a snapshot folder (or one entity folder), with its phase."""
    root = Path(root)
    expected = {path.resolve(): count for path, count in report.expected_counts().items()}
    files, _ = openalex.find_input_files([root])
    specs = []
    for file in files:
        relative = file.relative_to(root).parts
        entity = relative[0] if len(relative) > 1 else root.name
        phase = PHASES.get(entity, 0) if len(relative) > 1 or entity in PHASES else LAST_PHASE
        if entity == "merged_ids":
            continue  # not records: applied by import_merged_ids or sync_openalex
        specs.append(PartSpec(file.resolve(), entity, phase, expected.get(file.resolve())))
    return specs


def import_run_start(
    *, source: Path, partial: bool = False, batch_size: int | None = None
) -> tuple[ImportRun, bool]:
    """Start a run over a snapshot folder, or return the unfinished run on it (resumed).

    A run on the folder that ended with failed parts is reopened: its failed parts are queued
    again, files of the folder it does not hold yet are added, and its done parts stay done.
    Raises SnapshotIncomplete when a manifest cannot be read, or lists a part that is missing
    and the run is not ``partial``.
    """
    resolved = str(Path(source).resolve())
    existing = ImportRun.objects.filter(source=resolved, state=ImportRun.State.RUNNING).first()
    if existing is not None:
        return existing, False
    report = check_manifests([source], count=False)
    problems = report.unreadable + ([] if partial else report.missing_lines())
    if problems:
        raise SnapshotIncomplete(report, problems)
    specs = snapshot_parts(Path(source), report)
    last = ImportRun.objects.filter(source=resolved).order_by("-created_at", "-pk").first()
    try:
        with transaction.atomic():
            if last is not None and last.state == ImportRun.State.FAILED:
                run = _reopen(last, specs, partial=partial, batch_size=batch_size)
                if run is not None:
                    return run, False
            run = ImportRun.objects.create(
                source=resolved,
                partial=partial,
                batch_size=batch_size,
                phase=min((spec.phase for spec in specs), default=0),
            )
            _parts_add(run, specs)
    except IntegrityError:  # another command started (or reopened) a run on it just now
        return ImportRun.objects.get(source=resolved, state=ImportRun.State.RUNNING), False
    return run, True


def _parts_add(run: ImportRun, specs: list[PartSpec]) -> None:
    ImportPart.objects.bulk_create(
        ImportPart(
            run=run,
            path=str(spec.path),
            entity=spec.entity,
            phase=spec.phase,
            expected_records=spec.expected_records,
        )
        for spec in specs
    )


def _reopen(
    run: ImportRun, specs: list[PartSpec], *, partial: bool, batch_size: int | None
) -> ImportRun | None:
    """Run a failed run again: its failed parts (and the folder's new files) queued, its done
    parts left alone; None when another command reopened it first."""
    reopened = ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.FAILED).update(
        state=ImportRun.State.RUNNING,
        finished_at=None,
        partial=partial,
        batch_size=batch_size if batch_size is not None else run.batch_size,
    )
    if not reopened:
        return None
    held = set(run.parts.values_list("path", flat=True))
    _parts_add(run, [spec for spec in specs if str(spec.path) not in held])
    run.parts.filter(state=State.FAILED).update(
        state=State.QUEUED,
        records=0,
        written=0,
        unchanged=0,
        warnings=0,
        errors=0,
        error_lines=[],
        finished_at=None,
    )
    waiting = run.parts.filter(state=State.QUEUED).order_by("phase").first()
    ImportRun.objects.filter(pk=run.pk).update(phase=waiting.phase if waiting else run.phase)
    run.refresh_from_db()
    return run


# --- Claims -------------------------------------------------------------------------------


def _try_lock(part_id: int) -> bool:
    if not settings.DATABASE_IS_POSTGRES:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, part_id])
        return bool(cursor.fetchone()[0])


def _unlock(part_id: int) -> None:
    if settings.DATABASE_IS_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, part_id])


def _locked_part_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND objsubid = 2 AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_NAMESPACE],
        )
        return {int(row[0]) for row in cursor.fetchall()}


def orphaned_parts(run: ImportRun):
    """Running parts whose worker is gone: its lock died with its connection (PostgreSQL), or,
    without advisory locks, it has run longer than a part may."""
    running = run.parts.filter(state=State.RUNNING)
    if settings.DATABASE_IS_POSTGRES:
        return running.exclude(pk__in=_locked_part_ids())
    limit = timedelta(seconds=settings.BZPEER["IMPORT_PART_TIME_LIMIT"])
    return running.filter(started_at__lt=timezone.now() - limit)


class PartHeld(Exception):
    """Another live process holds the part (or the connection of a killed one is not yet gone)."""


def import_part_claim(*, part_id: int, worker: str) -> bool:
    """Claim a queued part, or a running one whose worker died; False if it has ended, and
    PartHeld if a live process holds it.

    The advisory lock makes "held" exact: a live worker holds it, a killed one lost it with its
    database connection. The conditional update then never claims a finished part.
    """
    if not _try_lock(part_id):
        if ImportPart.objects.filter(pk=part_id, state=State.RUNNING).exists():
            raise PartHeld(part_id)
        return False
    claimable = Q(state=State.QUEUED)
    if settings.DATABASE_IS_POSTGRES:
        claimable |= Q(state=State.RUNNING)  # we hold its lock: whoever ran it is gone
    claimed = ImportPart.objects.filter(claimable, pk=part_id).update(
        state=State.RUNNING,
        attempts=F("attempts") + 1,
        claimed_by=worker[:200],
        started_at=timezone.now(),
        finished_at=None,
        records=0,
    )
    if not claimed:
        _unlock(part_id)
    return bool(claimed)


# --- One part -----------------------------------------------------------------------------


def _records_read(result: ImportResult) -> int:
    unreadable = sum(1 for e in result.errors if e.message.startswith("cannot read the file"))
    return (
        sum(result.counts.values())
        + sum(result.unchanged.values())
        + sum(result.duplicates.values())
        + sum(result.skipped.values())
        + result.rejected
        - unreadable
    )


def _touched_store(run_id: int, researcher_ids: set[int]) -> None:
    touched = sorted(researcher_ids)
    for start in range(0, len(touched), TOUCHED_BATCH):
        ImportRunResearcher.objects.bulk_create(
            [
                ImportRunResearcher(run_id=run_id, researcher_id=pk)
                for pk in touched[start : start + TOUCHED_BATCH]
            ],
            ignore_conflicts=True,
        )


def _import(part: ImportPart) -> ImportResult:
    def progress(records: int) -> None:
        ImportPart.objects.filter(pk=part.pk).update(records=F("records") + records)

    def touched(researcher_ids: set[int]) -> None:
        # In the batch's transaction: a batch written by a worker killed later is counted, and
        # its researchers refreshed at the end, though the part's next attempt finds it done.
        _touched_store(part.run_id, researcher_ids)

    for attempt in range(TRANSIENT_ATTEMPTS):
        if attempt:
            ImportPart.objects.filter(pk=part.pk).update(records=0)
        result = openalex_import(
            paths=[part.path],
            batch_size=part.run.batch_size,
            on_progress=progress,
            on_batch_written=touched,
            refresh=False,
        )
        if not any(any(t in e.message for t in TRANSIENT) for e in result.errors):
            break
        logger.warning("part %s lost a batch to a deadlock; importing it again", part.path)
    return result


def import_part_run(*, part_id: int, worker: str) -> ImportPart | None:
    """Claim the part, import it, record how it ended; None when it has ended already (and
    PartHeld when another process holds it)."""
    if not import_part_claim(part_id=part_id, worker=worker):
        return None
    try:
        part = ImportPart.objects.select_related("run").get(pk=part_id)
        if not Path(part.path).is_file():
            result = ImportResult(files=1)
            message = "cannot read the file: the part is not there"
            result.add_error(openalex.ParseError(part.path, 0, message))
        else:
            result = _import(part)
        read = _records_read(result)
        lines = [str(error) for error in result.errors[:KEPT_ERROR_LINES]]
        short = part.expected_records is not None and read < part.expected_records
        if short:
            lines.insert(0, short_line(part.path, part.expected_records, read))
        ImportPart.objects.filter(pk=part_id).update(
            state=State.FAILED if (result.error_count or short) else State.DONE,
            records=read,
            written=sum(result.counts.values()),
            unchanged=sum(result.unchanged.values()),
            warnings=result.warning_count,
            errors=result.error_count + short,
            error_lines=lines,
            finished_at=timezone.now(),
        )
    finally:
        _unlock(part_id)
    part.refresh_from_db()
    return part


# --- Phases and the end of a run ----------------------------------------------------------
#
# Queueing is in works.tasks, beside the tasks it sends: tasks imports this module, never the
# other way round.


def queued_parts(run: ImportRun) -> list[int]:
    """The parts of the run's phase waiting for a worker."""
    return list(run.parts.filter(phase=run.phase, state=State.QUEUED).values_list("pk", flat=True))


def requeue_orphans(run: ImportRun) -> list[int]:
    """Put the parts of dead workers back in the queue; return them."""
    with transaction.atomic():
        orphans = list(
            orphaned_parts(run).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        ImportPart.objects.filter(pk__in=orphans, state=State.RUNNING).update(state=State.QUEUED)
    return orphans


def import_run_advance(*, run_id: int) -> tuple[str, list[int]]:
    """When every part of the run's phase has ended, go on to the next phase.

    Return ``("phase", part ids)`` to queue the next phase's parts, ``("finish", [])`` when no
    phase is left, ``("wait", [])`` while the phase is still under way.
    """
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.state != ImportRun.State.RUNNING:
            return "wait", []
        if run.parts.filter(phase=run.phase, state__in=[State.QUEUED, State.RUNNING]).exists():
            return "wait", []
        # The next phase with parts to import: a reopened run skips the phases it finished.
        following = (
            run.parts.filter(phase__gt=run.phase, state=State.QUEUED).order_by("phase").first()
        )
        if following is None:
            if run.researchers_refreshed is None:  # the first time: statistics, once
                _analyze()
                run.researchers_refreshed = 0
                run.save(update_fields=["researchers_refreshed"])
            return "finish", []
        run.phase = following.phase
        run.save(update_fields=["phase"])
        return "phase", queued_parts(run)


# What the refresh of researchers reads: the tables the parts have just filled.
REFRESH_READS = [
    models.Authorship,
    models.AuthorshipInstitution,
    models.Work,
    models.WorkTopic,
    models.Researcher,
    models.ResearcherInstitution,
    models.ResearcherName,
    models.ResearcherTopic,
]


def _analyze() -> None:
    """Bring the planner's statistics up to date before the refresh: after a first load they
    describe empty tables (autovacuum analyzes late), and each chunk's per-researcher lookups
    would be planned as scans of whole tables. ANALYZE reads a fixed sample, whatever the
    size."""
    if not settings.DATABASE_IS_POSTGRES:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in REFRESH_READS)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def import_run_finish(*, run_id: int) -> ImportRun:
    """Refresh the researchers the run touched, once each, and record how the run ended.

    Any number of these may run at once, on every worker: each takes a chunk of the touched
    researchers no other holds (FOR UPDATE SKIP LOCKED), refreshes it and forgets it in one
    transaction, until none is left. Memory and transactions stay bounded however many the
    run touched; a finisher killed half-way loses only its uncommitted chunk, which another
    takes. The one that finds nothing left, not even a chunk another holds, ends the run.
    """
    run = ImportRun.objects.get(pk=run_id)
    if run.state != ImportRun.State.RUNNING or _unfinished(run):
        return run
    _finisher_lock(run_id, hold=True)
    try:
        while _refresh_chunk(run_id):
            pass
    finally:
        _finisher_lock(run_id, hold=False)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        left = ImportRunResearcher.objects.filter(run=run).exists()
        if run.state != ImportRun.State.RUNNING or _unfinished(run) or left:
            return run
        failed = run.parts.filter(state=State.FAILED).exists()
        run.state = ImportRun.State.FAILED if failed else ImportRun.State.DONE
        run.finished_at = timezone.now()
        run.researchers_refreshed = run.researchers_refreshed or 0
        run.save(update_fields=["state", "finished_at", "researchers_refreshed"])
    return run


def _finisher_lock(run_id: int, *, hold: bool) -> None:
    """Say that a finisher of the run is alive (a shared lock, which dies with its process)."""
    if settings.DATABASE_IS_POSTGRES:
        call = "pg_advisory_lock_shared" if hold else "pg_advisory_unlock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {call}(%s, %s)", [FINISH_LOCK_NAMESPACE, run_id])


def finishers_alive(run_id: int) -> bool:
    """Whether a finisher of the run is at work now (always False off PostgreSQL)."""
    if not settings.DATABASE_IS_POSTGRES:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s "
            "AND objsubid = 2 AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [FINISH_LOCK_NAMESPACE, run_id],
        )
        return cursor.fetchone() is not None


def _unfinished(run: ImportRun) -> bool:
    return run.parts.filter(state__in=[State.QUEUED, State.RUNNING]).exists()


def _refresh_chunk(run_id: int) -> int:
    """Refresh one chunk of the run's touched researchers no other finisher holds; 0 if none."""
    rows = ImportRunResearcher.objects.filter(run_id=run_id).order_by("researcher_id")
    with transaction.atomic():
        if settings.DATABASE_IS_POSTGRES:
            rows = rows.select_for_update(skip_locked=True)
        chunk = list(rows.values_list("researcher_id", flat=True)[:REFRESH_CHUNK])
        if not chunk:
            return 0
        researchers_changed(researcher_ids=chunk)
        ImportRunResearcher.objects.filter(run_id=run_id, researcher_id__in=chunk).delete()
        # Last, so that the run's row is locked only for the moment before the commit.
        ImportRun.objects.filter(pk=run_id).update(
            researchers_refreshed=Coalesce("researchers_refreshed", 0) + len(chunk)
        )
    return len(chunk)


def import_run_progress(run: ImportRun) -> dict:
    """Parts by state, and records read and expected, in one query."""
    figures = run.parts.aggregate(
        parts=Count("pk"),
        queued=Count("pk", filter=Q(state=State.QUEUED)),
        running=Count("pk", filter=Q(state=State.RUNNING)),
        done=Count("pk", filter=Q(state=State.DONE)),
        failed=Count("pk", filter=Q(state=State.FAILED)),
        records=Sum("records", default=0),
        expected=Sum("expected_records", default=0),
        written=Sum("written", default=0),
        errors=Sum("errors", default=0),
        warnings=Sum("warnings", default=0),
    )
    return figures
