"""Demo points: twelve weeks of study history for every demo learner.

Every point goes through ``learning.points.ledger.award_history`` (``award`` for a batch, at the
moment each event happened), so the rules and daily caps hold and the totals are built as in
real use. Keys are derived from the day and activity, so a second run awards nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import ngettext

from learning.models import LearnerProfile, PointAction, User
from learning.points.ledger import PendingAward, award_history

DAYS = 84
#: The demo learner everyone logs in as studies almost every day (a visible streak).
DILIGENT_PHONE = "13800000001"
#: Two offline sessions (线下集训) in the period, as days ago.
SESSION_DAYS = (40, 12)


def _activities(
    rng: random.Random, day_index: int, weekday: int
) -> list[tuple[str, str, int | None]]:
    """(action, key suffix, points override) a learner did on an active day."""
    done: list[tuple[str, str, int | None]] = [(PointAction.DAILY_LOGIN, "", None)]
    for lesson in range(rng.choice([0, 1, 1, 2, 3])):
        done.append((PointAction.LESSON_COMPLETED, f"lesson{lesson}", None))
    if rng.random() < 0.6:
        # One award for the day's correct practice answers; the daily cap still applies.
        done.append((PointAction.PRACTICE_CORRECT, "practice", rng.randint(3, 25)))
        if rng.random() < 0.5:
            done.append((PointAction.DAILY_PRACTICE_DONE, "daily", None))
    if weekday == 5 and rng.random() < 0.5:
        done.append((PointAction.MOCK_EXAM_FINISHED, "mock", None))
        if rng.random() < 0.6:
            done.append((PointAction.MOCK_EXAM_PASSED, "mock", None))
            if rng.random() < 0.3:
                done.append((PointAction.MOCK_EXAM_SCORE_BAND, "mock", None))
    if day_index in SESSION_DAYS and rng.random() < 0.4:
        done.append((PointAction.SESSION_ATTENDED, "session", None))
    if day_index % 17 == 0 and rng.random() < 0.1:
        done.append((PointAction.COURSE_COMPLETED, "course", None))
    return done


NOTES = {
    PointAction.LESSON_COMPLETED: "完成课时学习",
    PointAction.PRACTICE_CORRECT: "章节练习答对",
    PointAction.DAILY_PRACTICE_DONE: "完成每日一练",
    PointAction.MOCK_EXAM_FINISHED: "周末模拟考试",
    PointAction.MOCK_EXAM_PASSED: "模拟考试及格",
    PointAction.MOCK_EXAM_SCORE_BAND: "模拟考试 80 分以上",
    PointAction.SESSION_ATTENDED: "参加线下集训签到",
    PointAction.COURSE_COMPLETED: "完成整门课程",
    PointAction.STREAK_BONUS: "连续学习 7 天奖励",
}


def load(*, stdout=None) -> None:
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    awarded = 0
    for profile in LearnerProfile.objects.select_related("user").order_by("pk"):
        awarded += award_history(learner=profile.user, events=_history(profile.user, now))
    if stdout is not None:
        stdout.write(
            ngettext("演示积分：新增 %(points)s 分", "演示积分：新增 %(points)s 分", awarded)
            % {"points": awarded}
        )


def _history(learner: User, now: datetime) -> list[PendingAward]:
    """Twelve weeks of one learner's study, the same on every run (seeded by the phone)."""
    rng = random.Random(f"points:{learner.phone}")  # noqa: S311 - demo data
    diligent = learner.phone == DILIGENT_PHONE
    diligence = 0.92 if diligent else rng.uniform(0.15, 0.8)
    events: list[PendingAward] = []
    streak = 0
    for day_index in range(DAYS - 1, -1, -1):
        day = now.date() - timedelta(days=day_index)
        if not (diligent and day_index < 10) and rng.random() > diligence:
            streak = 0
            continue
        streak += 1
        moment = timezone.make_aware(
            datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59))), now.tzinfo
        )
        if moment > now:
            moment = now - timedelta(hours=2)
        activities = _activities(rng, day_index, day.weekday())
        if streak % 7 == 0:
            activities.append((PointAction.STREAK_BONUS, "streak", None))
        for offset, (action, suffix, points) in enumerate(activities):
            # Log-in points use the key a real log-in uses (the local date).
            key = f"demo:{day.isoformat()}:{suffix}" if suffix else day.isoformat()
            events.append(
                PendingAward(
                    action=action,
                    key=key,
                    at=min(moment + timedelta(minutes=offset * 7), now),
                    points=points,
                    note=NOTES.get(action, ""),
                )
            )
    return events
