"""Read-side queries for the reminder admin: the message log and the delivery report."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from learning.models import Organisation, SmsMessage, SmsStatus

REPORT_COLUMNS = {
    "sent": (SmsStatus.SENT, SmsStatus.DELIVERED),
    "delivered": (SmsStatus.DELIVERED,),
    "failed": (SmsStatus.FAILED,),
    "suppressed": (SmsStatus.SUPPRESSED,),
    "pending": (SmsStatus.QUEUED, SmsStatus.SENDING),
}


def messages_in(scope: Organisation | None) -> QuerySet[SmsMessage]:
    """Messages to learners in an organiser's subtree (all messages for ``None``)."""
    messages = SmsMessage.objects.select_related("learner", "rule")
    if scope is None:
        return messages
    return messages.filter(learner__profile__organisation__path__startswith=scope.path)


def delivery_report(scope: Organisation | None, *, days: int = 14) -> list[dict]:
    """Per local day and rule: sent (incl. delivered), delivered, failed, suppressed, pending.

    One grouped query, newest day first.
    """
    since: date = timezone.localdate() - timedelta(days=days - 1)
    rows = (
        messages_in(scope)
        .filter(send_date__gte=since)
        .values("send_date", "rule__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[tuple, dict] = {}
    for row in rows:
        line = table.setdefault(
            (row["send_date"], row["rule__name"] or "—"),
            {"day": row["send_date"], "rule": row["rule__name"] or "—"}
            | dict.fromkeys(REPORT_COLUMNS, 0),
        )
        for column, statuses in REPORT_COLUMNS.items():
            if row["status"] in statuses:
                line[column] += row["n"]
    return sorted(table.values(), key=lambda line: (-line["day"].toordinal(), line["rule"]))


def recent_failures(scope: Organisation | None, *, days: int = 7, limit: int = 5) -> dict:
    """Messages that failed for good in the last ``days`` days: how many, and the latest few.

    What organisers must see so that a text that never arrived is not lost silently.
    """
    since = timezone.now() - timedelta(days=days)
    failed = messages_in(scope).filter(status=SmsStatus.FAILED, failed_at__gte=since)
    return {"count": failed.count(), "latest": list(failed.order_by("-failed_at")[:limit])}
