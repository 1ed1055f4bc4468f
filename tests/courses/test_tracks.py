"""Training tracks (培训方案, 分级分层): the most specific track is the learner's, their home
page shows it with progress, and organisers see coverage per track."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from courses.models import LessonPage, TrackCourse, TrainingTrack
from courses.study import services
from courses.tracks import selectors as tracks
from learning.accounts import roles
from learning.models import Organiser, User


def make_track(name, *, courses=(), order=0, **criteria):
    track = TrainingTrack(name=name, sort_order=order, **criteria)
    track.track_courses = [TrackCourse(course=c, sort_order=n) for n, c in enumerate(courses)]
    track.save()
    return track


def finish(learner, course):
    services.enrol(learner=learner, course=course)
    for lesson in LessonPage.objects.child_of(course):
        services.complete_lesson(learner=learner, lesson=lesson)


@pytest.fixture
def programme(db, make_course):
    """Tracks of increasing specificity over two courses."""
    ethics, method = make_course("价值伦理", lessons=1), make_course("实务方法", lessons=1)
    return {
        "ethics": ethics,
        "method": method,
        "everyone": make_track("全员通用", courses=[ethics], order=9),
        "staff": make_track("一般工作人员", courses=[ethics], post_types=["staff"]),
        "staff_junior": make_track(
            "一般工作人员·初级备考",
            courses=[ethics, method],
            post_types=["staff"],
            exam_levels=["junior"],
        ),
        "newcomers": make_track(
            "新入职（1—6级）不报考",
            courses=[method],
            grade_min=1,
            grade_max=6,
            exam_levels=["none"],
        ),
        "heads": make_track("正职", courses=[method], post_types=["head"], order=1),
    }


@pytest.mark.parametrize(
    ("post_type", "grade", "exam_level", "expected"),
    [
        ("staff", 3, "junior", "staff_junior"),  # two criteria beat one
        ("staff", 3, "", "newcomers"),  # grade band and not sitting beat the post type
        ("staff", 9, "", "staff"),  # outside the band
        ("staff", None, "", "staff"),  # no grade never matches a band
        ("deputy", 9, "intermediate", "everyone"),  # only the general track fits
        ("head", 12, "intermediate", "heads"),
    ],
)
def test_the_most_specific_matching_track_is_the_learners(
    programme, post_type, grade, exam_level, expected
):
    found = tracks.track_of(
        tracks.all_tracks(), post_type=post_type, grade=grade, exam_level=exam_level
    )
    assert found == programme[expected]


def test_home_page_shows_the_learners_track_with_progress(
    client, home_page, make_learner, programme
):
    learner = make_learner(name="周敏", post_type="staff", grade=4, exam_level="junior")
    finish(learner, programme["ethics"])
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "我的培训方案" in html
    assert "一般工作人员·初级备考" in html
    assert "已学完 1/2 门" in html
    assert "全员通用" not in html


def test_no_track_panel_without_a_matching_track(client, home_page, make_learner, make_course):
    make_track("正职", courses=[make_course(lessons=1)], post_types=["head"])
    client.force_login(make_learner(post_type="staff"))
    assert "我的培训方案" not in client.get("/").content.decode()


def test_coverage_per_track_counts_each_learner_once(make_learner, programme):
    done = make_learner(name="甲", post_type="staff", grade=4, exam_level="junior")
    finish(done, programme["ethics"])
    finish(done, programme["method"])
    half = make_learner(name="乙", post_type="staff", grade=4, exam_level="junior")
    finish(half, programme["ethics"])
    make_learner(name="丙", post_type="head", grade=12)
    make_learner(name="丁", post_type="deputy", grade=9)
    rows = {row.name: (row.learners, row.finished) for row in tracks.coverage_by_track(None)}
    assert rows == {
        "一般工作人员·初级备考": (2, 1),
        "一般工作人员": (0, 0),
        "新入职（1—6级）不报考": (0, 0),
        "正职": (1, 0),
        "全员通用": (1, 0),
        "": (0, 0),
    }


def test_organisers_see_coverage_per_track_on_the_dashboard(
    client, make_learner, programme, community
):
    organiser = User.objects.create_user(phone="13800000099", name="组织者", password="pw")
    organiser.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=organiser, organisation=None)
    finish(make_learner(post_type="head", grade=12), programme["method"])
    client.force_login(organiser)
    html = client.get("/admin/reports/").content.decode()
    assert "分级分层培训" in html
    assert "<td>正职</td><td>1</td><td>1</td>" in html


def test_a_street_organiser_may_not_change_the_prefectures_tracks(client, programme, community):
    organiser = User.objects.create_user(phone="13800000098", name="街镇组织者", password="pw")
    organiser.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=organiser, organisation=community.get_parent())
    client.force_login(organiser)
    track = programme["heads"]
    assert client.get("/admin/training_tracks/").status_code == 200
    edit = f"/admin/training_tracks/edit/{track.pk}/"
    for response in (client.get(edit), client.post(edit, {"name": "改掉"})):
        # Wagtail answers a refused permission with a redirect to the dashboard.
        assert response.status_code in (302, 403, 404)
        assert response.status_code != 302 or response["Location"] == "/admin/"
    track.refresh_from_db()
    assert track.name == "正职"


def test_only_a_prefecture_wide_organiser_adds_a_track(client, programme, community):
    street = User.objects.create_user(phone="13800000098", name="街镇组织者", password="pw")
    street.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=street, organisation=community.get_parent())
    client.force_login(street)
    listing = client.get("/admin/training_tracks/").content.decode()
    assert "/admin/training_tracks/new/" not in listing
    before = TrainingTrack.objects.count()
    form = {"name": "街道自定方案", "sort_order": "9", "track_courses-TOTAL_FORMS": "0"}
    form |= {"track_courses-INITIAL_FORMS": "0", "track_courses-MIN_NUM_FORMS": "0"}
    form |= {"track_courses-MAX_NUM_FORMS": "1000"}
    for response in (
        client.get("/admin/training_tracks/new/"),
        client.post("/admin/training_tracks/new/", form),
    ):
        assert response.status_code in (302, 403)
        assert response.status_code != 302 or response["Location"] == "/admin/"
    assert TrainingTrack.objects.count() == before
    prefecture = User.objects.create_user(phone="13800000097", name="组织部", password="pw")
    prefecture.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=prefecture, organisation=None)
    client.force_login(prefecture)
    assert "/admin/training_tracks/new/" in client.get("/admin/training_tracks/").content.decode()
    assert client.post("/admin/training_tracks/new/", form).status_code == 302
    assert TrainingTrack.objects.count() == before + 1
