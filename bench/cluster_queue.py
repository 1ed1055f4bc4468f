"""Queue checks of the cluster check (bench/cluster.sh), run with the cluster's environment.

    python bench/cluster_queue.py tasks N            N tasks through the Redis broker, each run once
    python bench/cluster_queue.py reminders-once     no reminder text stored twice
    python bench/cluster_queue.py setup              the journey's learner and a few others
    python bench/cluster_queue.py sms-burst N        N texts queued, each sent exactly once
                                                     (through SMS_BACKEND, logged by the fake
                                                     provider or bench.sms_log)

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
        async_task("learning.platform.health.database_ok", group=GROUP)
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


DEMO_PHONE = "13800000001"
BURST_PREFIX = "cluster-burst"


def setup(learners: int = 20) -> None:
    """What the cluster check needs instead of the whole demo: the journey's learner (with the
    demo password) and a few learners in one community, so the check stays quick."""
    from learning.accounts.demo import DEMO_PASSWORD
    from learning.accounts.organisations import get_or_create_path
    from learning.models import LearnerProfile, User
    from learning.reminders.demo import placeholder_codes

    placeholder_codes()  # the fake provider approves the demo's template codes

    community = get_or_create_path("清河县", "城关镇", "幸福里社区")[0]
    for serial in range(learners):
        phone = DEMO_PHONE if serial == 0 else f"1380000{serial + 1000:04d}"
        user, created = User.objects.get_or_create(phone=phone, defaults={"name": f"学员{serial}"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        LearnerProfile.objects.get_or_create(user=user, defaults={"organisation": community})
    print(f"setup: {learners} learners")


def sms_burst(count: int) -> None:
    """Queue ``count`` reminder texts (one send task each, as reminders do), race two sweeps
    of due messages on top, and check each text was sent exactly once across both workers.

    Fails (exit 1) when a text is sent twice or never: its status must be sent/delivered with
    ``attempts == 1``, and the provider's log (``SMS_LOG_FILE``, one line per accepted number:
    the fake Aliyun's ``BizId<TAB>phone<TAB>OutId<TAB>pid``, or bench.sms_log's ``key<TAB>pid``)
    must hold it exactly once.
    """
    from collections import Counter
    from datetime import datetime, timedelta
    from datetime import time as clock

    from django.db import transaction
    from django.utils import timezone
    from django_q.tasks import async_task

    from learning.models import LearnerProfile, SmsMessage
    from learning.sms.delivery import queue

    log = Path(os.environ["SMS_LOG_FILE"])
    lines_before = len(log.read_text().splitlines()) if log.exists() else 0
    # Queued as of yesterday noon (local), inside any quiet-hours window: due right away.
    noon = datetime.combine(timezone.localdate() - timedelta(days=1), clock(12))
    moment = timezone.make_aware(noon)
    profiles = list(LearnerProfile.objects.select_related("user").order_by("pk"))
    run = f"{BURST_PREFIX}:{time.time_ns()}"
    with transaction.atomic():
        for number in range(count):
            learner = profiles[number % len(profiles)].user
            queue(
                phone=learner.phone,
                kind="daily_practice",
                context={"name": learner.name},
                key=f"{run}:{number}",
                learner=learner,
                now=moment,
            )
    # Two sweeps race the per-message tasks on both workers (skip-locked claims).
    for _ in range(2):
        async_task("learning.tasks.send_due_messages", group=GROUP)
    burst = SmsMessage.objects.filter(key__startswith=run)
    if burst.count() != count:
        raise SystemExit(f"FAILED: {burst.count()} messages queued for {count}")
    wait_for(
        lambda: not burst.filter(status__in=["queued", "sending"]).exists(),
        timeout=90,
        what=f"{count} texts sent",
    )
    time.sleep(2)  # a duplicate send would land now
    problems = []
    not_sent = burst.exclude(status__in=["sent", "delivered"]).values_list("key", "status")
    if not_sent:
        problems.append(f"not sent: {list(not_sent[:5])}")
    retried = burst.exclude(attempts=1).values_list("key", "attempts")
    if retried:
        problems.append(f"attempts != 1: {list(retried[:5])}")
    lines = [line.split("\t") for line in log.read_text().splitlines()[lines_before:]]
    if lines and len(lines[0]) == 4:  # the fake provider: one line per accepted number
        accepted = Counter((biz, phone) for biz, phone, _out, _pid in lines)
        rows = Counter(burst.values_list("provider_message_id", "phone"))
        if len(lines) != count:
            problems.append(f"the provider accepted {len(lines)} texts for {count}")
        if rows - accepted:
            problems.append(f"never reached the provider: {list(rows - accepted)[:5]}")
        calls = len({biz for biz, _phone in accepted})
        how = f"in {calls} provider calls"
    else:
        per_key = Counter(fields[0] for fields in lines if fields[0].startswith(run))
        twice = [key for key, n in per_key.items() if n > 1]
        if twice:
            problems.append(f"sent more than once by the provider: {twice[:5]}")
        missing = set(burst.values_list("key", flat=True)) - set(per_key)
        if missing:
            problems.append(f"never reached the provider: {sorted(missing)[:5]}")
        how = f"by {len(Counter(fields[1] for fields in lines))} worker processes"
    if problems:
        raise SystemExit("FAILED: " + "; ".join(problems))
    print(
        f"sms burst ok: {count} texts through {os.environ.get('SMS_BACKEND')}, each sent "
        f"exactly once, {how}"
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.production")
    import django

    django.setup()
    if sys.argv[1:2] == ["tasks"]:
        tasks_run_once(int(sys.argv[2]))
    elif sys.argv[1:2] == ["reminders-once"]:
        reminders_sent_once()
    elif sys.argv[1:2] == ["setup"]:
        setup()
    elif sys.argv[1:2] == ["sms-burst"]:
        sms_burst(int(sys.argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
