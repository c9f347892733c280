"""Hooks that the public record offers to the apps above it.

``works`` imports no other BZPEER app, yet after its data changes the people layer must rescore
the records and the graph must mark its slices stale. The code that changed the data sends one
of these signals; each app above connects its receiver in its ``AppConfig.ready()``. Receivers
run in the order the apps are installed (profiles, then graph, then collaboration), inside the
sender's transaction when there is one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

# Sent with ``researcher_ids`` once these records' public counters, name keys and topics were
# recomputed (works.services.researchers_changed): after an import, a correction, a merge.
# ``columns_computed`` is True when the refresh also wrote the registered computed columns.
researchers_changed = Signal()

# Sent with ``source`` and ``target`` (locked Researcher rows) while ``source`` is being merged
# into ``target``, before ``source`` becomes a redirect: each receiver moves to ``target`` what
# its app keeps of ``source`` (collaboration: the follows and the followers count).
researcher_merging = Signal()


@dataclass(frozen=True)
class ComputedColumns:
    """Researcher columns that an app above computes from the record's refreshed counters.

    The set-based refresh (works.derived) reads ``reads`` (field names of Researcher) and the
    ``inputs`` (SQL over ``r``, the researcher row, by name) of every record it refreshes,
    calls ``compute`` with each row (an object with those names as attributes, the refreshed
    counters and figures already in place, and ``pk``), and writes the values it returns
    (one per name in ``columns``) in the same UPDATE as the counters: each row is written once.
    """

    columns: tuple[str, ...]
    reads: tuple[str, ...]
    inputs: dict[str, str]
    compute: Callable[[Any], tuple]


# Registered by the apps above in their AppConfig.ready() (register_computed_columns).
computed_columns: list[ComputedColumns] = []


def register_computed_columns(computed: ComputedColumns) -> None:
    """Have the set-based refresh write these columns too (once, however often called)."""
    if all(c.columns != computed.columns for c in computed_columns):
        computed_columns.append(computed)
