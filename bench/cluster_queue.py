"""Queue checks of the cluster check (bench/cluster.sh), run with the cluster's environment.

    python bench/cluster_queue.py tasks N            N tasks through the Redis broker, each run once
    python bench/cluster_queue.py reminders-once     no reminder text stored twice

Exit status 0 when the check holds, 1 (with the reason) when it does not.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GROUP = "cluster-check"


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"FAILED: {what} within {timeout:.0f} s")
        time.sleep(0.5)


def tasks_run_once(count: int) -> None:
    """Enqueue ``count`` tasks; both workers drain them and each is done exactly once."""
    from django_q.models import Task
    from django_q.tasks import async_task

    for _ in range(count):
        async_task("learning.health.database_ok", group=GROUP)
    done = Task.objects.filter(group=GROUP)
    wait_for(lambda: done.count() >= count, timeout=60, what=f"{count} tasks done")
    time.sleep(1)  # a duplicate delivery would land now
    if done.count() != count or done.filter(success=False).exists():
        raise SystemExit(f"FAILED: {done.count()} task results for {count} tasks")
    print(f"queue ok: {count} tasks, each run exactly once")


def reminders_sent_once() -> None:
    """Every stored text message has its own idempotency key: nothing was sent twice.

    Runs after two `send_reminders` raced while both workers delivered (bench/cluster.sh).
    Adjust the field names here if the reminders feature names them differently.
    """
    from django.apps import apps
    from django.db.models import Count

    message = apps.get_model("learning", "SmsMessage")
    key = next(f.name for f in message._meta.fields if f.name in ("key", "idempotency_key"))
    status_field = next((f.name for f in message._meta.fields if f.name == "status"), None)

    def settled() -> bool:
        if status_field is None:
            return True
        return not message.objects.filter(**{f"{status_field}__in": ["queued", "pending"]}).exists()

    wait_for(settled, timeout=90, what="reminders delivered")
    duplicates = message.objects.values(key).annotate(n=Count("pk")).filter(n__gt=1)
    if duplicates.exists():
        raise SystemExit(f"FAILED: sent more than once: {list(duplicates[:5])}")
    sent = message.objects.count()
    if sent == 0:
        # Nothing due in the demo data proves nothing; make some learners due before the race.
        print("WARNING: the reminders burst sent no message; the exactly-once check is empty")
    print(f"reminders ok: {sent} messages, none sent twice")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.production")
    import django

    django.setup()
    if sys.argv[1:2] == ["tasks"]:
        tasks_run_once(int(sys.argv[2]))
    elif sys.argv[1:2] == ["reminders-once"]:
        reminders_sent_once()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
