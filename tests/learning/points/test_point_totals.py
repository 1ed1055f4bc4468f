import threading
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import close_old_connections

from learning.accounts.organisations import get_or_create_path
from learning.models import LearnerProfile, LedgerEntry, PointTotal
from learning.points.ledger import award, bulk_load_history, rebuild_all_totals, rebuild_totals

SHANGHAI = ZoneInfo("Asia/Shanghai")


def totals_of(learner):
    return {
        (row.period, row.period_start.isoformat()): row.points
        for row in PointTotal.objects.filter(learner=learner)
    }


def test_award_adds_to_the_week_month_and_all_time_totals(learner):
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)
    december = datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)
    award(learner=learner, action="course_completed", key="c1", now=sunday)
    award(learner=learner, action="course_completed", key="c2", now=monday)
    award(learner=learner, action="course_completed", key="c3", now=december)
    assert totals_of(learner) == {
        ("week", "2026-11-23"): 10,
        ("week", "2026-11-30"): 20,
        ("month", "2026-11-01"): 20,
        ("month", "2026-12-01"): 10,
        ("all", "2000-01-01"): 30,
    }


def test_week_starts_on_local_monday_not_utc_monday(learner):
    # 00:30 on Monday in Shanghai is still Sunday in UTC.
    monday_early = datetime(2026, 11, 30, 0, 30, tzinfo=SHANGHAI)
    award(learner=learner, action="course_completed", key="c1", now=monday_early)
    assert ("week", "2026-11-30") in totals_of(learner)


def test_totals_carry_the_learners_county_street_and_community(learner, community):
    award(learner=learner, action="course_completed", key="c1")
    row = PointTotal.objects.get(learner=learner, period="all")
    street = community.get_parent()
    assert (row.county_id, row.street_id, row.community_id) == (
        street.get_parent().pk,
        street.pk,
        community.pk,
    )


def test_a_learner_who_moves_takes_their_totals_along(learner):
    award(learner=learner, action="course_completed", key="c1")
    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    profile = LearnerProfile.objects.get(user=learner)
    profile.organisation = elsewhere
    profile.save()
    assert set(PointTotal.objects.values_list("community_id", flat=True)) == {elsewhere.pk}


def test_capped_and_repeated_awards_leave_totals_equal_to_the_ledger(learner):
    for index in range(30):
        award(learner=learner, action="practice_correct", key=f"q{index % 25}")
    award(learner=learner, action="manual_adjustment", key="m", points=-3, note="更正")
    assert rebuild_totals(check_only=True).ok
    assert totals_of(learner)[("all", "2000-01-01")] == 20 - 3


def test_rebuild_check_reports_differences_and_exits_1(learner):
    award(learner=learner, action="course_completed", key="c1")
    PointTotal.objects.filter(period="week").update(points=999)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("rebuild_points", "--check", stdout=out, stderr=StringIO())
    assert exit_info.value.code == 1
    assert "999" in out.getvalue()
    assert PointTotal.objects.get(period="week").points == 999  # --check changes nothing


def test_rebuild_repairs_wrong_missing_and_extra_totals(learner, make_learner):
    other = make_learner(name="王五")
    award(learner=learner, action="course_completed", key="c1")
    award(learner=other, action="course_completed", key="c1")
    PointTotal.objects.filter(learner=learner, period="week").update(points=1)
    PointTotal.objects.filter(learner=learner, period="month").delete()
    LedgerEntry.objects.filter(learner=other).delete()
    call_command("rebuild_points", stdout=StringIO())
    assert sorted(totals_of(learner).values()) == [10, 10, 10]
    assert not PointTotal.objects.filter(learner=other).exists()
    out = StringIO()
    call_command("rebuild_points", "--check", stdout=out)
    assert "一致" in out.getvalue()


def test_bulk_load_history_inserts_rows_and_builds_their_totals(learner):
    moment = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    report = bulk_load_history(
        LedgerEntry(
            learner_id=learner.pk,
            action="lesson_completed",
            points=2,
            key=f"bulk:{i}",
            created_at=moment,
        )
        for i in range(7)
    )
    assert report.created == 3
    assert totals_of(learner) == {
        ("week", "2026-11-23"): 14,
        ("month", "2026-11-01"): 14,
        ("all", "2000-01-01"): 14,
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_totals_equal_the_ledger_after_many_concurrent_awards(make_learner):
    learners = [make_learner(name=f"学员{i}") for i in range(4)]
    barrier = threading.Barrier(24)

    def worker(index):
        barrier.wait()
        try:
            for step in range(15):
                learner = learners[(index + step) % len(learners)]
                award(learner=learner, action="lesson_completed", key=f"l{index}-{step}")
                award(learner=learner, action="course_completed", key=f"c{step}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert LedgerEntry.objects.count() > 60
    assert rebuild_totals(check_only=True).differences == []
    for learner in learners:
        ledger = sum(LedgerEntry.objects.filter(learner=learner).values_list("points", flat=True))
        assert PointTotal.objects.get(learner=learner, period="all").points == ledger


def test_rebuilding_all_totals_at_once_matches_the_ledger_across_local_boundaries(
    learner, make_learner, community
):
    street = community.get_parent()
    on_a_street = make_learner(name="街道学员", organisation=street)
    moments = [
        datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI),  # Saturday, last minute of October
        datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI),  # Sunday: November, same week
        datetime(2026, 11, 2, 0, 0, tzinfo=SHANGHAI),  # Monday 00:00: a new week (Sunday UTC)
        datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI),
    ]
    for index, moment in enumerate(moments):
        for who in (learner, on_a_street):
            award(learner=who, action="course_completed", key=f"c{index}", now=moment)
    award(learner=learner, action="manual_adjustment", key="minus", points=-10, now=moments[3])
    PointTotal.objects.filter(learner=learner, period="week").delete()  # drifted totals
    PointTotal.objects.filter(learner=on_a_street, period="all").update(points=999)

    assert rebuild_all_totals() == 2 * 6  # 3 weeks, 2 months and all time each
    assert rebuild_totals(check_only=True).differences == []
    assert totals_of(learner) == {
        ("week", "2026-10-26"): 20,
        ("week", "2026-11-02"): 10,
        ("week", "2026-11-23"): 0,
        ("month", "2026-10-01"): 10,
        ("month", "2026-11-01"): 20,
        ("all", "2000-01-01"): 30,
    }
    row = PointTotal.objects.get(learner=on_a_street, period="all")
    assert (row.points, row.county_id, row.street_id, row.community_id) == (
        40,
        street.get_parent().pk,
        street.pk,
        None,
    )


def test_rebuilding_all_totals_of_an_empty_ledger_leaves_no_totals(learner):
    award(learner=learner, action="course_completed", key="c1")
    LedgerEntry.objects.all().delete()
    assert rebuild_all_totals() == 0
    assert not PointTotal.objects.exists()
