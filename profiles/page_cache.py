"""The anonymous profile-page cache, invalidated by a per-researcher version number.

A visitor's profile page is the same for every visitor, so it is rendered once and served from
the cache until anything on it changes. The version lives in the cache beside the pages: losing
the cache loses both, and a fresh version is drawn, so a stale page can never come back.
"""

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

PAGE_TIMEOUT = 60 * 60


def _version_key(researcher_id: int) -> str:
    return f"profile-version:{researcher_id}"


def version(researcher_id: int) -> int:
    """The record's current page version; fragments and pages are cached under it."""
    # Reading the version before the database means a page rendered from old rows is stored
    # under a version that an invalidation has already retired.
    return cache.get_or_set(_version_key(researcher_id), time.time_ns(), timeout=None)


def page_key(researcher_id: int, variant: str) -> str:
    return f"profile-page:{researcher_id}:{version(researcher_id)}:{variant}"


def invalidate(researcher_ids: Iterable[int]) -> None:
    """Retire the cached pages of these researchers, now and again once the change commits."""
    keys = [_version_key(pk) for pk in set(researcher_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
