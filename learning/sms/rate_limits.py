"""The providers' limits per number (同一号码频率限制), respected before sending.

Aliyun and Tencent refuse a text to a number that already got too many in the last minute,
hour or day (by default 1, 5 and 10; ``SMS_RATE_LIMITS`` follows what the provider console
says). Discovering that by failures wastes a try and fills the log with errors, so a message
over a limit waits, without using a try, until the oldest text of the full window leaves
it. The windows are rolling (a rolling day is stricter than the providers' calendar day).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings

from learning.models import SmsMessage

WINDOWS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


class NumberLimits:
    """Texts already handed to the provider per number, and the ones this batch adds."""

    def __init__(self, phones, *, now: datetime):
        self.now = now
        self.limits = {
            window: count
            for window, count in getattr(settings, "SMS_RATE_LIMITS", {}).items()
            if window in WINDOWS
        }
        self.sent: dict[str, list[datetime]] = defaultdict(list)
        if not self.limits:
            return
        longest = max(WINDOWS[window] for window in self.limits)
        rows = SmsMessage.objects.filter(
            phone__in=set(phones), sent_at__gt=now - longest, sent_at__lte=now
        ).values_list("phone", "sent_at")
        for phone, sent_at in rows:
            self.sent[phone].append(sent_at)

    def wait_until(self, phone: str) -> datetime | None:
        """None when a text to ``phone`` may go now, else the moment it may."""
        latest = None
        history = sorted(self.sent[phone])
        for window, limit in self.limits.items():
            inside = [moment for moment in history if moment > self.now - WINDOWS[window]]
            if len(inside) >= limit:
                frees_at = inside[len(inside) - limit] + WINDOWS[window]
                latest = frees_at if latest is None else max(latest, frees_at)
        return latest

    def take(self, phone: str) -> None:
        """Count a text this batch is about to send."""
        self.sent[phone].append(self.now)
