"""The API's rate limit: one cache round trip a request.

DRF's AnonRateThrottle and UserRateThrottle each keep every request of their period as a list
in the cache, read and written again by every request, and both apply to an anonymous client
(the user rate keyed by its address): four Redis round trips per anonymous API call, each
rewriting a list as long as the rate. This throttle applies the `anon` rate to anonymous
clients (by address) and the `user` rate to signed-in ones (by user), and counts a client's
requests in the current window of the rate's period with one atomic increment.

The price of fixed windows, as with any fixed-window limiter: a client may send up to twice
its rate across a window boundary, never more.
"""

from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

# INCR, and start the key's expiry with the window's first request: one command, atomic.
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


def count_in_window(key: str, seconds: int) -> int:
    """Count one more request under `key`, which lasts `seconds`; 1 when the cache is down
    (a rate limit must not refuse the API because Redis is away)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        try:
            client = backend.client.get_client(write=True)
            return int(client.eval(_COUNT, 1, backend.make_and_validate_key(key), seconds))
        except RedisError:
            return 1
    backend.add(key, 0, timeout=seconds)
    return backend.incr(key)


class ApiRateThrottle(SimpleRateThrottle):
    """REST_FRAMEWORK's `anon` rate for anonymous clients, its `user` rate for signed-in ones."""

    def __init__(self):
        # The scope, and so the rate, depend on the request (allow_request).
        pass

    def allow_request(self, request, view) -> bool:
        signed_in = request.user.is_authenticated
        self.scope = "user" if signed_in else "anon"
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        ident = request.user.pk if signed_in else self.get_ident(request)
        key = self.cache_format % {"scope": self.scope, "ident": f"{ident}:{window}"}
        return count_in_window(key, self.duration) <= self.num_requests

    def wait(self) -> float:
        """Seconds until the window ends and the client may call again."""
        return max(self.window_ends - self.now, 0.0)
