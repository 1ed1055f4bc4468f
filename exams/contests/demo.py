"""Demo contests (模考大赛): one that closed two weeks ago with its ranking published, and one
opening next Saturday morning with registration open, so the exam list, the result screen's
standings and the organisers' contest ranking all have something real to show.

Both are the real 初级《社会工作综合能力》 paper (80 questions, 100 points, pass 60, 120
minutes), drawn from the demo bank. The closed one was sat by the junior demo learners at its
opening minute (a few started late and had only the time left); the demo learner took part,
so her result screen shows her rank in the county, street and community. The upcoming one
has some registrations already; the demo learner has not registered, so she sees the 报名
button. Idempotent: contests are found by title; a rerun adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from exams.attempts.services import start_attempt
from exams.contests import services as contests
from exams.models import Level, Paper, Subject
from exams.papers import variants
from exams.papers.demo import DEMO_LEARNER_PHONE, OBJECTIVE, _preset, answer_and_hand_in
from exams.papers.services import blueprint_shortfalls
from learning.models import User

CLOSED_TITLE = "社工学堂模考大赛（第一期）·初级《社会工作综合能力》"
UPCOMING_TITLE = "社工学堂模考大赛（第二期）·初级《社会工作综合能力》"
DESCRIPTION = (
    "全市统一开考：{time}准时开始，迟到入场只计剩余时间，交卷后按全市、县区、街镇、社区排名，"
    "考试结束后公布名次与答案解析。" + OBJECTIVE
)


def load(*, stdout=None) -> None:
    now = timezone.now()
    rng = random.Random(2027)  # noqa: S311 - demo data
    made = 0
    closed_opens = _saturday_morning(now, weeks=-2)
    paper = _contest(CLOSED_TITLE, opens_at=closed_opens)
    if paper is not None:
        made += 1
        _sit_at_opening(paper, rng=rng)
    upcoming = _contest(UPCOMING_TITLE, opens_at=_saturday_morning(now, weeks=1))
    if upcoming is not None:
        made += 1
        for learner in _junior_learners()[:40]:
            contests.register(paper=upcoming, learner=learner, now=now - timedelta(days=1))
    if stdout is not None:
        stdout.write(_("模考大赛 %(count)s 场新建") % {"count": made})


def _saturday_morning(now: datetime, *, weeks: int) -> datetime:
    """09:00 on the Saturday ``weeks`` weeks from this week's (the usual slot of a 模考大赛)."""
    today = timezone.localtime(now).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks)
    if weeks > 0 and saturday <= today:
        saturday += timedelta(days=7)
    return timezone.make_aware(datetime.combine(saturday, time(9, 0)))


def _contest(title: str, *, opens_at: datetime) -> Paper | None:
    """The contest paper, made now, or None when it exists already or the bank is short."""
    if Paper.objects.filter(title=title).exists():
        return None
    paper = Paper(
        title=title,
        description=DESCRIPTION.format(
            time=timezone.localtime(opens_at).strftime("%-m月%-d日%H:%M")
        ),
        level=Level.JUNIOR,
        subject=Subject.COMPREHENSIVE,
        is_published=True,
        is_contest=True,
        opens_at=opens_at,
        attempts_allowed=1,
        shuffle_options=True,
        target_levels=["junior"],
    )
    paper.clean()  # a contest closes its time limit after the opening minute
    paper = _preset(paper)
    if blueprint_shortfalls(paper):
        paper.delete()
        return None
    variants.prepare(paper)
    return paper


def _junior_learners() -> list[User]:
    return list(
        User.objects.filter(profile__exam_level="junior")
        .exclude(phone=DEMO_LEARNER_PHONE)
        .order_by("pk")
    )


def _sit_at_opening(paper: Paper, *, rng: random.Random) -> None:
    """Registered a few days ahead, started at the opening minute (one in ten up to a quarter
    of an hour late), handed in before the close; the ranking is then the real one."""
    sitters = _junior_learners()[:20] + list(User.objects.filter(phone=DEMO_LEARNER_PHONE))
    for learner in sitters:
        contests.register(paper=paper, learner=learner, now=paper.opens_at - timedelta(days=3))
        late = rng.randint(1, 15) if rng.random() < 0.1 else 0
        started = paper.opens_at + timedelta(minutes=late, seconds=rng.randint(0, 50))
        attempt, _created = start_attempt(paper=paper, learner=learner, now=started)
        ability = 0.72 if learner.phone == DEMO_LEARNER_PHONE else rng.uniform(0.35, 0.95)
        handed_in = min(
            started + timedelta(minutes=rng.randint(60, 115)),
            attempt.deadline - timedelta(minutes=1),
        )
        answer_and_hand_in(attempt, ability=ability, rng=rng, now=handed_in)
