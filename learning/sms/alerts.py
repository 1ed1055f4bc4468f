"""Provider alerts: the provider refused to send anything, and organisers must act.

Bad credentials, an exhausted balance, a suspended account: retrying each message until its
tries run out would fail every text of the day without anyone noticing. Instead sending
stops, the messages wait (their tries untouched), one alert per provider and error code is
shown on the admin home page, and the next successful send closes it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from learning.models import SmsProviderAlert


def raise_alert(*, provider: str, code: str, message: str, now: datetime) -> None:
    """Open the alert for this provider and code, or count one more occurrence of it."""
    code = (code or "UNKNOWN")[:80]
    updated = SmsProviderAlert.objects.filter(
        provider=provider, code=code, resolved_at__isnull=True
    ).update(last_at=now, occurrences=F("occurrences") + 1, message=message[:300])
    if updated:
        return
    try:
        with transaction.atomic():
            SmsProviderAlert.objects.create(
                provider=provider, code=code, message=message[:300], first_at=now, last_at=now
            )
    except IntegrityError:  # another worker opened it just now
        raise_alert(provider=provider, code=code, message=message, now=now)


def resolve_alerts(*, provider: str, now: datetime) -> int:
    """A send went through: the provider works again."""
    return SmsProviderAlert.objects.filter(provider=provider, resolved_at__isnull=True).update(
        resolved_at=now
    )


def open_alerts():
    return SmsProviderAlert.objects.filter(resolved_at__isnull=True)
