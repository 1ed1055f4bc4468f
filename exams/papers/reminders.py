"""Reminder providers for mock exams, called by the learning core's reminder rules.

Each yields ``(learner user id, context, period key)`` for every eligible learner (the paper's
target organisations and levels) who has not attempted the paper yet. The context carries the
paper's title and the time formatted for a text message (local time, ``11月26日 09:00``) plus
the same instant in ISO 8601; the period key (``paper-open:<id>`` / ``paper-close:<id>``) makes
each reminder go out once per learner and paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from exams.models import Attempt, Paper
from learning.models import LearnerProfile

#: How far ahead a paper's opening or closing is announced.
DEFAULT_WINDOW_HOURS = 24


def window() -> timedelta:
    return timedelta(hours=getattr(settings, "EXAMS_REMINDER_WINDOW_HOURS", DEFAULT_WINDOW_HOURS))


def sms_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def eligible_learners(paper: Paper) -> QuerySet[LearnerProfile]:
    """Learners the paper is aimed at (organisation subtrees and exam levels)."""
    learners = LearnerProfile.objects.filter(user__is_active=True)
    targets = list(paper.target_organisations.all())
    if targets:
        subtree = Q()
        for organisation in targets:
            subtree |= Q(organisation__path__startswith=organisation.path)
        learners = learners.filter(subtree)
    if paper.target_levels:
        learners = learners.filter(exam_level__in=paper.target_levels)
    return learners


def _reminders(papers: Iterable[Paper], field: str, key: str) -> Iterator[tuple[int, dict, str]]:
    for paper in papers:
        moment = getattr(paper, field)
        attempted = Attempt.objects.filter(paper=paper).values("learner_id")
        learners = eligible_learners(paper).exclude(user_id__in=attempted)
        context = {
            "paper_title": paper.title,
            # the reminder templates' placeholder (learning.sms.text), and the named field
            "paper_time": sms_time(moment),
            field: sms_time(moment),
            f"{field}_iso": timezone.localtime(moment).isoformat(),
        }
        for user_id in learners.values_list("user_id", flat=True).order_by("user_id"):
            yield user_id, dict(context), f"{key}:{paper.pk}"


def papers_opening_soon(now: datetime) -> Iterator[tuple[int, dict, str]]:
    """Published papers opening within the window after ``now``."""
    papers = Paper.objects.filter(
        is_published=True, opens_at__gt=now, opens_at__lte=now + window()
    ).prefetch_related("target_organisations")
    return _reminders(papers, "opens_at", "paper-open")


def papers_closing_soon(now: datetime) -> Iterator[tuple[int, dict, str]]:
    """Papers open now that close within the window after ``now``."""
    papers = (
        Paper.objects.filter(is_published=True, closes_at__gt=now, closes_at__lte=now + window())
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .prefetch_related("target_organisations")
    )
    return _reminders(papers, "closes_at", "paper-close")
