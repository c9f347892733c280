"""Sync from a newer snapshot: only its ``updated_date=`` partitions after the last completed
sync, then its ``merged_ids`` files of the same dates.

A snapshot holds every record under the date OpenAlex last updated it, so the partitions after
the last sync point hold every record changed since, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from .. import openalex
from ..importer import ImportResult, openalex_import
from ..models import SyncState
from .touched import touched_refresh, touched_store

PARTITION = re.compile(r"^updated_date=(\d{4}-\d{2}-\d{2})$")
MERGED_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.csv(\.gz)?$")
# Entities before the ones that name them: works find their authors, sources and institutions.
ENTITY_ORDER = ["institutions", "sources", "topics", "concepts", "publishers", "funders"]
ENTITY_ORDER += ["authors", "works"]
MERGES_BATCH = 5000


@dataclass
class SnapshotSync:
    partitions: list[Path] = field(default_factory=list)
    merged_ids_files: list[Path] = field(default_factory=list)
    latest: dt.date | None = None
    result: ImportResult | None = None
    merge_errors: list[str] = field(default_factory=list)
    merges: object = None  # what apply_merges returned, summed
    researchers_refreshed: int = 0


def _entity_rank(name: str) -> int:
    return ENTITY_ORDER.index(name) if name in ENTITY_ORDER else -1  # others first


def partitions_after(root: Path, since: dt.date | None) -> tuple[list[Path], dt.date | None]:
    """The partition folders dated after ``since``, entities in dependency order, each entity's
    partitions by date; and the latest date found."""
    found = []
    latest = None
    for entity in sorted(p for p in Path(root).iterdir() if p.is_dir() and p.name != "merged_ids"):
        for folder in entity.iterdir():
            match = PARTITION.match(folder.name)
            if not match or not folder.is_dir():
                continue
            day = dt.date.fromisoformat(match[1])
            latest = day if latest is None or day > latest else latest
            if since is None or day > since:
                found.append((_entity_rank(entity.name), entity.name, day, folder))
    return [folder for *_, folder in sorted(found)], latest


def merged_ids_after(root: Path, since: dt.date | None) -> list[Path]:
    """The merged-ids files dated after ``since`` (a .csv.gz beside the same .csv read once)."""
    folder = Path(root) / "merged_ids"
    if not folder.is_dir():
        return []
    files, _ = openalex.find_merged_ids_files([folder])
    dated = []
    for file in files:
        match = MERGED_DATE.match(file.name)
        if match and (since is None or dt.date.fromisoformat(match[1]) > since):
            dated.append(file)
    return dated


def snapshot_sync(
    *,
    root: Path,
    source: str = "snapshot",
    apply_merges: Callable[[list[openalex.MergedId]], object] | None = None,
    batch_size: int | None = None,
    on_error: Callable[[openalex.ParseError], None] | None = None,
) -> SnapshotSync:
    """Import what changed since the last sync from ``source``; record the new sync point.

    The sync point is the latest partition date; it moves only when every record and merge
    was read, so that a sync with errors is done again (the upserts make that harmless).
    ``apply_merges`` (the people layer's merge of author records) gets the merged ids in
    batches; without it they are not read.
    """
    state, _ = SyncState.objects.get_or_create(source=source)
    since = state.synced_until.date() if state.synced_until else None
    sync = SnapshotSync()
    sync.partitions, sync.latest = partitions_after(root, since)
    state.pending_from = state.synced_until or timezone.now()
    state.save(update_fields=["pending_from", "updated_at"])

    sync.result = openalex_import(
        paths=sync.partitions,
        batch_size=batch_size,
        on_error=on_error,
        on_batch_written=lambda ids: touched_store(state, ids),
        refresh=False,
    )
    if apply_merges is not None:
        sync.merged_ids_files = merged_ids_after(root, since)
        sync.merges = _apply_merges(sync, apply_merges)
    # Only the researchers the new partitions changed (and those of an earlier sync that
    # failed before its end): kept in the database, since a record written by a failed sync
    # is unchanged when read again.
    sync.researchers_refreshed = touched_refresh(state)

    state.pending_from = None
    state.records = sum(sync.result.counts.values())
    if sync.result.error_count or sync.merge_errors:
        state.last_error = f"{sync.result.error_count + len(sync.merge_errors)} error(s)"
    else:
        state.last_error = ""
        if sync.latest is not None and (since is None or sync.latest > since):
            state.synced_until = dt.datetime.combine(sync.latest, dt.time(), tzinfo=dt.UTC)
    state.save()
    return sync


def _apply_merges(sync: SnapshotSync, apply_merges) -> list:
    results = []
    batch: list[openalex.MergedId] = []
    for file in sync.merged_ids_files:
        for item in openalex.read_merged_ids(file):
            if isinstance(item, openalex.ParseError):
                sync.merge_errors.append(str(item))
                continue
            batch.append(item.record)
            if len(batch) >= MERGES_BATCH:
                results.append(apply_merges(batch))
                batch = []
    if batch:
        results.append(apply_merges(batch))
    return results
