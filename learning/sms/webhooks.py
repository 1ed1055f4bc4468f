"""Checking our own signed SMS webhooks: signature, timestamp and a nonce used only once.

The order matters: the signature is checked first, so an unauthenticated caller cannot fill
the nonce table; then the timestamp, so a nonce only has to be remembered while its request
could still be fresh; the nonce last, by inserting it (the unique constraint decides between
two copies of one request arriving at once).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.models import WebhookNonce
from learning.sms import signing


class WebhookRefused(Exception):
    """The request is not a fresh, authentic webhook call (answered 403)."""


def verify_webhook(
    *, body: bytes, headers, secret: str | None = None, now: datetime | None = None
) -> None:
    """Raise :class:`WebhookRefused` unless the request is signed, fresh and new."""
    secret = settings.SMS_WEBHOOK_SECRET if secret is None else secret
    stamp = (headers.get(signing.TIMESTAMP_HEADER) or "").strip()
    nonce = (headers.get(signing.NONCE_HEADER) or "").strip()
    signature = headers.get(signing.HEADER)
    if not stamp or not nonce or len(nonce) > signing.MAX_NONCE_LENGTH:
        raise WebhookRefused("missing timestamp or nonce")
    if not signing.verify(signing.webhook_payload(stamp, nonce, body), secret, signature):
        raise WebhookRefused("bad signature")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise WebhookRefused("bad timestamp")
    now = now or timezone.now()
    signed_at = datetime.fromtimestamp(int(stamp), tz=UTC)
    if abs((now - signed_at).total_seconds()) > signing.MAX_SKEW_SECONDS:
        raise WebhookRefused("stale timestamp")
    try:
        with transaction.atomic():
            WebhookNonce.objects.create(nonce=nonce, signed_at=signed_at, received_at=now)
    except IntegrityError as exc:
        raise WebhookRefused("nonce seen before") from exc


def prune_nonces(*, now: datetime | None = None) -> int:
    """Forget nonces whose timestamp is too old to be accepted again anyway."""
    now = now or timezone.now()
    horizon = now - timedelta(seconds=signing.MAX_SKEW_SECONDS * 2)
    deleted, _by_model = WebhookNonce.objects.filter(signed_at__lt=horizon).delete()
    return deleted
