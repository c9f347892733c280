"""Sync from an OpenAlex-format API: every entity's records changed since the last sync.

``GET {base}/{entity}?filter=from_updated_date:<last sync>&cursor=*&per_page=200&mailto=...``
page after page (``meta.next_cursor``), entities in dependency order. After each page is
written, the cursor of the next one is stored: a sync that fails half-way resumes there. The
researchers the pages change are stored as they are written and refreshed once, at the end. A 429
or 5xx answer, or a dropped connection, is tried again, waiting twice as long each time.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone

from ..importer import ImportResult, openalex_import
from ..models import SyncState
from .snapshot import ENTITY_ORDER
from .touched import touched_refresh, touched_store

PER_PAGE = 200
RETRY_AFTER_MAX_SECONDS = 60


class SyncError(Exception):
    """The API could not be read (after the retries); the sync resumes from its cursor."""


@dataclass
class ApiClient:
    base_url: str
    mailto: str = ""
    api_key: str = ""
    retries: int = 5
    backoff_seconds: float = 1.0
    timeout: float = 30
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0

    @classmethod
    def from_settings(cls, **overrides) -> ApiClient:
        conf = settings.OPENALEX_SYNC
        values = {
            "base_url": conf["API_URL"],
            "mailto": conf["MAILTO"],
            "api_key": conf["API_KEY"],
            "retries": conf["RETRIES"],
            "backoff_seconds": conf["BACKOFF_MS"] / 1000,
            "timeout": conf["TIMEOUT_SECONDS"],
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        values["base_url"] = values["base_url"].rstrip("/")
        return cls(**values)

    def page(self, entity: str, since: dt.datetime, cursor: str) -> dict:
        """One page of the entity's records updated since ``since``."""
        params = {
            "filter": f"from_updated_date:{format_since(since)}",
            "cursor": cursor,
            "per_page": PER_PAGE,
        }
        if self.mailto:
            params["mailto"] = self.mailto
        if self.api_key:
            params["api_key"] = self.api_key
        url = f"{self.base_url}/{entity}"
        for attempt in range(self.retries + 1):
            wait = self.backoff_seconds * 2**attempt
            self.requests_made += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = f"{url}: {type(exc).__name__}"
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError:
                        raise SyncError(f"{url}: the answer is not JSON") from None
                problem = f"{url}: HTTP {response.status_code} {response.text[:200]}"
                if response.status_code != 429 and response.status_code < 500:
                    raise SyncError(problem)  # a request the API will never answer
                wait = max(wait, _retry_after(response))
            if attempt < self.retries:
                time.sleep(wait)
        raise SyncError(f"{problem} (after {self.retries} retries)")


def format_since(moment: dt.datetime) -> str:
    """2026-12-01T14:20:00.123Z: UTC, to the millisecond, as OpenAlex writes its dates."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _retry_after(response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", 0)), RETRY_AFTER_MAX_SECONDS)
    except ValueError:
        return 0.0


@dataclass
class ApiSync:
    resumed: bool = False
    since: dt.datetime | None = None
    pages: int = 0
    written: int = 0
    rejected: int = 0
    researchers_changed: int = 0
    errors: list[str] = field(default_factory=list)


def api_source(base_url: str) -> str:
    return f"api:{base_url.rstrip('/')}"


def api_sync(
    *,
    client: ApiClient,
    since: dt.datetime | None = None,
    entities: list[str] | None = None,
    on_page: Callable[[str, dict], None] | None = None,
) -> ApiSync:
    """Fetch and import every record changed since the last sync from this API.

    A sync under way (one that failed) resumes at its stored entity and cursor; otherwise it
    starts from ``since``, or else from the last completed sync point. When it completes, the
    point it started at becomes the last sync point: records changed while it ran are fetched
    again next time, which the newer-wins upserts make harmless.
    """
    entities = entities or ENTITY_ORDER
    state, _ = SyncState.objects.get_or_create(source=api_source(client.base_url))
    sync = ApiSync()
    if state.pending_from is not None and state.entity in entities:
        sync.resumed = True
    else:
        start = since or state.synced_until
        if start is None:
            raise SyncError(f"no sync point yet for {state.source}: give the date to sync from")
        state.pending_from, state.pending_until = start, timezone.now()
        state.entity, state.cursor, state.records = entities[0], "*", 0
        state.save()
    sync.since = state.pending_from

    for entity in entities[entities.index(state.entity) :]:
        if entity != state.entity:
            state.entity, state.cursor = entity, "*"
            state.save(update_fields=["entity", "cursor", "updated_at"])
        while state.cursor:
            try:
                page = client.page(entity, state.pending_from, state.cursor)
            except SyncError as exc:
                state.last_error = str(exc)[:1000]
                state.save(update_fields=["last_error", "updated_at"])
                raise
            result = _import_page(page, on_batch_written=lambda ids: touched_store(state, ids))
            sync.pages += 1
            sync.written += sum(result.counts.values())
            sync.rejected += result.rejected
            sync.errors += [str(error) for error in result.errors]
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            results = page.get("results")
            state.cursor = (meta.get("next_cursor") or "") if results else ""
            state.records += sum(result.counts.values())
            state.save(update_fields=["cursor", "records", "updated_at"])
            if on_page is not None:
                on_page(entity, page)

    # Once, at the end: every researcher a page changed, kept in the database meanwhile, so a
    # sync resumed after a failure refreshes what its first half wrote too.
    sync.researchers_changed = touched_refresh(state)
    state.synced_until = state.pending_until
    state.pending_from = state.pending_until = None
    state.entity, state.cursor, state.last_error = "", "", ""
    state.save()
    return sync


def _import_page(page: dict, on_batch_written: Callable[[set[int]], None]) -> ImportResult:
    """Import one API page, as the importer reads pages: from a file."""
    with tempfile.TemporaryDirectory(prefix="bzpeer-sync-") as folder:
        path = Path(folder) / "page.json"
        path.write_text(json.dumps(page))
        return openalex_import(paths=[path], on_batch_written=on_batch_written, refresh=False)
