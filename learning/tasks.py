"""Background work of the learner core, run by django-q2 workers.

Scheduled (see :func:`ensure_schedules`, run after every migrate): rule evaluation every few
minutes and a sweep that sends due messages (deferred past quiet hours, retries after
backoff) every minute. Each evaluation batch also enqueues its own send right after commit.
"""

from __future__ import annotations

from django.utils import timezone

from learning.reminders import evaluate_all
from learning.sms.delivery import send_due

#: name -> (function, minutes between runs); names identify the rows in the admin.
SCHEDULES = {
    "学习提醒：评估规则": ("learning.tasks.evaluate_reminders", 10),
    "学习提醒：发送到期短信": ("learning.tasks.send_due_messages", 1),
}


def evaluate_reminders() -> dict[str, int]:
    return evaluate_all(now=timezone.now())


def send_messages(keys: list[str]) -> dict[str, int]:
    """Send one evaluation batch (those of its messages that are still due and queued)."""
    return send_due(keys=keys, limit=len(keys))


def send_due_messages(max_batches: int = 20) -> dict[str, int]:
    """Send everything due, batch by batch; the rest waits for the next run."""
    totals: dict[str, int] = {}
    for _batch in range(max_batches):
        counts = send_due()
        for status, number in counts.items():
            totals[status] = totals.get(status, 0) + number
        if not counts:
            break
    return totals


def ensure_schedules() -> None:
    """Create the reminder schedules once (idempotent; organisers may change their timing)."""
    from django_q.models import Schedule

    existing = set(Schedule.objects.filter(name__in=SCHEDULES).values_list("name", flat=True))
    for name, (func, minutes) in SCHEDULES.items():
        if name not in existing:
            Schedule.objects.create(
                name=name,
                func=func,
                schedule_type=Schedule.MINUTES,
                minutes=minutes,
                repeats=-1,
                next_run=timezone.now(),
            )
