"""A per-account limit on invite attempts, counted in the cache (Redis in production).

The daily cap in invites.py is the rule, counted in the database; this only stops a script from
hammering the endpoint with attempts, refused ones included.
"""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def invite_attempt_limited(user) -> bool:
    """Count one invite attempt; True when the account is over its limit for this minute."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"collaboration:invite-attempts:{user.pk}:{window}"
    # add() is a no-op when the key exists, so concurrent first attempts do not reset the count.
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        attempts = 1
    return attempts > settings.BZPEER["INVITE_RATE_PER_MINUTE"]
