"""Copies in the worker's own memory of values that cannot change under their key.

Why: with Redis as the cache, every read of a cached value is a round trip to another process
plus unpickling (0.2 ms for a flag, 0.6 ms for an attempt's 80 questions), and the hot API
requests made several. A value that is fixed once its key exists (an attempt's questions as
shown, frozen when it starts; a learner's log-in recorded for the day; course cards under a
content version) can be kept by each worker as well, in front of the shared cache: the shared
cache still spares the other workers and machines the work of building it.

Each memo is bounded (least recently used out) and entries may carry the same lifetime as
their shared copy, so time-dependent values are rebuilt as often as before. Tests roll the
database back and reuse primary keys, so they empty every memo with the cache
(:func:`clear_all`).

Use: only for a value that is fixed once its key exists (a frozen attempt's
questions, a content-versioned card). Anything that may change under its key goes to
``django.core.cache`` alone.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache

_MISSING = object()
_MEMOS: list[ProcessMemo] = []


class ProcessMemo:
    """A bounded, thread-safe mapping of this process, least recently used entry out first."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float | None, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _MEMOS.append(self)

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is _MISSING:
                return default
            expires, value = found
            if expires is not None and expires <= time.time():
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(self, key: Hashable, value: Any, *, expires: float | None = None) -> None:
        """Keep ``value`` until evicted, or until the time ``expires`` (``time.time()``)."""
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def through_cache(self, key: str, build: Callable[[], Any], seconds: float | None) -> Any:
        """The value of ``key`` from this memo, else from the shared cache, else built and
        stored in both, for ``seconds`` from when it was built (``None``: until evicted).

        The shared copy carries its expiry, so a worker that finds it late keeps it only for
        what is left: no copy outlives the lifetime its builder gave it.
        """
        value = self.get(key, _MISSING)
        if value is _MISSING:
            found = cache.get(key)
            if found is None:
                expires = None if seconds is None else time.time() + seconds
                found = (expires, build())
                cache.set(key, found, seconds)
            expires, value = found
            self.set(key, value, expires=expires)
        return value


def clear_all() -> None:
    """Empty every memo of this process (tests, with ``cache.clear()``)."""
    for memo in _MEMOS:
        memo.clear()
