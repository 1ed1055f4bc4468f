from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning.models import LedgerEntry, PointRule
from learning.points.ledger import PendingAward, UnknownAction, award, award_history, rebuild_totals

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)


def events(*specs):
    return [
        PendingAward(action=action, key=key, at=DAY + timedelta(minutes=minute), points=points)
        for action, key, minute, points in specs
    ]


def test_batch_applies_daily_caps_in_time_order(learner):
    PointRule.objects.filter(action="practice_correct").update(points=3, daily_cap=7)
    batch = events(*[("practice_correct", f"q{i}", 10 - i, None) for i in range(4)])
    assert award_history(learner=learner, events=batch) == 7
    first_three = LedgerEntry.objects.order_by("created_at").values_list("points", flat=True)
    assert list(first_three) == [3, 3, 1]


def test_batch_counts_what_was_awarded_earlier_that_day(learner):
    award(learner=learner, action="daily_login", key="2026-11-25", now=DAY)
    late = events(("daily_login", "again", 600, None))
    assert award_history(learner=learner, events=late) == 0


def test_batch_cap_resets_at_local_midnight(learner):
    batch = [
        PendingAward(
            action="daily_login", key="a", at=datetime(2026, 11, 25, 23, 59, tzinfo=SHANGHAI)
        ),
        PendingAward(
            action="daily_login", key="b", at=datetime(2026, 11, 26, 0, 1, tzinfo=SHANGHAI)
        ),
    ]
    assert award_history(learner=learner, events=batch) == 2


def test_batch_is_idempotent_and_skips_inactive_rules(learner):
    PointRule.objects.filter(action="session_attended").update(active=False)
    batch = events(("course_completed", "c1", 0, None), ("session_attended", "s1", 1, None))
    assert award_history(learner=learner, events=batch) == 10
    assert award_history(learner=learner, events=batch) == 0
    assert award(learner=learner, action="course_completed", key="c1") == 0


def test_batch_keeps_totals_equal_to_the_ledger(learner):
    batch = [
        PendingAward(action="course_completed", key=f"c{i}", at=DAY - timedelta(days=i * 9))
        for i in range(8)
    ]
    award(learner=learner, action="course_completed", key="today", now=DAY)
    award_history(learner=learner, events=batch)
    assert rebuild_totals(check_only=True).ok


def test_batch_refuses_unknown_actions(learner):
    with pytest.raises(UnknownAction):
        award_history(learner=learner, events=events(("made_up", "x", 0, None)))
