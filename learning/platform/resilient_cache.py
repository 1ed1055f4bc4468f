"""A Redis cache that keeps the site serving while Redis is unreachable.

Why: the cache holds nothing that is not also elsewhere (sessions are written through to the
database, page copies and leaderboards are recomputed, log-in failure counts start again), so
losing Redis must cost speed, not availability. Django's ``RedisCache`` raises on every call
while Redis is down, and every page, log-in and API call touches the cache: a 500 for all.

``ResilientRedisCache`` answers each call from Redis while it works. When a call fails with a
connection or timeout error, the failure is logged, Redis is left alone for
``RETRY_SECONDS`` (so requests do not each wait for a connect time-out) and this process's
memory answers in its place; after that a call tries Redis again. Sessions then come from the
database (``cached_db`` treats the miss as a miss), counts from memory, one process at a time.

Infrastructure: domain code keeps calling ``django.core.cache.cache``; only settings name it.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: After a failure, how long this process answers from memory before it tries Redis again.
RETRY_SECONDS = 5.0

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    """``RedisCache`` with a per-process memory cache to answer while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._memory = LocMemCache(f"fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 3000}})

    @property
    def available(self) -> bool:
        """False while this process is answering from memory after a Redis failure."""
        return time.monotonic() >= self._down_until

    def _call(self, name: str, *args, **kwargs):
        if self.available:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _UNREACHABLE:
                self._down_until = time.monotonic() + RETRY_SECONDS
                logger.warning(
                    "cache: Redis unreachable, serving from process memory for %ss",
                    RETRY_SECONDS,
                    exc_info=True,
                )
        return getattr(self._memory, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._memory.clear()
        return self._call("clear")
