"""Hooks that the public record offers to the apps above it.

``works`` imports no other BZPEER app, yet after its data changes the people layer must rescore
the records and the graph must mark its slices stale. The code that changed the data sends one
of these signals; each app above connects its receiver in its ``AppConfig.ready()``. Receivers
run in the order the apps are installed (profiles, then graph, then collaboration), inside the
sender's transaction when there is one.
"""

from django.dispatch import Signal

# Sent with ``researcher_ids`` once these records' public counters, name keys and topics were
# recomputed (works.services.researchers_changed): after an import, a correction, a merge.
researchers_changed = Signal()

# Sent with ``source`` and ``target`` (locked Researcher rows) while ``source`` is being merged
# into ``target``, before ``source`` becomes a redirect: each receiver moves to ``target`` what
# its app keeps of ``source`` (collaboration: the follows and the followers count).
researcher_merging = Signal()
