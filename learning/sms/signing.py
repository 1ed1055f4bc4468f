"""HMAC-SHA256 signatures of our SMS requests and webhooks.

Outgoing requests of the ``http`` backend sign the raw body (``X-Signature: <hex>``).

Our own webhooks (``/api/v1/sms/inbound``, the ``http`` backend's receipts) sign
``"<timestamp>.<nonce>.<raw body>"`` (``X-Timestamp``, ``X-Nonce``, ``X-Signature``), as
``/work/shared/API.md`` specifies: a captured request cannot be replayed, because its
timestamp goes stale within :data:`MAX_SKEW_SECONDS` and its nonce is accepted only once
(:func:`learning.sms.webhooks.verify_webhook` records it). A body signed the old way (the
body alone) does not verify.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
NONCE_HEADER = "X-Nonce"

#: A webhook whose timestamp is further than this from the server's clock is refused.
MAX_SKEW_SECONDS = 300
#: Longest nonce accepted (the nonce table's column).
MAX_NONCE_LENGTH = 100


def sign(body: bytes, key: str) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, key: str, signature: str | None) -> bool:
    """True when ``signature`` is the body's HMAC; never true without a configured key."""
    if not key or not signature:
        return False
    return hmac.compare_digest(sign(body, key), signature.strip().lower())


def webhook_payload(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What a webhook's signature covers: ``<timestamp>.<nonce>.<raw body>``."""
    return f"{timestamp}.{nonce}.".encode() + body


def sign_webhook(body: bytes, key: str, *, timestamp: int | str, nonce: str) -> dict[str, str]:
    """The three headers a sender of our webhooks attaches (the test gateways use it)."""
    stamp = str(timestamp)
    return {
        TIMESTAMP_HEADER: stamp,
        NONCE_HEADER: nonce,
        HEADER: sign(webhook_payload(stamp, nonce, body), key),
    }
