"""The researchers a sync under way changed, kept in the database until it ends.

Each batch records its researchers in its own transaction (SyncResearcher rows); the sync
refreshes them all once, at its end. A sync that fails half-way leaves its rows, so the
resumed sync (or the next one from the same source) refreshes them too.
"""

from collections.abc import Iterable

from ..models import SyncResearcher, SyncState
from ..services import researchers_changed

BATCH = 5000


def touched_store(state: SyncState, researcher_ids: Iterable[int]) -> None:
    """Record researchers a batch of the sync changed (in the caller's transaction)."""
    touched = sorted(researcher_ids)
    for start in range(0, len(touched), BATCH):
        SyncResearcher.objects.bulk_create(
            [SyncResearcher(sync=state, researcher_id=pk) for pk in touched[start : start + BATCH]],
            ignore_conflicts=True,
        )


def touched_refresh(state: SyncState) -> int:
    """Refresh every researcher the sync changed, once; forget them. Returns how many."""
    rows = SyncResearcher.objects.filter(sync=state)
    touched = list(rows.values_list("researcher_id", flat=True))
    if touched:
        researchers_changed(researcher_ids=touched)
    rows.delete()
    return len(touched)
