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
    "任务队列：重新排队未入队的任务": ("learning.tasks.retry_deferred_tasks", 1),
    "登录：清理过期的失败记录和验证码": ("learning.tasks.prune_login_records", 60),
    "短信回调：清理过期随机串": ("learning.tasks.prune_webhook_nonces", 10),
    "短信回执：查询未回执短信的状态": ("learning.tasks.query_sms_statuses", 15),
}


def evaluate_reminders() -> dict[str, int]:
    return evaluate_all(now=timezone.now())


def send_messages(keys: list[str]) -> dict[str, int]:
    """Send one evaluation batch (those of its messages that are still due and queued)."""
    return send_due(keys=keys, limit=len(keys))


def retry_deferred_tasks() -> int:
    """Queue again what the broker refused while it was down (``learning.platform.task_queue``)."""
    from learning.platform.task_queue import retry_deferred

    return retry_deferred()


def prune_login_records() -> int:
    """Forget log-in failures and code requests that no limit counts any more."""
    from learning.accounts import login_throttle, sms_codes

    return login_throttle.prune() + sms_codes.prune()


def prune_webhook_nonces() -> int:
    """Forget webhook nonces too old to be replayed (their timestamps are refused anyway)."""
    from learning.sms.webhooks import prune_nonces

    return prune_nonces()


def query_sms_statuses() -> int:
    """Ask Aliyun or Tencent about sent messages whose receipt never came (the fallback)."""
    from learning.sms.delivery import query_statuses

    return query_statuses()


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
