"""The cache backend: django-redis, degraded to a cache that misses while Redis is down.

Redis holds only what can be lost (ARCHITECTURE.md), so an outage must cost speed, never
answers. django-redis's IGNORE_EXCEPTIONS (settings.CACHES) makes reads miss and writes drop.
Two small additions, each measured against plain django-redis (tests/site/test_resilience.py
checks the behaviour; the figures are from the test client on the shared 2-core machine):

- ResilientRedisCache answers add(), incr() and delete() as a cache that has just lost its keys
  would: allauth's rate-limit lock retries a failed add() for a whole second and then refuses,
  so with plain django-redis a login with Redis down took 1,000 ms and answered 429 (20 ms and
  a 302 with this class). incr() counts afresh, as after an expiry (the invite rate limit
  compares it with its cap).
- FailFastRedis stops trying for RETRY_AFTER seconds after a connection failure: against a
  Redis that accepts connections but never answers, every cache call waits for the socket
  timeout, and a profile page took 8,050 ms with plain django-redis, every time; with this
  client the first page takes 530 ms and the next ones 20-30 ms.

With Redis up, a cached profile page costs the same 0.5-0.6 ms with this backend, plain
django-redis and the hand-made client-reusing backend this replaced.
"""

import logging
import time

import redis
from django_redis.cache import CONNECTION_INTERRUPTED, RedisCache, omit_exception

logger = logging.getLogger(__name__)


class FailFastRedis(redis.Redis):
    """redis.Redis that, after a connection failure, fails at once for RETRY_AFTER seconds."""

    RETRY_AFTER = 2.0

    def execute_command(self, *args, **options):
        # The state lives on the connection pool, which django-redis keeps per server.
        pool = self.connection_pool
        if time.monotonic() < getattr(pool, "down_until", 0.0):
            raise redis.ConnectionError("Redis failed a moment ago; not waiting on it yet")
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            pool.down_until = time.monotonic() + self.RETRY_AFTER
            logger.warning(
                "Cache unavailable for %ss, serving without it: %s", self.RETRY_AFTER, exc
            )
            raise


class ResilientRedisCache(RedisCache):
    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)

    @omit_exception(return_value=False)
    def delete(self, *args, **kwargs):
        return bool(self.client.delete(*args, **kwargs))

    def incr(self, key, delta=1, version=None, client=None):
        counted = self._incr(key, delta, version, client)
        return delta if counted is CONNECTION_INTERRUPTED else counted

    @omit_exception(return_value=CONNECTION_INTERRUPTED)
    def _incr(self, key, delta, version, client):
        return self.client.incr(key, delta=delta, version=version, client=client)
