"""Manual reminders (手动提醒): an organiser texts chosen learners once, from a report.

Sent through the same queue as the rule-based reminders (:func:`learning.sms.delivery.queue`),
so the signature, the opt-out line, opt-outs and quiet hours apply; on top of that the
learner's daily cap and their "receive reminders" switch are respected here. ``batch`` (one
per form shown) makes the idempotency key: submitting the same form twice texts nobody twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from learning.models import ReminderPreference, SmsMessage, SuppressReason, User
from learning.reminders.evaluation import daily_cap
from learning.sms.delivery import queue

#: The ``kind`` of manual messages in the message log.
MANUAL_KIND = "manual"


def manual_key(*, batch: str, user_id: int) -> str:
    return f"manual:{batch}:{user_id}"[:200]


def remind_learners(
    *, learner_ids: list[int], body: str, batch: str, now: datetime | None = None
) -> dict[str, int]:
    """Queue ``body`` (may use ``{name}``) to each learner once per ``batch``; returns counts.

    Counts: ``queued``, ``already_sent`` (same batch), ``preference`` (reminders turned
    off), ``daily_cap`` (today's messages used up), ``opted_out`` (queued as suppressed).
    A constant number of queries for the checks, then one insert per message.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    learners = list(User.objects.filter(pk__in=learner_ids).only("pk", "name", "phone"))
    keys = {learner.pk: manual_key(batch=batch, user_id=learner.pk) for learner in learners}
    existing = set(SmsMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    switched_off = set(
        ReminderPreference.objects.filter(user_id__in=keys, enabled=False).values_list(
            "user_id", flat=True
        )
    )
    sent_today = Counter(
        dict(
            SmsMessage.objects.filter(
                learner_id__in=keys,
                send_date=today,
                status__in=SmsMessage.COUNTED,
            )
            .values_list("learner_id")
            .annotate(n=Count("pk"))
            .values_list("learner_id", "n")
        )
    )
    counts: Counter = Counter()
    for learner in learners:
        if keys[learner.pk] in existing:
            counts["already_sent"] += 1
        elif learner.pk in switched_off:
            counts[SuppressReason.PREFERENCE.value] += 1
        elif sent_today[learner.pk] >= daily_cap():
            counts[SuppressReason.DAILY_CAP.value] += 1
        else:
            message = queue(
                phone=learner.phone,
                body=body,
                key=keys[learner.pk],
                context={"name": learner.name},
                learner=learner,
                kind=MANUAL_KIND,
                now=now,
            )
            counts[message.reason or "queued"] += 1
    return dict(counts)
