"""Demo reminders: the organisers' usual rules and a few messages already sent to the demo
learner, so the message log and report have something to show. Idempotent (rules are found
by name, messages by their idempotency key)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from learning.models import ReminderKind, ReminderRule, User
from learning.sms.delivery import queue, send_due
from learning.sms.text import DEFAULT_TEMPLATES

RULES = [
    # name, kind, send time, extra fields
    (
        "连续7天未学习提醒",
        ReminderKind.INACTIVITY,
        time(19, 0),
        {"inactive_days": 7, "priority": 50},
    ),
    ("每日一练提醒", ReminderKind.DAILY_PRACTICE, time(18, 30), {"priority": 90}),
    ("考前30/7/1天倒计时", ReminderKind.EXAM_COUNTDOWN, time(9, 0), {"priority": 10}),
    ("每周一积分排名", ReminderKind.WEEKLY_RANK, time(10, 0), {"weekday": 0, "priority": 80}),
    ("模拟考试开放提醒", ReminderKind.PAPER_OPENING, time(9, 30), {"priority": 30}),
    ("模拟考试截止提醒", ReminderKind.PAPER_CLOSING, time(12, 0), {"priority": 20}),
    ("明日线下培训提醒", ReminderKind.SESSION_TOMORROW, time(17, 0), {"priority": 15}),
]

#: Messages the demo learner received over the last days: kind, days ago, placeholders.
HISTORY = [
    (ReminderKind.DAILY_PRACTICE, 3, {}),
    (ReminderKind.INACTIVITY, 2, {"days": 7}),
    (ReminderKind.EXAM_COUNTDOWN, 1, {"exam_date": "2027年6月13日", "days_left": 30}),
]


def load(*, stdout=None) -> None:
    rules = {}
    for name, kind, send_time, extra in RULES:
        rules[kind], _created = ReminderRule.objects.get_or_create(
            name=name, defaults={"kind": kind, "send_time": send_time, **extra}
        )
    learner = User.objects.filter(phone="13800000001").first()
    if learner is None:
        return
    for kind, days_ago, context in HISTORY:
        moment = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
        moment -= timedelta(days=days_ago)
        key = f"demo:{kind}:{learner.pk}"
        queue(
            phone=learner.phone,
            body=DEFAULT_TEMPLATES[kind],
            context={"name": learner.name, **context},
            key=key,
            learner=learner,
            kind=kind,
            rule=rules[kind],
            now=moment,
        )
        send_due(keys=[key], now=moment)
    if stdout is not None:
        stdout.write(f"  提醒规则 {len(rules)} 条，演示短信 {len(HISTORY)} 条")
