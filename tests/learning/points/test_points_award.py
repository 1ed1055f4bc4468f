import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections

from learning.models import LedgerEntry, PointRule
from learning.points.ledger import UnknownAction, award

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_award_applies_the_rule_and_is_idempotent_per_key(learner):
    assert award(learner=learner, action="lesson_completed", key="lesson:1") == 2
    assert award(learner=learner, action="lesson_completed", key="lesson:1") == 0
    assert LedgerEntry.objects.filter(learner=learner).count() == 1


def test_inactive_rule_awards_nothing(learner):
    PointRule.objects.filter(action="course_completed").update(active=False)
    assert award(learner=learner, action="course_completed", key="course:1") == 0
    assert not LedgerEntry.objects.exists()


def test_unknown_action_is_an_error(learner):
    with pytest.raises(UnknownAction):
        award(learner=learner, action="made_up", key="x")


def test_daily_cap_awards_what_is_left_then_nothing(learner):
    PointRule.objects.filter(action="practice_correct").update(points=3, daily_cap=7)
    day = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
    got = [
        award(learner=learner, action="practice_correct", key=f"q{i}", now=day) for i in range(4)
    ]
    assert got == [3, 3, 1, 0]


def test_cap_resets_at_local_midnight_in_shanghai(learner):
    PointRule.objects.filter(action="daily_login").update(points=1, daily_cap=1)
    before = datetime(2026, 11, 25, 23, 59, tzinfo=SHANGHAI)
    after = datetime(2026, 11, 26, 0, 1, tzinfo=SHANGHAI)  # 16:01 UTC, still "25th" in UTC
    assert award(learner=learner, action="daily_login", key="a", now=before) == 1
    assert award(learner=learner, action="daily_login", key="b", now=before) == 0
    assert award(learner=learner, action="daily_login", key="c", now=after) == 1


def test_a_repeat_is_answered_from_one_read_without_the_lock(learner, django_assert_num_queries):
    assert award(learner=learner, action="lesson_completed", key="lesson:1") == 2
    with django_assert_num_queries(1):
        assert award(learner=learner, action="lesson_completed", key="lesson:1") == 0


def test_a_used_up_cap_is_answered_from_one_read_until_local_midnight(
    learner, django_assert_num_queries
):
    PointRule.objects.filter(action="practice_correct").update(points=1, daily_cap=2)
    day = datetime(2026, 11, 25, 23, 30, tzinfo=SHANGHAI)
    for key in ("q1", "q2"):
        assert award(learner=learner, action="practice_correct", key=key, now=day) == 1
    with django_assert_num_queries(1):
        assert award(learner=learner, action="practice_correct", key="q3", now=day) == 0
    next_day = datetime(2026, 11, 26, 0, 10, tzinfo=SHANGHAI)  # still the 25th in UTC
    assert award(learner=learner, action="practice_correct", key="q3", now=next_day) == 1


def test_an_inactive_rule_is_answered_from_one_read(learner, django_assert_num_queries):
    PointRule.objects.filter(action="course_completed").update(active=False)
    with django_assert_num_queries(1):
        assert award(learner=learner, action="course_completed", key="course:1") == 0


def test_a_cap_raised_after_it_was_used_up_awards_again(learner):
    PointRule.objects.filter(action="practice_correct").update(points=1, daily_cap=1)
    assert award(learner=learner, action="practice_correct", key="q1") == 1
    assert award(learner=learner, action="practice_correct", key="q2") == 0
    PointRule.objects.filter(action="practice_correct").update(daily_cap=3)
    assert award(learner=learner, action="practice_correct", key="q2") == 1


def test_explicit_points_override_the_rule_and_may_be_negative(learner, make_learner):
    organiser = make_learner(name="组织者")
    assert (
        award(
            learner=learner,
            action="manual_adjustment",
            key="adj1",
            points=-5,
            note="重复计分更正",
            by=organiser,
        )
        == -5
    )
    entry = LedgerEntry.objects.get()
    assert (entry.points, entry.note, entry.created_by) == (-5, "重复计分更正", organiser)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_key_in_50_parallel_threads_gives_one_entry(learner):
    results, barrier = [], threading.Barrier(50)

    def worker():
        barrier.wait()
        try:
            results.append(award(learner=learner, action="course_completed", key="course:9"))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0] * 49 + [10]
    assert LedgerEntry.objects.filter(learner=learner).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_different_keys_respect_the_daily_cap(learner):
    PointRule.objects.filter(action="practice_correct").update(points=1, daily_cap=20)
    barrier = threading.Barrier(40)

    def worker(index):
        barrier.wait()
        try:
            award(learner=learner, action="practice_correct", key=f"q{index}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(LedgerEntry.objects.values_list("points", flat=True)) == 20


def test_the_upper_apps_award_through_the_package_name(learner):
    """DESIGN.md's entry point: ``learning.points.award``, the ledger's award by another name."""
    import learning.points

    assert learning.points.award(learner=learner, action="lesson_completed", key="lesson:7") == 2
    assert learning.points.award(learner=learner, action="lesson_completed", key="lesson:7") == 0
    assert LedgerEntry.objects.filter(learner=learner).count() == 1
