import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from openpyxl import load_workbook

from learning.accounts import roles
from learning.models import Organiser, User
from lecturers import services
from lecturers.models import TrainingSession
from tests.conftest import PASSWORD


@pytest.fixture
def organiser(db):
    user = User.objects.create_user(phone="13800000002", name="王建国", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user)
    return user


def test_organiser_creates_a_session_with_a_generated_code(
    client, organiser, make_lecturer, community
):
    lecturer = make_lecturer(name="周明")
    client.force_login(organiser)
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        "/admin/trainings/new/",
        {
            "kind": "forum",
            "title": "书记论坛第四期",
            "lecturers": [lecturer.pk],
            "venue": "城关镇党群服务中心",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            "capacity": "60",
            "target_organisations": [community.get_parent().pk],
            "description": "围绕老旧小区改造中的居民议事开展交流。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    session = TrainingSession.objects.get()
    assert list(session.lecturers.all()) == [lecturer]
    assert len(session.check_in_code) == 6
    assert session.check_in_code in client.get("/admin/trainings/").content.decode()


def test_session_ending_before_it_starts_is_a_form_error(client, organiser):
    client.force_login(organiser)
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        "/admin/trainings/new/",
        {
            "kind": "forum",
            "title": "书记论坛",
            "venue": "党校",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "capacity": "10",
        },
    )
    assert response.status_code == 200
    assert "结束时间必须晚于开始时间" in response.content.decode()


def test_roster_masks_phones_and_shows_attendance(client, organiser, learner, make_session):
    session = make_session(starts_in=timedelta(minutes=10))
    services.enrol(session=session, learner=learner, now=timezone.now() - timedelta(days=1))
    services.check_in(session=session, learner=learner, code=session.check_in_code)
    client.force_login(organiser)
    html = client.get(f"/admin/trainings/{session.pk}/roster/").content.decode()
    assert "李晓梅" in html and learner.phone not in html and learner.masked_phone in html
    assert session.check_in_code in html
    assert "已签到 1" in html


def test_roster_list_takes_a_constant_number_of_queries(
    client, organiser, make_learner, make_session, django_assert_max_num_queries
):
    session = make_session(capacity=50)
    for number in range(20):
        services.enrol(session=session, learner=make_learner(name=f"学员{number}"))
    client.force_login(organiser)
    with django_assert_max_num_queries(15):
        assert client.get(f"/admin/trainings/{session.pk}/roster/").status_code == 200


def _exported_phones(client, session) -> list[str]:
    response = client.get(f"/admin/trainings/{session.pk}/roster/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    return [row[1] for row in rows]


def test_export_has_full_phones_for_organisers(client, organiser, learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    client.force_login(organiser)
    assert _exported_phones(client, session) == [learner.phone]


def test_export_masks_phones_without_the_export_permission(client, learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    viewer = User.objects.create_user(phone="13800000009", name="查看员", password=PASSWORD)
    group = Group.objects.create(name="只读")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_enrolment"])
    )
    viewer.groups.add(group)
    client.force_login(viewer)
    assert _exported_phones(client, session) == [learner.masked_phone]


def test_lecturers_cannot_see_the_roster(client, make_lecturer, make_session):
    lecturer = make_lecturer(name="周明", account=True).user
    session = make_session()
    client.force_login(lecturer)
    assert client.get(f"/admin/trainings/{session.pk}/roster/").status_code == 302
    assert client.get(f"/admin/trainings/{session.pk}/roster/export/").status_code == 302


def test_street_organiser_sees_only_their_streets_learners(
    client, make_learner, make_session, community
):
    from learning.accounts.organisations import get_or_create_path

    street_organiser = User.objects.create_user(phone="13800000008", name="街道", password="pw")
    street_organiser.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=street_organiser, organisation=community.get_parent())
    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    session = make_session()
    services.enrol(session=session, learner=make_learner(name="本街学员"))
    services.enrol(session=session, learner=make_learner(name="外街学员", organisation=elsewhere))
    client.force_login(street_organiser)
    html = client.get(f"/admin/trainings/{session.pk}/roster/").content.decode()
    assert "本街学员" in html and "外街学员" not in html


def test_capacity_cannot_drop_below_the_enrolments(client, organiser, make_learner, make_session):
    session = make_session(capacity=5)
    for name in ("甲", "乙", "丙"):
        services.enrol(session=session, learner=make_learner(name=name))
    client.force_login(organiser)
    starts = timezone.localtime(session.starts_at)
    response = client.post(
        f"/admin/trainings/edit/{session.pk}/",
        {
            "kind": session.kind,
            "title": session.title,
            "venue": session.venue,
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M"),
            "capacity": "2",
        },
    )
    assert response.status_code == 200
    assert "已有 3 人报名，名额不能少于报名人数" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 5


def test_dashboard_shows_organisers_the_weeks_sessions_with_codes(client, organiser, make_session):
    session = make_session(title="书记论坛第五期", starts_in=timedelta(days=2))
    make_session(title="下个月的集训", starts_in=timedelta(days=30))
    client.force_login(organiser)
    html = client.get("/admin/").content.decode()
    assert "书记论坛第五期" in html and session.check_in_code in html
    assert "下个月的集训" not in html


def test_dashboard_shows_a_lecturer_their_page_and_only_their_sessions(
    client, make_lecturer, make_session
):
    page = make_lecturer(name="周明", account=True)
    make_session(title="周明主讲", starts_in=timedelta(days=1)).lecturers.add(page)
    make_session(title="别人主讲", starts_in=timedelta(days=1))
    client.force_login(page.user)
    html = client.get("/admin/").content.decode()
    assert f"/admin/pages/{page.pk}/edit/" in html
    assert "周明主讲" in html and "别人主讲" not in html


def test_lecturers_list_only_the_sessions_they_teach(client, make_lecturer, make_session):
    page = make_lecturer(name="周明", account=True)
    mine = make_session(title="周明主讲")
    mine.lecturers.add(page)
    theirs = make_session(title="别人主讲")
    client.force_login(page.user)
    html = client.get("/admin/trainings/").content.decode()
    assert "周明主讲" in html and "别人主讲" not in html
    assert client.get(f"/admin/trainings/inspect/{mine.pk}/").status_code == 200
    assert client.get(f"/admin/trainings/inspect/{theirs.pk}/").status_code == 404
