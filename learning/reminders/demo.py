"""Demo reminders: the organisers' usual rules, placeholder provider template codes and a few
messages already sent to the demo learner, so the message log and report have something to
show. Idempotent (rules are found by name, messages by their idempotency key, codes are
only filled in where blank)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import MessageTemplate, ReminderKind, ReminderRule, User
from learning.reminders.baseline import ensure_templates
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
#: No exam countdown among them: one sent "30 days before" a sitting half a year away would
#: tell the organiser something false about the rule.
HISTORY = [
    (ReminderKind.DAILY_PRACTICE, 3, {}),
    (ReminderKind.INACTIVITY, 2, {"days": 7}),
    (ReminderKind.DAILY_PRACTICE, 1, {}),
]


def placeholder_codes() -> None:
    """Every template gets a made-up code for both providers, so the demo can send through
    ``aliyun`` or ``tencent`` against a fake provider. A real deployment enters the codes
    its provider approved instead (docs/deploy.md)."""
    ensure_templates()
    for number, kind in enumerate(sorted(DEFAULT_TEMPLATES), start=1):
        template = MessageTemplate.objects.get(kind=kind)
        template.aliyun_code = template.aliyun_code or f"SMS_4900{number:05d}"
        template.tencent_code = template.tencent_code or f"{1900000 + number}"
        template.save(update_fields=["aliyun_code", "tencent_code", "updated_at"])


def load(*, stdout=None) -> None:
    placeholder_codes()
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
        key = f"demo:{kind}:{days_ago}:{learner.pk}"
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
        stdout.write(
            "  "
            + _("提醒规则 %(rules)s 条，演示短信 %(messages)s 条")
            % {"rules": len(rules), "messages": len(HISTORY)}
        )
