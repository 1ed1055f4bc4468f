"""The home page's daily plan, the bottom tab bar, the favicon and the web app manifest."""

from datetime import timedelta

from django.utils import timezone

from learning.models import PointRule
from learning.points.ledger import award
from learning.site.daily_plan import daily_plan


def test_the_plan_counts_todays_points_against_each_tasks_cap(learner):
    award(learner=learner, action="daily_login", key="day:today")
    award(learner=learner, action="lesson_completed", key="lesson:1")
    award(learner=learner, action="lesson_completed", key="lesson:2")
    PointRule.objects.update_or_create(
        action="lesson_completed", defaults={"points": 2, "daily_cap": 4}
    )
    tasks = {task.label: task for task in daily_plan(learner).tasks}
    assert (tasks["登录打卡"].earned, tasks["登录打卡"].cap, tasks["登录打卡"].done) == (1, 1, True)
    assert (tasks["学习课时"].earned, tasks["学习课时"].cap, tasks["学习课时"].done) == (4, 4, True)
    # 每日一练 counts the day's practice bonus (cap 5) and correct answers (cap 20).
    assert (tasks["每日一练"].earned, tasks["每日一练"].cap, tasks["每日一练"].done) == (
        0,
        25,
        False,
    )
    assert daily_plan(learner).earned_today == 5


def test_a_disabled_rule_drops_its_task_and_yesterdays_points_do_not_count(learner):
    PointRule.objects.update_or_create(
        action="mock_exam_finished", defaults={"points": 5, "daily_cap": 10, "active": False}
    )
    entry = award(learner=learner, action="daily_login", key="day:yesterday")
    learner.ledger_entries.update(created_at=timezone.now() - timedelta(days=1))
    plan = daily_plan(learner)
    assert "模拟考试" not in [task.label for task in plan.tasks]
    assert plan.earned_today == 0 and entry is not None
    assert plan.streak_days == 1  # yesterday's study day still counts until today is over


def test_home_page_shows_the_plan_and_labelled_ranks(learner_client, home_page):
    html = learner_client.get("/").content.decode()
    assert "今日学习" in html and "连续学习" in html and "每日一练" in html
    assert "全市 · 总榜" in html  # every rank names its scope and period
    assert 'class="tab-bar"' in html and 'aria-current="page"' in html


def test_visitors_get_no_tab_bar(client, home_page):
    assert 'class="tab-bar"' not in client.get("/").content.decode()


def test_favicon_and_manifest(client, db):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith(".ico")
    assert client.head("/favicon.ico").status_code == 301
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == "社工学堂" and data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}


def test_the_rankings_page_names_the_period_and_scope_of_my_rank(learner_client, learner):
    award(learner=learner, action="daily_login", key="day:today")
    html = learner_client.get("/rankings/?period=week&scope=community").content.decode()
    assert "本周 · 本社区" in html
    html = learner_client.get("/rankings/?period=all&scope=all").content.decode()
    assert "总榜 · 全市" in html
