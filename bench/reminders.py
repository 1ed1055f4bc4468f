"""Reminder dispatch benchmark: evaluate the rules for N learners and queue their messages.

Runs on a fresh SQLite database in a temporary folder with the ORM broker (the embedded
default), four rules (inactivity, daily practice, exam countdown, weekly rank) and one
ledger entry per learner; prints the time and the number of queries of a first evaluation
(everything new) and of a second one (everything already queued: nothing may be added).

    .venv/bin/python bench/reminders.py --learners 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "learning.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(learners: int) -> None:
    from django.utils import timezone

    from learning.accounts.organisations import get_or_create_path
    from learning.models import LearnerProfile, LedgerEntry, ReminderRule, User

    communities = [get_or_create_path("清河县", "城关镇", f"第{i}社区")[0] for i in range(20)]
    now = timezone.now()
    User.objects.bulk_create(
        (
            User(
                phone=f"139{i:08d}",
                name=f"学员{i}",
                password="!",  # noqa: S106 - an unusable password
                date_joined=now - timedelta(days=60),
                last_login=now - timedelta(days=i % 15),
            )
            for i in range(learners)
        ),
        batch_size=2000,
    )
    ids = list(User.objects.values_list("pk", flat=True))
    LearnerProfile.objects.bulk_create(
        (
            LearnerProfile(
                user_id=pk,
                organisation=communities[pk % len(communities)],
                exam_level="junior",
                exam_date=date.today() + timedelta(days=pk % 40),
            )
            for pk in ids
        ),
        batch_size=2000,
    )
    LedgerEntry.objects.bulk_create(
        (
            LedgerEntry(
                learner_id=pk,
                action="lesson_completed",
                points=pk % 7,
                key=f"bench:{pk}",
                created_at=now - timedelta(days=pk % 10),
            )
            for pk in ids
        ),
        batch_size=2000,
    )
    weekday = timezone.localdate().weekday()
    for kind in ("inactivity", "daily_practice", "exam_countdown", "weekly_rank"):
        ReminderRule.objects.create(name=kind, kind=kind, send_time=clock(0, 0), weekday=weekday)


def measure(label: str) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from learning.reminders import evaluate_all

    settings.SMS_DAILY_CAP = 10  # measure every rule's messages, not the cap
    now = timezone.localtime().replace(hour=12, minute=0)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        counts = evaluate_all(now=now)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s, {len(queries)} queries, {counts}")
    return {"seconds": seconds, "queries": len(queries), "counts": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        started = time.perf_counter()
        populate(args.learners)
        print(f"{args.learners} learners created in {time.perf_counter() - started:.1f} s")
        first = measure("first evaluation")
        again = measure("second evaluation")
    ok = first["seconds"] < TARGET_SECONDS and again["counts"].get("queued", 0) == 0
    print(f"target < {TARGET_SECONDS} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
