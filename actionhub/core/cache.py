"""The shared cache (Redis) as something the site can do without for a while.

While Redis cannot be reached, every read is a miss and every write is dropped, so pages are
rendered from the database as if nothing were cached. A Redis that is full (at its maxmemory
with the noeviction policy) refuses writes: those are dropped too. Counting (`count`) raises
instead: the rate limiter then counts in the database (core.ratelimit), so its limits hold
across every process even with Redis away or full.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError as RedisFull
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
# Away, or full: either way the site goes on without it.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, RedisFull)
WARN_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    _warned_at = 0.0

    def _unreachable(self, error):
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at >= WARN_EVERY_SECONDS:
            ResilientRedisCache._warned_at = now
            logger.warning("The shared cache cannot be used; going on without it: %s", error)

    def _or(self, fallback, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            self._unreachable(error)
            return fallback

    def count(self, key: str, seconds: int) -> int:
        """One more in the count kept at `key` for `seconds` from its first, in one round trip
        that either counts or raises UNREACHABLE (nothing is dropped, so nothing is miscounted)."""
        key = self.make_and_validate_key(key)
        with self._cache.get_client(key, write=True).pipeline() as pipe:
            pipe.set(key, 0, ex=seconds, nx=True)
            pipe.incr(key)
            return pipe.execute()[1]

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def add(self, *args, **kwargs):
        return self._or(False, super().add, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._or(None, super().set, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._or(list(data), super().set_many, data, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._or(False, super().touch, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._or(False, super().delete, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._or(None, super().delete_many, *args, **kwargs)

    def clear(self):
        return self._or(None, super().clear)
