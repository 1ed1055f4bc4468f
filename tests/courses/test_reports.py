"""Organisers' reports (issue 9): figures against a hand-computed fixture, scope, exports.

The fixture (``world``), with TRAINING_REQUIRED_HOURS = 10, course A 6 h and course B 5 h:

| learner | community | exam level | completed | hours | mock (this week) | certificate |
| --- | --- | --- | --- | --- | --- | --- |
| 林芳 | 清河县/城关镇/幸福里社区 | junior | A, B | 11 | 80/100 passed | junior, 2 months ago |
| 王磊 | 幸福里社区 | junior | A | 6 | 50/100 failed | — |
| 赵敏 | 幸福里社区 | — (not a candidate) | A, B | 11 | — | intermediate, today |
| 陈静 | 清河县/城关镇/和平社区 | intermediate | — | 0 | — | — |
| 刘洋 | 清河县/东湖镇/东湖社区 | junior | A, B | 11 | — | — |

Residents: 幸福里 20,000, 和平 10,000, 东湖 5,000.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import DashboardSnapshot, Enrolment, LessonCompletion, LessonPage
from exams.bank.versions import current_version
from exams.models import Attempt, AttemptQuestion, Paper, PracticeAnswer
from learning.accounts import roles
from learning.accounts.organisations import get_or_create_path
from learning.models import Organisation, Organiser, PointAction, User
from learning.points.ledger import award
from lecturers.models import Enrolment as SessionEnrolment

REPORTS = "/admin/reports/"


@pytest.fixture(autouse=True)
def _report_settings(settings):
    settings.TRAINING_REQUIRED_HOURS = 10
    settings.TRAINING_REQUIRED_COURSES = []
    settings.REPORTS_WEAK_MIN_ANSWERS = 1


@dataclass
class World:
    xingfu: Organisation
    heping: Organisation
    donghu: Organisation
    chengguan: Organisation
    lin: User
    wang: User
    zhao: User
    chen: User
    liu: User
    course_a: object
    course_b: object


def _place(*names: str, residents: int) -> Organisation:
    org, _ = get_or_create_path(*names)
    org.residents = residents
    org.save(update_fields=["residents"])
    return org


def _complete(learner: User, *courses, when=None) -> None:
    for course in courses:
        Enrolment.objects.create(
            learner=learner, course=course, completed_at=when or timezone.now()
        )


def _attempt(paper: Paper, learner: User, score: int, *, passed: bool) -> Attempt:
    now = timezone.now()
    return Attempt.objects.create(
        paper=paper,
        learner=learner,
        state=Attempt.State.FINISHED,
        seed=1,
        started_at=now - timedelta(minutes=30),
        deadline=now + timedelta(minutes=30),
        finished_at=now,
        score=Decimal(score),
        max_score=Decimal(100),
        passed=passed,
    )


def _practice(learner: User, question, *results: bool) -> None:
    version = current_version(question)
    today = timezone.localdate()
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(
            learner=learner,
            question=question,
            version=version,
            mode=PracticeAnswer.Mode.CHAPTER,
            answer=["A"],
            correct=result,
            local_date=today,
        )
        for result in results
    )


@pytest.fixture
def world(make_learner, make_course, make_question, make_session) -> World:
    xingfu = _place("清河县", "城关镇", "幸福里社区", residents=20000)
    heping = _place("清河县", "城关镇", "和平社区", residents=10000)
    donghu = _place("清河县", "东湖镇", "东湖社区", residents=5000)
    today = timezone.localdate()
    two_months_ago = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    lin = make_learner(
        name="林芳",
        organisation=xingfu,
        exam_level="junior",
        certificate_level="junior",
        certificate_date=two_months_ago,
    )
    wang = make_learner(name="王磊", organisation=xingfu, exam_level="junior")
    zhao = make_learner(
        name="赵敏", organisation=xingfu, certificate_level="intermediate", certificate_date=today
    )
    chen = make_learner(name="陈静", organisation=heping, exam_level="intermediate")
    liu = make_learner(name="刘洋", organisation=donghu, exam_level="junior")
    course_a = make_course("社会工作综合能力精讲", estimated_hours=6)
    course_b = make_course("社区治理实务", estimated_hours=5)
    _complete(lin, course_a, course_b)
    _complete(wang, course_a)
    _complete(zhao, course_a, course_b)
    _complete(liu, course_a, course_b)
    # Lessons: 林芳 one this week, 王磊 two last week.
    lessons = list(LessonPage.objects.child_of(course_a).order_by("path"))
    now = timezone.now()
    LessonCompletion.objects.create(
        learner=lin, lesson=lessons[0], course=course_a, completed_at=now
    )
    for lesson in lessons[:2]:
        LessonCompletion.objects.create(
            learner=wang, lesson=lesson, course=course_a, completed_at=now - timedelta(days=7)
        )
    # Practice: chapter 社会工作概述 2 right of 5; chapter 社区治理 2 of 2 (and 0 of 1 in a mock).
    overview = make_question("single", chapter="社会工作概述", knowledge_points=["助人自助"])
    governance = make_question("single", chapter="社区治理", knowledge_points=["居民自治"])
    _practice(lin, overview, True, True, False)
    _practice(wang, overview, False, False)
    _practice(chen, governance, True, True)
    paper = Paper.objects.create(title="初级综合能力模拟卷", level="junior")
    lin_attempt = _attempt(paper, lin, 80, passed=True)
    _attempt(paper, wang, 50, passed=False)
    AttemptQuestion.objects.create(
        attempt=lin_attempt,
        position=1,
        question=governance,
        version=current_version(governance),
        score=Decimal(1),
        answer=["B"],
        awarded=Decimal(0),
        correct=False,
    )
    # Points this week: 林芳 and 王磊 active.
    award(learner=lin, action=PointAction.LESSON_COMPLETED, key="lesson:report-1")
    award(learner=wang, action=PointAction.LESSON_COMPLETED, key="lesson:report-2")
    # An offline session yesterday: 林芳 and 刘洋 checked in, 王磊 did not come.
    session = make_session(starts_in=timedelta(days=-1), title="社区治理专题集训")
    for learner, came in ((lin, True), (wang, False), (liu, True)):
        SessionEnrolment.objects.create(
            session=session, learner=learner, attended_at=now - timedelta(days=1) if came else None
        )
    return World(
        xingfu, heping, donghu, xingfu.get_parent(), lin, wang, zhao, chen, liu, course_a, course_b
    )


_staff_phones = iter(range(13900000100, 13900000999))


def organiser_of(organisation: Organisation | None, *, phones: bool = True) -> User:
    """An organiser of the 组织者 group (which may export full phone numbers), or with
    ``phones=False`` one given only admin access and course enrolment."""
    user = User.objects.create_user(
        phone=str(next(_staff_phones)), name="组织者", password="pw", is_staff=True
    )
    if phones:
        user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    else:
        user.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="enrol_organisation"),
        )
    Organiser.objects.create(user=user, organisation=organisation)
    return user


def table(rows) -> dict[str, tuple]:
    return {
        row.name: (row.learners, row.candidates, row.trained, row.sat, row.passed, row.holders)
        for row in rows
    }


def sheet_rows(response, sheet: str) -> list[tuple]:
    book = load_workbook(BytesIO(response.content))
    return list(book[sheet].iter_rows(values_only=True))


# --- figures -------------------------------------------------------------------------------


def test_prefecture_coverage_per_county(client, world):
    client.force_login(organiser_of(None))
    response = client.get(REPORTS)
    assert response.status_code == 200
    assert table(response.context["rows"]) == {"清河县": (5, 4, 2, 2, 1, 2)}
    assert response.context["total"].trained_percent == 50.0


def test_drilling_down_to_a_street_shows_its_communities(client, world):
    client.force_login(organiser_of(None))
    response = client.get(REPORTS, {"org": world.chengguan.pk})
    assert table(response.context["rows"]) == {
        "幸福里社区": (3, 2, 1, 2, 1, 2),
        "和平社区": (1, 1, 0, 0, 0, 0),
    }


def test_certificate_holders_per_ten_thousand_residents(client, world):
    client.force_login(organiser_of(None))
    response = client.get(REPORTS, {"org": world.chengguan.pk})
    per_10k = {row.name: row.holders_per_10k for row in response.context["rows"]}
    assert per_10k == {"幸福里社区": 1.0, "和平社区": 0.0}
    assert response.context["total"].residents == 30000


def test_certificate_trend_counts_holders_at_each_month_end(client, world):
    client.force_login(organiser_of(None))
    trend = client.get(REPORTS).context["certificate_trend"]
    assert trend == [0] * 9 + [1, 1, 2]


def test_required_course_makes_those_without_it_untrained(client, world, settings):
    settings.TRAINING_REQUIRED_HOURS = 0
    settings.TRAINING_REQUIRED_COURSES = [world.course_b.pk]
    client.force_login(organiser_of(None))
    assert client.get(REPORTS).context["total"].trained == 2  # 林芳, 刘洋 (王磊 lacks B)


def test_weekly_activity(client, world):
    client.force_login(organiser_of(None))
    weeks = client.get(REPORTS).context["weeks"]
    this_week, last_week = weeks[-1], weeks[-2]
    assert (this_week.active_learners, this_week.lessons, this_week.practice_answers) == (2, 1, 7)
    assert this_week.average_mock_score == 65.0
    assert (last_week.lessons, last_week.active_learners, last_week.average_mock_score) == (
        2,
        0,
        None,
    )
    assert len(weeks) == 12


def test_weakest_chapters_combine_practice_and_mock_answers(client, world):
    client.force_login(organiser_of(None))
    chapters = client.get(REPORTS).context["weak_chapters"]
    assert [(p.name, p.answers, p.accuracy, p.mock_accuracy) for p in chapters] == [
        ("社会工作概述", 5, 40.0, None),
        ("社区治理", 3, 66.7, 0.0),
    ]


def test_weakest_knowledge_points(client, world):
    client.force_login(organiser_of(None))
    points = client.get(REPORTS).context["weak_points"]
    assert [(p.name, p.accuracy) for p in points] == [("助人自助", 40.0), ("居民自治", 66.7)]


def test_prefecture_mock_accuracy_is_read_from_the_graded_items_index(world):
    """The weakest-points count over every mock answer reads the partial index of graded
    items, not the rows (a submit writes only those index entries, see the index's comment)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.reports.activity import weakest

    if connection.vendor != "sqlite":
        pytest.skip("the planner's choice on a tiny PostgreSQL table is a sequential scan")
    with CaptureQueriesContext(connection) as queries:
        weakest(None)
    (mock_count,) = [q["sql"] for q in queries if "exams_attemptquestion" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {mock_count}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX attemptq_graded_right" in plan, plan


def test_offline_attendance(client, world):
    client.force_login(organiser_of(None))
    sessions = client.get(REPORTS).context["attendance"]
    assert [(s.title, s.enrolled, s.attended, s.percent) for s in sessions] == [
        ("社区治理专题集训", 3, 2, 66.7)
    ]


def test_dashboard_draws_svg_charts_with_the_numbers_as_tables(client, world):
    client.force_login(organiser_of(None))
    html = client.get(REPORTS).content.decode()
    assert html.count('class="report-chart"') == 7
    # Charts are inline SVG: nothing is fetched from another host (the site must work offline).
    # Match asset URLs, not a bare "cdn", which a random CSRF token can contain.
    assert not re.search(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//', html)
    assert "清河县" in html


def test_admin_home_shows_the_coverage_panel_for_organisers(client, world):
    client.force_login(organiser_of(world.chengguan))
    html = client.get("/admin/").content.decode()
    assert "training-coverage" in html
    assert "城关镇" in html


# --- scope ---------------------------------------------------------------------------------


def test_street_organiser_sees_only_their_street(client, world):
    client.force_login(organiser_of(world.chengguan))
    response = client.get(REPORTS)
    assert set(table(response.context["rows"])) == {"幸福里社区", "和平社区"}
    assert response.context["attendance"][0].enrolled == 2


def test_street_organiser_cannot_open_another_street_by_id(client, world):
    client.force_login(organiser_of(world.chengguan))
    other = world.donghu.get_parent()
    assert client.get(REPORTS, {"org": other.pk}).status_code == 404
    assert client.get(f"{REPORTS}export/", {"org": other.pk}).status_code == 404
    assert client.get(f"{REPORTS}candidates/", {"org": world.donghu.pk}).status_code == 404
    assert client.get(f"{REPORTS}records/", {"org": world.donghu.pk}).status_code == 404


def test_street_organiser_cannot_open_another_streets_learner_record(client, world):
    client.force_login(organiser_of(world.chengguan))
    assert client.get(f"{REPORTS}learners/{world.liu.pk}/").status_code == 404
    assert client.get(f"{REPORTS}learners/{world.lin.pk}/").status_code == 200


def test_non_organiser_staff_is_refused(client, world):
    user = User.objects.create_user(phone="13900001111", name="讲师", password="pw")
    user.groups.add(Group.objects.get(name=roles.LECTURERS))
    client.force_login(user)
    assert client.get(REPORTS).status_code in (302, 403)


def test_street_export_of_candidates_leaks_nobody_from_elsewhere(client, world):
    client.force_login(organiser_of(world.chengguan))
    response = client.get(f"{REPORTS}candidates/", {"status": "all", "format": "xlsx"})
    names = [row[0] for row in sheet_rows(response, "全部报考人员")[1:]]
    assert sorted(names) == sorted(["林芳", "王磊", "陈静"])


def test_acting_on_another_streets_learner_is_refused(client, world, sms_outbox):
    client.force_login(organiser_of(world.chengguan))
    response = client.post(
        f"{REPORTS}candidates/",
        {
            "learner": [world.wang.pk, world.liu.pk],
            "action": "remind",
            "body": "请学习",
            "batch": "b1",
        },
    )
    assert response.status_code == 404
    assert not world.wang.sms_messages.exists()


# --- exports -------------------------------------------------------------------------------


def test_dashboard_export_has_the_same_numbers(client, world):
    client.force_login(organiser_of(None))
    response = client.get(f"{REPORTS}export/", {"org": world.chengguan.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sheet_rows(response, "培训覆盖") == [
        ("机构", "学员", "报考人数", "已培训", "培训率%", "参加模考", "模考及格"),
        ("幸福里社区", 3, 2, 1, 50, 2, 1),
        ("和平社区", 1, 1, 0, 0, 0, 0),
        ("合计", 4, 3, 1, 33.3, 2, 1),
    ]
    assert sheet_rows(response, "持证情况")[1] == ("幸福里社区", 2, 20000, 1)
    assert sheet_rows(response, "线下培训出勤")[1][2:] == (2, 1, 50)


def test_untrained_export_masks_phones_without_permission(client, world):
    client.force_login(organiser_of(world.chengguan, phones=False))
    response = client.get(f"{REPORTS}candidates/", {"format": "xlsx"})
    rows = sheet_rows(response, "未完成培训")
    assert [row[0] for row in rows[1:]] == ["王磊", "陈静"]
    assert rows[1][1] == world.wang.masked_phone


def test_untrained_export_shows_phones_with_permission(client, world):
    client.force_login(organiser_of(world.chengguan))
    rows = sheet_rows(client.get(f"{REPORTS}candidates/", {"format": "xlsx"}), "未完成培训")
    assert rows[1][1] == world.wang.phone


# --- actions -------------------------------------------------------------------------------


def test_enrol_untrained_candidates_in_a_course(client, world):
    organiser = organiser_of(world.chengguan)
    client.force_login(organiser)
    response = client.post(
        f"{REPORTS}candidates/",
        {"learner": [world.wang.pk, world.chen.pk], "action": "enrol", "course": world.course_b.pk},
    )
    assert response.status_code == 302
    enrolled = Enrolment.objects.filter(course=world.course_b, enrolled_by=organiser)
    assert set(enrolled.values_list("learner_id", flat=True)) == {world.wang.pk, world.chen.pk}


def test_cannot_act_on_a_learner_outside_the_lists_filter(client, world):
    client.force_login(organiser_of(world.chengguan))
    response = client.post(
        f"{REPORTS}candidates/?status=untrained",
        {"learner": [world.lin.pk], "action": "enrol", "course": world.course_b.pk},
    )
    assert response.status_code == 404


def test_remind_untrained_candidates_queues_one_message_each_once(client, world):
    from learning.models import SmsMessage

    client.force_login(organiser_of(world.chengguan))
    data = {
        "learner": [world.wang.pk, world.chen.pk],
        "action": "remind",
        "body": "{name}您好，请尽快完成培训课程。",
        "batch": "abc123",
    }
    client.post(f"{REPORTS}candidates/", data)
    client.post(f"{REPORTS}candidates/", data)
    messages = SmsMessage.objects.filter(kind="manual").order_by("learner_id")
    assert messages.count() == 2
    assert (
        messages.get(learner=world.wang).text == "【社工学堂】王磊您好，请尽快完成培训课程。回T退订"
    )


# --- study record --------------------------------------------------------------------------


def test_study_record_figures(client, world):
    client.force_login(organiser_of(None))
    today = timezone.localdate()
    response = client.get(
        f"{REPORTS}learners/{world.lin.pk}/",
        {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()},
    )
    record = response.context["record"]
    assert (record.courses_enrolled, record.courses_completed, record.hours) == (2, 2, Decimal(11))
    assert (record.lessons, record.sessions_attended) == (1, 1)
    assert (record.practice_answers, record.practice_accuracy) == (3, 66.7)
    assert (record.mock_attempts, record.mock_passed, record.mock_best) == (1, 1, 80.0)
    assert record.points > 0
    assert record.ranks == {"社区": 1, "街镇": 1, "县市": 1}
    assert "@media print" in open_static("courses/css/record.css")


def open_static(path: str) -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find(path), encoding="utf-8") as handle:
        return handle.read()


def test_study_record_rejects_a_bad_period(client, world):
    client.force_login(organiser_of(None))
    response = client.get(f"{REPORTS}learners/{world.lin.pk}/", {"start": "2026-13-01"})
    assert response.status_code == 400


def test_study_record_xlsx(client, world):
    client.force_login(organiser_of(None, phones=False))
    response = client.get(f"{REPORTS}learners/{world.lin.pk}/", {"format": "xlsx"})
    row = sheet_rows(response, "学习档案")[1]
    assert row[0] == "林芳" and row[1] == world.lin.masked_phone
    assert sheet_rows(response, "课程")[1][0] == "社会工作综合能力精讲"


def test_community_records_export_has_a_row_per_learner(client, world):
    client.force_login(organiser_of(world.chengguan))
    response = client.get(f"{REPORTS}records/", {"org": world.xingfu.pk})
    rows = sheet_rows(response, "学习档案")
    assert [row[0] for row in rows[1:]] == ["林芳", "王磊", "赵敏"]
    wang = rows[2]
    assert (wang[7], wang[8], wang[9]) == (1, 6, 2)  # completed courses, hours, lessons


# --- speed ---------------------------------------------------------------------------------


def _many_learners(make_learner, world, count: int = 40) -> None:
    for number in range(count):
        learner = make_learner(
            name=f"学员{number}",
            organisation=world.heping if number % 2 else world.donghu,
            exam_level="junior",
        )
        if number % 3 == 0:
            _complete(learner, world.course_a)


@pytest.mark.parametrize(
    "path",
    [REPORTS, f"{REPORTS}export/", f"{REPORTS}candidates/", f"{REPORTS}candidates/?format=xlsx"],
)
def test_reports_answer_in_a_constant_number_of_queries(
    client, world, make_learner, django_assert_max_num_queries, path
):
    _many_learners(make_learner, world)
    client.force_login(organiser_of(None))
    client.get("/admin/")  # warm the session and the admin's per-user caches
    with django_assert_max_num_queries(40):
        assert client.get(path).status_code == 200


def test_community_records_export_in_a_constant_number_of_queries(
    client, world, make_learner, django_assert_max_num_queries
):
    _many_learners(make_learner, world)
    client.force_login(organiser_of(None))
    with django_assert_max_num_queries(20):
        response = client.get(f"{REPORTS}records/", {"org": world.chengguan.pk})
    assert len(sheet_rows(response, "学习档案")) == 1 + 4 + 20


def test_rankings_of_organisations_and_learners_this_month(client, world):
    from learning.models import PointRule

    lesson_points = PointRule.objects.get(action=PointAction.LESSON_COMPLETED).points
    client.force_login(organiser_of(world.chengguan))
    response = client.get(REPORTS)
    ranking = {
        item.organisation.name: (item.members, item.total_points)
        for item in response.context["ranking"]
    }
    assert ranking == {"幸福里社区": (3, 2 * lesson_points), "和平社区": (1, 0)}
    top = [(t.rank, t.name, t.points) for t in response.context["top_learners"]]
    assert top == [(1, "林芳", lesson_points), (1, "王磊", lesson_points)]


# --- freshness (the figures' cache) --------------------------------------------------------


def _newcomer(make_learner, world) -> User:
    """A candidate who joins 幸福里社区 after the figures were computed."""
    return make_learner(name="新来的", organisation=world.xingfu, exam_level="junior")


def test_dashboard_keeps_its_figures_and_says_when_they_were_computed(
    client, world, make_learner, django_assert_max_num_queries
):
    client.force_login(organiser_of(None))
    first = client.get(REPORTS)
    assert first.context["total"].candidates == 4
    _newcomer(make_learner, world)
    with django_assert_max_num_queries(12):  # the session, the scope, the admin; no figures
        again = client.get(REPORTS)
    # The same page as kept (learning.platform.admin_page_cache): the kept figures, the same time.
    assert again["X-Admin-Page-Cache"] == "hit"
    total = first.context["total"]
    total_row = f"<td>合计</td><td>{total.learners}</td><td>{total.candidates}</td>"
    assert total.candidates == 4
    assert total_row in again.content.decode()
    shown = timezone.localtime(first.context["computed_at"]).strftime("%H:%M")
    assert f"数据更新于 {shown}" in again.content.decode()


def test_refresh_recomputes_the_figures_at_once(client, world, make_learner):
    client.force_login(organiser_of(None))
    client.get(REPORTS, {"org": world.chengguan.pk})
    _newcomer(make_learner, world)
    response = client.post(f"{REPORTS}?org={world.chengguan.pk}")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?org={world.chengguan.pk}")
    refreshed = client.get(response["Location"])
    assert refreshed.context["total"].candidates == 4
    assert "统计数据已更新" in refreshed.content.decode()


def test_figures_expire_after_the_stated_freshness(client, world, make_learner, settings):
    settings.REPORTS_CACHE_SECONDS = 1
    client.force_login(organiser_of(None))
    client.get(REPORTS)
    _newcomer(make_learner, world)
    time.sleep(1.2)
    assert client.get(REPORTS).context["total"].candidates == 5


def test_each_organisation_and_training_rule_has_its_own_figures(client, world, settings):
    client.force_login(organiser_of(None))
    assert client.get(REPORTS).context["total"].trained == 2
    assert client.get(REPORTS, {"org": world.heping.pk}).context["total"].candidates == 1
    settings.TRAINING_REQUIRED_HOURS = 6
    assert client.get(REPORTS).context["total"].trained == 3  # 王磊's 6 hours now suffice


def test_street_organiser_never_gets_the_prefectures_cached_figures(client, world):
    client.force_login(organiser_of(None))
    client.get(REPORTS)
    client.force_login(organiser_of(world.chengguan))
    response = client.get(REPORTS)
    assert set(table(response.context["rows"])) == {"幸福里社区", "和平社区"}
    assert response.context["total"].candidates == 3


def test_home_panel_shows_the_dashboards_figures_and_their_time(client, world, make_learner):
    client.force_login(organiser_of(world.chengguan))
    client.get(REPORTS)
    _newcomer(make_learner, world)
    html = client.get("/admin/").content.decode()
    assert "<strong>3</strong>" in html  # candidates as computed with the dashboard
    client.post(REPORTS)
    html = client.get("/admin/").content.decode()
    assert "<strong>4</strong>" in html
    assert "数据更新于" in html


def test_home_panel_is_cached_between_visits(
    client, world, make_learner, django_assert_max_num_queries
):
    client.force_login(organiser_of(None))
    client.get("/admin/")
    _newcomer(make_learner, world)
    with django_assert_max_num_queries(30):
        html = client.get("/admin/").content.decode()
    assert "<strong>4</strong>" in html  # not 5: the newcomer shows after the refresh


# --- whose study record can be opened --------------------------------------------------------


def test_study_record_of_a_non_candidate_learner_in_scope(client, world):
    client.force_login(organiser_of(world.chengguan))
    response = client.get(f"{REPORTS}learners/{world.zhao.pk}/")
    assert response.status_code == 200
    assert response.context["record"].courses_completed == 2


def test_accounts_without_a_learner_profile_have_no_study_record(client, world):
    organiser = organiser_of(None)
    street_organiser = organiser_of(world.chengguan)
    staff = User.objects.create_user(phone="13900002222", name="管理员", password="pw")
    client.force_login(organiser)
    for user in (organiser, street_organiser, staff):
        assert client.get(f"{REPORTS}learners/{user.pk}/").status_code == 404
        assert client.get(f"{REPORTS}learners/{user.pk}/?format=xlsx").status_code == 404
    assert client.get(f"{REPORTS}learners/999999/").status_code == 404


def test_deactivated_learner_has_no_study_record(client, world):
    world.wang.is_active = False
    world.wang.save(update_fields=["is_active"])
    client.force_login(organiser_of(None))
    assert client.get(f"{REPORTS}learners/{world.wang.pk}/").status_code == 404
    assert client.get(f"{REPORTS}learners/{world.lin.pk}/").status_code == 200


def test_mock_answers_filed_as_practice_records_are_not_practice(client, world):
    question = AttemptQuestion.objects.get(attempt__learner=world.lin).question
    PracticeAnswer.objects.create(
        learner=world.lin,
        question=question,
        version=current_version(question),
        mode=PracticeAnswer.Mode.EXAM,
        answer=["B"],
        correct=False,
        local_date=timezone.localdate(),
    )
    client.force_login(organiser_of(None))
    assert client.get(REPORTS).context["weeks"][-1].practice_answers == 7


def test_figures_being_computed_elsewhere_are_waited_for_not_recomputed(
    world, django_assert_num_queries
):
    from django.core.cache import cache

    from courses.reports import snapshot

    computed = snapshot.dashboard(None)
    key = snapshot._key("dashboard", None)
    cache.delete(key)
    DashboardSnapshot.objects.all().delete()  # no row kept yet either (issue 21.3)
    cache.add(f"{key}:computing", timezone.now())  # another request is computing them

    def finish_elsewhere(*_args):
        cache.set(key, snapshot.Snapshot(computed.data, timezone.now()))

    threading.Timer(0.2, finish_elsewhere).start()
    with django_assert_num_queries(1):  # the snapshot row looked for; then only the cache
        found = snapshot.dashboard(None)
    assert found.data["total"].candidates == 4
