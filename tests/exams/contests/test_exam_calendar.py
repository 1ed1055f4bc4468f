"""The exam calendar (考试安排): seeded from the published plan, edited by organisers, read by
the home page countdown and the countdown text messages."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from exams.calendar.exam_days import countdown_for, next_exam_day, seed_calendar
from exams.calendar.seeds import YEARS
from exams.models import ExamSlot, ExamYear
from learning.accounts import roles
from learning.exam_calendar import calendar_day
from learning.models import LearnerProfile, Organiser, SmsMessage, User
from learning.reminders import evaluate_all

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_the_published_2026_timetable_is_seeded():
    year = ExamYear.objects.get(year=2026)
    assert year.confirmed
    slots = {(s.level, s.subject): (s.day, s.starts, s.ends) for s in year.slots.all()}
    assert slots[("intermediate", "regulations")][0] == date(2026, 5, 23)
    assert slots[("junior", "comprehensive")][0] == date(2026, 5, 24)
    assert slots[("intermediate", "practice")][1:] == (
        datetime(2026, 1, 1, 14).time(),
        datetime(2026, 1, 1, 16, 30).time(),
    )
    assert not ExamYear.objects.get(year=2027).confirmed


@pytest.mark.django_db
def test_seeding_adds_missing_years_and_never_overwrites_an_edited_one():
    ExamYear.objects.filter(year=2027).update(registration_opens=date(2027, 3, 1))
    ExamYear.objects.filter(year=2026).delete()
    assert seed_calendar() == 1
    assert seed_calendar() == 0
    assert ExamYear.objects.get(year=2027).registration_opens == date(2027, 3, 1)
    assert ExamYear.objects.count() == len(YEARS)


@pytest.mark.django_db
def test_next_exam_day_of_each_level():
    today = date(2026, 12, 6)
    assert next_exam_day("junior", today=today).day == date(2027, 5, 23)
    assert next_exam_day("intermediate", today=today).day == date(2027, 5, 22)
    assert next_exam_day("senior", today=today).confirmed is False
    assert next_exam_day("junior", today=date(2026, 5, 1)).day == date(2026, 5, 24)
    assert next_exam_day("", today=today) is None
    assert calendar_day("junior", today=today) == (date(2027, 5, 23), False)


@pytest.mark.django_db
def test_an_organisers_correction_is_what_learners_count_down_to(make_learner):
    year = ExamYear.objects.get(year=2027)
    ExamSlot.objects.filter(exam_year=year, level="junior").update(day=date(2027, 6, 13))
    ExamYear.objects.filter(pk=year.pk).update(confirmed=True)
    profile = LearnerProfile.objects.get(user=make_learner(exam_level="junior"))
    countdown = countdown_for(profile, today=date(2027, 6, 3))
    assert (countdown.day, countdown.days_left, countdown.confirmed) == (
        date(2027, 6, 13),
        10,
        True,
    )


@pytest.mark.django_db
def test_a_date_on_the_profile_wins_while_it_is_ahead(make_learner):
    profile = LearnerProfile.objects.get(
        user=make_learner(exam_level="junior", exam_date=date(2027, 1, 10))
    )
    assert countdown_for(profile, today=date(2027, 1, 1)).day == date(2027, 1, 10)
    assert countdown_for(profile, today=date(2027, 2, 1)).day == date(2027, 5, 23)


def test_home_page_counts_down_with_registration_and_estimate(client, home_page, make_learner):
    from django.utils import timezone

    learner = make_learner(exam_level="junior")
    client.force_login(learner)
    html = client.get("/").content.decode()
    today = timezone.localdate()
    found = next_exam_day("junior", today=today)
    assert "考试倒计时" in html
    assert f"<strong>{(found.day - today).days}</strong>" in html
    assert ("预计，以人社部公布为准" in html) is (not found.confirmed)


def test_no_countdown_for_a_worker_not_sitting_the_exam(client, home_page, make_learner):
    client.force_login(make_learner(exam_level=""))
    assert "考试倒计时" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_countdown_messages_follow_the_calendar_for_learners_without_a_date(
    make_learner, reminder_rule
):
    reminder_rule("exam_countdown", countdown_days="30,7")
    make_learner(name="初级学员", exam_level="junior")
    make_learner(name="中级学员", exam_level="intermediate")
    make_learner(name="不报考", exam_level="")
    noon = datetime(2027, 4, 23, 12, tzinfo=SHANGHAI)  # 30 days before 23 May
    evaluate_all(now=noon)
    assert list(SmsMessage.objects.values_list("learner__name", flat=True)) == ["初级学员"]
    assert "距2027年5月23日考试还有30天" in SmsMessage.objects.get().text
    evaluate_all(now=noon + timedelta(days=22))  # 7 days before the 中级 Saturday
    assert sorted(SmsMessage.objects.values_list("learner__name", flat=True)) == [
        "中级学员",
        "初级学员",
    ]


@pytest.mark.django_db
def test_only_a_prefecture_wide_organiser_edits_the_calendar(client, community):
    year = ExamYear.objects.get(year=2027)
    group = Group.objects.get(name=roles.ORGANISERS)
    street = User.objects.create_user(phone="13800000097", name="街镇", password="pw")
    street.groups.add(group)
    Organiser.objects.create(user=street, organisation=community.get_parent())
    prefecture = User.objects.create_user(phone="13800000096", name="组织部", password="pw")
    prefecture.groups.add(group)
    Organiser.objects.create(user=prefecture, organisation=None)
    url = f"/admin/snippets/exams/examyear/edit/{year.pk}/"
    client.force_login(street)
    listing = client.get("/admin/snippets/exams/examyear/")
    assert listing.status_code == 200
    assert client.get(url).status_code in (302, 403, 404)
    # Nor may they add a year: it would hold for every county.
    assert "/admin/snippets/exams/examyear/add/" not in listing.content.decode()
    assert client.get("/admin/snippets/exams/examyear/add/").status_code in (302, 403)
    client.force_login(prefecture)
    assert client.get(url).status_code == 200
