"""Who a rule reminds, and with what: one candidate source per reminder kind.

Kinds whose data lives in the core (ledger, profiles) are computed here, set-based (a few
queries per rule whatever the number of learners). Kinds whose data lives in apps above the
core (mock exams in ``exams``, offline sessions in ``lecturers``) come from providers named
by dotted path in ``settings.REMINDER_SOURCES``::

    REMINDER_SOURCES = {"paper_opening": "exams.papers.reminders.papers_opening_soon", ...}

A provider is ``fn(now: datetime) -> Iterable[tuple[int, dict, str]]`` yielding
(learner user id, placeholder context, period key); the core never imports those apps.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from learning.exam_calendar import calendar_day
from learning.models import (
    LearnerProfile,
    LedgerEntry,
    PointAction,
    ReminderKind,
    ReminderRule,
)
from learning.points.ledger import local_day_start

logger = logging.getLogger(__name__)


@dataclass
class Candidate:
    """A learner a rule wants to remind in a period, with the text's placeholders."""

    user_id: int
    period: str
    context: dict = field(default_factory=dict)
    why: str = ""


class SourceUnavailable(Exception):
    """The kind's provider is not configured or cannot be imported (the rule is skipped)."""


def targeted_learners(rule: ReminderRule) -> QuerySet[LearnerProfile]:
    """Active learners in the rule's organisations (subtrees) and exam levels."""
    profiles = LearnerProfile.objects.filter(user__is_active=True)
    paths = [org.path for org in rule.organisations.all()]
    if paths:
        in_any = Q()
        for path in paths:
            in_any |= Q(organisation__path__startswith=path)
        profiles = profiles.filter(in_any)
    if rule.exam_levels:
        profiles = profiles.filter(exam_level__in=rule.exam_levels)
    return profiles


def _inactivity(rule: ReminderRule, now: datetime, learners: QuerySet) -> Iterator[Candidate]:
    """No ledger entry and no log-in for ``inactive_days`` days; repeats every N days."""
    threshold = max(1, rule.inactive_days)
    today = timezone.localtime(now).date()
    rows = learners.annotate(last_entry=Max("user__ledger_entries__created_at")).values_list(
        "user_id", "user__name", "user__last_login", "last_entry", "user__date_joined"
    )
    for user_id, name, last_login, last_entry, joined in rows:
        last = max(moment for moment in (last_login, last_entry, joined) if moment)
        last_day = timezone.localtime(last).date()
        days = (today - last_day).days
        if days >= threshold:
            yield Candidate(
                user_id,
                f"{last_day.isoformat()}:{days // threshold}",
                {"name": name, "days": days},
                _("已 %(days)s 天没有学习记录或登录（规则：%(threshold)s 天）")
                % {"days": days, "threshold": threshold},
            )


def _daily_practice(rule: ReminderRule, now: datetime, learners: QuerySet) -> Iterator[Candidate]:
    """Everyone targeted who has not done today's practice yet."""
    start = local_day_start(now)
    done = LedgerEntry.objects.filter(
        action=PointAction.DAILY_PRACTICE_DONE, created_at__gte=start
    ).values("learner_id")
    day = start.date().isoformat()
    for user_id, name in learners.exclude(user_id__in=done).values_list("user_id", "user__name"):
        yield Candidate(user_id, day, {"name": name}, _("今天还没有完成每日一练"))


def _exam_countdown(rule: ReminderRule, now: datetime, learners: QuerySet) -> Iterator[Candidate]:
    """Learners whose exam day is exactly one of the countdown steps away.

    The exam day is the one on the learner's profile while it is ahead, otherwise the exam
    calendar's next day for their level (learning.exam_calendar), so a roster without dates
    still gets its countdown.
    """
    today = timezone.localtime(now).date()
    steps = {today + timedelta(days=days): days for days in rule.countdown_list}
    rows = list(
        learners.filter(exam_date__in=list(steps)).values_list("user_id", "user__name", "exam_date")
    )
    undated = learners.filter(Q(exam_date__isnull=True) | Q(exam_date__lt=today))
    for level in undated.exclude(exam_level="").values_list("exam_level", flat=True).distinct():
        found = calendar_day(level, today=today)
        if found is not None and found[0] in steps:
            rows += [
                (user_id, name, found[0])
                for user_id, name in undated.filter(exam_level=level).values_list(
                    "user_id", "user__name"
                )
            ]
    for user_id, name, exam_date in rows:
        days_left = steps[exam_date]
        yield Candidate(
            user_id,
            f"{exam_date.isoformat()}:{days_left}",
            {
                "name": name,
                "exam_date": f"{exam_date.year}年{exam_date.month}月{exam_date.day}日",
                "days_left": days_left,
            },
            _("距考试日期 %(date)s 还有 %(days)s 天")
            % {"date": exam_date.isoformat(), "days": days_left},
        )


def _weekly_rank(rule: ReminderRule, now: datetime, learners: QuerySet) -> Iterator[Candidate]:
    """Last week's (Monday to Sunday) points and prefecture-wide rank, on the rule's weekday."""
    today = local_day_start(now)
    if today.weekday() != rule.weekday:
        return
    week_start = today - timedelta(days=today.weekday() + 7)
    week_end = week_start + timedelta(days=7)
    points = dict(
        LedgerEntry.objects.filter(created_at__gte=week_start, created_at__lt=week_end)
        .values("learner_id")
        .annotate(total=Sum("points"))
        .values_list("learner_id", "total")
    )
    ascending = sorted(points.values())
    year, week, _weekday = week_start.isocalendar()
    for user_id, name in learners.values_list("user_id", "user__name"):
        mine = points.get(user_id, 0) or 0
        rank = len(ascending) - bisect.bisect_right(ascending, mine) + 1
        yield Candidate(
            user_id,
            f"{year}-W{week:02d}",
            {"name": name, "rank": rank, "points": mine},
            _("上周积分 %(points)s，排名第 %(rank)s") % {"points": mine, "rank": rank},
        )


BUILTIN = {
    ReminderKind.INACTIVITY: _inactivity,
    ReminderKind.DAILY_PRACTICE: _daily_practice,
    ReminderKind.EXAM_COUNTDOWN: _exam_countdown,
    ReminderKind.WEEKLY_RANK: _weekly_rank,
}


def provider_for(kind: str):
    dotted = getattr(settings, "REMINDER_SOURCES", {}).get(kind)
    if not dotted:
        raise SourceUnavailable(f"no REMINDER_SOURCES entry for {kind}")
    try:
        return import_string(dotted)
    except ImportError as exc:
        raise SourceUnavailable(f"{dotted}: {exc}") from exc


def _from_provider(
    provider, rule: ReminderRule, now: datetime, learners: QuerySet
) -> Iterator[Candidate]:
    names = dict(learners.values_list("user_id", "user__name"))
    rows: Iterable = provider(now)
    for user_id, context, period in rows:
        if user_id in names:
            yield Candidate(
                user_id,
                str(period),
                {"name": names[user_id], **context},
                _("来源 %(kind)s，周期 %(period)s") % {"kind": rule.kind, "period": period},
            )


def candidates(rule: ReminderRule, now: datetime) -> Iterator[Candidate]:
    """Everyone ``rule`` wants to remind now; raises SourceUnavailable for a missing provider."""
    if rule.kind in BUILTIN:
        return BUILTIN[rule.kind](rule, now, targeted_learners(rule))
    return _from_provider(provider_for(rule.kind), rule, now, targeted_learners(rule))
