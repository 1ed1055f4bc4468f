"""HMAC-SHA256 signatures of raw request bodies (``X-Signature: <hex>``)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Signature"


def sign(body: bytes, key: str) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, key: str, signature: str | None) -> bool:
    """True when ``signature`` is the body's HMAC; never true without a configured key."""
    if not key or not signature:
        return False
    return hmac.compare_digest(sign(body, key), signature.strip().lower())
