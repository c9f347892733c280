"""Incremental sync from OpenAlex: from a newer snapshot's new partitions (snapshot) or from an
OpenAlex-format API's changes since the last sync (api). Where each source stands is a
works.models.SyncState row."""
