"""Who each kind of reminder rule targets, and with what text."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning.accounts.organisations import get_or_create_path
from learning.models import SmsMessage
from learning.points.ledger import award
from learning.reminders import evaluate_all

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)  # a Wednesday


@pytest.fixture
def person(make_learner):
    """A learner who joined two months ago and last logged in ``idle`` days before NOON."""

    def make(name="王芳", *, idle=1, **profile):
        user = make_learner(name=name, **profile)
        user.date_joined = NOON - timedelta(days=60)
        user.last_login = NOON - timedelta(days=idle)
        user.save(update_fields=["date_joined", "last_login"])
        return user

    return make


def reminded(**filters):
    return sorted(SmsMessage.objects.filter(**filters).values_list("learner__name", flat=True))


def test_inactivity_counts_days_since_the_last_login_or_ledger_entry(person, reminder_rule):
    reminder_rule("inactivity", inactive_days=7)
    person("久未登录", idle=8)
    person("刚登录", idle=2)
    recently_studied = person("刚学习", idle=30)
    award(
        learner=recently_studied, action="lesson_completed", key="l1", now=NOON - timedelta(days=3)
    )
    evaluate_all(now=NOON)
    assert reminded() == ["久未登录"]
    assert "已8天没有学习" in SmsMessage.objects.get().text


def test_inactivity_repeats_every_n_days_while_idle(person, reminder_rule):
    reminder_rule("inactivity", inactive_days=7)
    person(idle=7)
    for days_later in (0, 1, 6, 7, 8):
        evaluate_all(now=NOON + timedelta(days=days_later))
    assert SmsMessage.objects.count() == 2


def test_rule_targets_organisation_subtrees(person, reminder_rule, community):
    taoyuan, _ = get_or_create_path("清河县", "桃源街道", "桃源社区")
    linjiang, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    county = community.get_parent().get_parent()
    reminder_rule("daily_practice", organisations=[county])
    person("城关", organisation=community)
    person("桃源", organisation=taoyuan)
    person("临江", organisation=linjiang)
    evaluate_all(now=NOON)
    assert reminded() == ["城关", "桃源"]


def test_rule_targets_exam_levels(person, reminder_rule):
    reminder_rule("daily_practice", exam_levels=["intermediate", "senior"])
    person("初级", exam_level="junior")
    person("中级", exam_level="intermediate")
    evaluate_all(now=NOON)
    assert reminded() == ["中级"]


def test_inactive_accounts_get_nothing(person, reminder_rule):
    reminder_rule("daily_practice")
    user = person()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert evaluate_all(now=NOON).get("queued", 0) == 0


def test_daily_practice_skips_who_already_practised_today(person, reminder_rule):
    reminder_rule("daily_practice")
    person("没练")
    done = person("练了")
    award(learner=done, action="daily_practice_done", key="d", now=NOON - timedelta(hours=2))
    evaluate_all(now=NOON)
    assert reminded() == ["没练"]


def test_rule_waits_for_its_time_of_day(person, reminder_rule):
    reminder_rule("daily_practice", send_time=datetime(2026, 1, 1, 19, 0).time())
    person()
    assert evaluate_all(now=NOON)["rules_not_due"] == 1
    evaluate_all(now=NOON.replace(hour=19))
    assert SmsMessage.objects.count() == 1


def test_exam_countdown_sends_30_7_and_1_days_before(person, reminder_rule):
    reminder_rule("exam_countdown", countdown_days="30,7,1")
    today = NOON.date()
    for days in (30, 10, 7, 1, 0):
        person(f"还有{days}天", exam_date=today + timedelta(days=days))
    evaluate_all(now=NOON)
    assert reminded() == ["还有1天", "还有30天", "还有7天"]
    text = SmsMessage.objects.get(learner__name="还有7天").text
    assert "距2026年12月2日考试还有7天" in text


def test_weekly_rank_reports_last_weeks_points_on_its_weekday(person, reminder_rule):
    reminder_rule("weekly_rank", weekday=NOON.weekday())
    last_week = NOON - timedelta(days=7)
    top, second, idle = person("第一"), person("第二"), person("没分")
    award(learner=top, action="course_completed", key="c1", now=last_week)
    award(learner=second, action="lesson_completed", key="l1", now=last_week)
    award(learner=second, action="course_completed", key="c2", now=NOON)  # this week: not counted
    evaluate_all(now=NOON - timedelta(days=1))
    assert not SmsMessage.objects.exists()
    evaluate_all(now=NOON)
    texts = {m.learner_id: m.text for m in SmsMessage.objects.all()}
    assert "获得10积分，排名第1位" in texts[top.pk]
    assert "获得2积分，排名第2位" in texts[second.pk]
    assert "获得0积分，排名第3位" in texts[idle.pk]


def closing_papers(now):
    from learning.models import User

    for user in User.objects.filter(name__in=["未考", "外单位"]):
        yield (
            user.pk,
            {"paper_title": "初级综合能力模拟卷（一）", "paper_time": "今晚20:00"},
            "paper:3",
        )


def opening_papers(now):
    raise RuntimeError("exams app is broken")


def test_upper_app_kinds_come_from_providers_named_in_settings(
    person, reminder_rule, settings, community
):
    settings.REMINDER_SOURCES = {
        "paper_closing": "tests.learning.reminders.test_reminder_rules.closing_papers"
    }
    other, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    reminder_rule("paper_closing", organisations=[community])
    person("未考")
    person("外单位", organisation=other)
    evaluate_all(now=NOON)
    message = SmsMessage.objects.get()
    assert (message.learner.name, message.period) == ("未考", "paper:3")
    assert "模拟考试《初级综合能力模拟卷（一）》将于今晚20:00截止" in message.text


def test_missing_provider_is_skipped_with_a_warning(person, reminder_rule, caplog, settings):
    settings.REMINDER_SOURCES = {"session_tomorrow": "lecturers.gone.sessions_tomorrow"}
    reminder_rule("session_tomorrow")
    reminder_rule("daily_practice")
    person()
    with caplog.at_level(logging.WARNING, logger="learning.reminders"):
        counts = evaluate_all(now=NOON)
    assert counts["rules_skipped"] == 1 and counts["queued"] == 1
    assert "lecturers.gone.sessions_tomorrow" in caplog.text


def test_a_crashing_provider_does_not_stop_the_other_rules(person, reminder_rule, settings):
    settings.REMINDER_SOURCES = {
        "paper_opening": "tests.learning.reminders.test_reminder_rules.opening_papers"
    }
    reminder_rule("paper_opening", priority=1)
    reminder_rule("daily_practice", priority=2)
    person()
    counts = evaluate_all(now=NOON)
    assert counts["rules_failed"] == 1 and counts["queued"] == 1


def every_learner(context, period):
    def provide(now):
        from learning.models import LearnerProfile

        for user_id in LearnerProfile.objects.values_list("user_id", flat=True):
            yield user_id, context, period

    return provide


session_tomorrow = every_learner(
    {
        "session_title": "社区治理专题培训",
        "session_time": "明天9:00",
        "venue": "城关镇党群服务中心",
    },
    "session:5",
)
paper_opening = every_learner(
    {"paper_title": "中级实务模拟卷", "paper_time": "11月28日8:00"}, "paper:8:open"
)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("session_tomorrow", "您报名的社区治理专题培训将于明天9:00在城关镇党群服务中心举行"),
        ("paper_opening", "模拟考试《中级实务模拟卷》将于11月28日8:00开放"),
    ],
)
def test_provider_context_fills_the_kinds_template(person, reminder_rule, settings, kind, expected):
    settings.REMINDER_SOURCES = {kind: f"tests.learning.reminders.test_reminder_rules.{kind}"}
    reminder_rule(kind)
    person("李晓梅")
    evaluate_all(now=NOON)
    evaluate_all(now=NOON + timedelta(hours=1))
    message = SmsMessage.objects.get()
    assert expected in message.text and message.text.startswith("【社工学堂】李晓梅您好")
