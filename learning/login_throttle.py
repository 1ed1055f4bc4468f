"""Brute-force protection shared by every log-in: the site, the Wagtail admin and the API.

Failures are counted in the cache per phone number and per client address; once either count
reaches its limit, further attempts are refused until the window passes, even with the right
password, so guessing cannot continue. With Redis configured the counts are shared by all web
workers.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _keys(phone: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(_key("phone", phone or ""), settings.LOGIN_FAILURE_LIMIT_PER_PHONE)]
    if address:
        keys.append((_key("addr", address), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS))
    return keys


def is_locked(*, phone: str, address: str | None) -> bool:
    """True when this phone number or address has used up its failures for now."""
    counts = cache.get_many([key for key, _limit in _keys(phone, address)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(phone, address))


def record_failure(*, phone: str, address: str | None) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key, _limit in _keys(phone, address):
        # add() then incr() keeps the count atomic across workers sharing Redis.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)


def record_success(*, phone: str) -> None:
    """A correct password clears the phone's count (not the address's)."""
    cache.delete(_key("phone", phone or ""))


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")
