import pytest

from learning.models import PointRule
from learning.points.ledger import award


@pytest.fixture(autouse=True)
def _no_login_points(db):
    PointRule.objects.filter(action="daily_login").update(active=False)


@pytest.fixture
def crowd(make_learner):
    learners = [make_learner(name=f"学员{i:02d}") for i in range(60)]
    for index, learner in enumerate(learners):
        award(learner=learner, action="lesson_completed", key=f"l{index}")
        if index % 3 == 0:
            award(learner=learner, action="course_completed", key=f"c{index}")
    return learners


def test_rankings_page_shows_my_rank_near_me_and_the_top(
    client, home_page, learner, crowd, django_assert_max_num_queries
):
    award(learner=learner, action="lesson_completed", key="mine")
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        response = client.get("/rankings/?period=week&scope=street")
    html = response.content.decode()
    assert response.status_code == 200
    assert "积分排名" in html and "我附近" in html and "第 21 名" in html
    assert "李晓梅 （我）" in html and "学员00" in html


def test_rankings_page_tells_a_learner_without_points_they_are_not_listed_yet(
    client, home_page, learner, crowd
):
    client.force_login(learner)
    html = client.get("/rankings/?period=week&scope=street").content.decode()
    assert "未上榜" in html and "我的积分 0 分 · 共 60 人上榜" in html
    assert "第 61 名" not in html


def test_rankings_page_organisations_tab(
    client, home_page, learner, crowd, django_assert_max_num_queries
):
    client.force_login(learner)
    with django_assert_max_num_queries(10):
        html = client.get("/rankings/?tab=organisations&level=street&period=all").content.decode()
    assert "城关镇" in html and "人均" in html


def test_rankings_page_refuses_a_bad_period_with_a_message(client, home_page, learner):
    client.force_login(learner)
    response = client.get("/rankings/?period=year")
    assert response.status_code == 400 and "period" in response.content.decode()


def test_rankings_page_needs_a_log_in(client, home_page):
    response = client.get("/rankings/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_my_points_page_shows_history_ranks_badge_and_streak(
    client, home_page, learner, crowd, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    for days_ago in range(3):
        award(
            learner=learner,
            action="course_completed",
            key=f"day{days_ago}",
            now=timezone.now() - timedelta(days=days_ago),
            note=f"第{days_ago}门课",
        )
    award(learner=learner, action="manual_adjustment", key="fix", points=-2, note="更正")
    client.force_login(learner)
    with django_assert_max_num_queries(14):
        response = client.get("/me/points/")
    html = response.content.decode()
    assert "我的积分" in html and "完成课程" in html and "第0门课" in html and "-2" in html
    assert "连续学习天数" in html
    assert "再得 72 分成为“学习新星”" in html  # 28 points, the first badge is at 100
    assert "第 1 名" in html  # all time, in the community: 28 beats everyone's 2 or 12


def test_badges_follow_the_thresholds():
    from learning.points.leaderboards import badge_for

    assert badge_for(0) == ("", "学习新星", 100)
    assert badge_for(100) == ("学习新星", "学习标兵", 200)
    assert badge_for(599) == ("学习标兵", "学习达人", 1)
    assert badge_for(9999) == ("学习达人", "", 0)


def test_streak_counts_consecutive_local_days_up_to_today(learner):
    from datetime import timedelta

    from django.utils import timezone

    from learning.points.leaderboards import streak_days

    now = timezone.now()
    for days_ago in (1, 2, 3, 5):
        award(
            learner=learner,
            action="course_completed",
            key=str(days_ago),
            now=now - timedelta(days=days_ago),
        )
    assert streak_days(learner) == 3  # yesterday and the two days before; today not over yet
    award(learner=learner, action="course_completed", key="today", now=now)
    assert streak_days(learner) == 4
