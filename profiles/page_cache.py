"""The anonymous profile-page cache, invalidated by a per-researcher version number.

A visitor's profile page is the same for every visitor, so it is rendered once and served from
the cache until anything on it changes. The version lives in the cache beside the pages: losing
the cache loses both, and a fresh version is drawn, so a stale page can never come back.
"""

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

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


class _ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool.

    Django makes a new redis.Redis for every cache call, and redis-py (6 and later) fills about
    170 response callbacks in each: a quarter of the time of a cached page. redis.Redis is
    safe to share; the pool still hands each command its own connection.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, degraded to a cache that misses while Redis cannot be reached.

    Redis holds only what can be lost (ARCHITECTURE.md), so an outage must cost speed, never
    answers: reads miss, writes are dropped, `add` reports success (so allauth's rate-limit
    lock and DRF's throttles let requests through) and counters start again. After a failure
    the backend stops trying for RETRY_AFTER seconds, so that a page does not wait on a dead
    server once per cache call. An invalidation dropped while Redis kept its data leaves pages
    at most PAGE_TIMEOUT old; a Redis restart without persistence loses them with the versions.
    Used for every cache in production (settings.CACHES), not only the pages.
    """

    RETRY_AFTER = 2.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingRedisCacheClient
        self._down_until = 0.0

    def _attempt(self, fallback, method, *args):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return method(*args)
        except RedisError as exc:
            self._down_until = time.monotonic() + self.RETRY_AFTER
            logger.warning(
                "Cache unavailable for %ss, serving without it: %s", self.RETRY_AFTER, exc
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Counted afresh, as if the key had expired: the first attempt of a new window.
        return self._attempt(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(None, super().delete_many, keys, version)
