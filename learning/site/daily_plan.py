"""Today's study plan on the home page (学习强国-style): tasks, points against their caps and
the study-day streak (the exam countdown is its own panel, read from the exam calendar).

A candidate comes back each day when the page says what is left to do today and what it is
worth; the caps are the organisers' point rules, so the page never promises points the
ledger would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from learning.models import LedgerEntry, PointRule, User
from learning.points.default_rules import DEFAULT_RULES
from learning.points.leaderboards import streak_from

#: Seconds the point rules' caps are kept in the cache: an organiser's change shows within a
#: minute, and the home page (the most visited) does not read the rules table every time.
CAPS_SECONDS = 60

#: (label, link, the point actions that count for it)
TASKS: list[tuple[Promise, str, tuple[str, ...]]] = [
    (_("登录打卡"), "/me/points/", ("daily_login",)),
    (_("每日一练"), "/practice/daily/", ("daily_practice_done", "practice_correct")),
    (_("学习课时"), "/courses/", ("lesson_completed",)),
    (_("模拟考试"), "/exams/", ("mock_exam_finished",)),
]


@dataclass(frozen=True)
class DailyTask:
    label: str
    href: str
    earned: int
    #: The most the task's actions can earn today; 0 when one of them has no cap.
    cap: int

    @property
    def done(self) -> bool:
        return self.earned > 0 and (self.cap == 0 or self.earned >= self.cap)

    @property
    def percent(self) -> int:
        if not self.cap:
            return 100 if self.earned else 0
        return min(100, round(100 * self.earned / self.cap))


@dataclass(frozen=True)
class DailyPlan:
    tasks: list[DailyTask]
    earned_today: int
    streak_days: int


def _caps() -> dict[str, int]:
    """Daily cap per action (-1: rule disabled): the organisers' rules, else the defaults."""
    caps = cache.get("daily_plan:caps")
    if caps is None:
        caps = {action: cap for action, (_points, cap) in DEFAULT_RULES.items()}
        for action, cap, active in PointRule.objects.values_list("action", "daily_cap", "active"):
            caps[action] = cap if active else -1
        cache.set("daily_plan:caps", caps, CAPS_SECONDS)
    return caps


def daily_plan(user: User) -> DailyPlan:
    """The learner's plan for today: one query of the ledger (points per day and action over
    the streak's window)."""
    local = timezone.get_default_timezone()
    today = timezone.localtime(timezone.now(), local).date()
    rows = (
        LedgerEntry.objects.filter(
            learner=user, created_at__gte=timezone.now() - timedelta(days=400)
        )
        .annotate(day=TruncDate("created_at", tzinfo=local))
        .values("day", "action")
        .annotate(total=Sum("points"))
        .values_list("day", "action", "total")
    )
    days: set[date] = set()
    earned: dict[str, int] = {}
    for day, action, total in rows:
        days.add(day)
        if day == today:
            earned[action] = total or 0
    caps = _caps()
    tasks = []
    for label, href, actions in TASKS:
        live = [a for a in actions if caps.get(a, 0) >= 0]
        if not live:
            continue
        cap = 0 if any(caps[a] == 0 for a in live) else sum(caps[a] for a in live)
        tasks.append(DailyTask(str(label), href, sum(earned.get(a, 0) for a in live), cap))
    return DailyPlan(
        tasks=tasks,
        earned_today=sum(earned.values()),
        streak_days=streak_from(days, today),
    )
