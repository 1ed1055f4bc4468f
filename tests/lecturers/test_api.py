from datetime import timedelta

from django.utils import timezone

from lecturers import services
from tests.lecturers.test_directory import _photo


def test_lecturer_list_shape(client, learner, token_for, make_lecturer):
    make_lecturer(
        name="周明",
        lecturer_type="party_school",
        position="党校副教授",
        organisation="市委党校",
        photo=_photo(),
        expertise=["社区治理", "党建引领"],
    )
    body = client.get("/api/v1/lecturers", **token_for(learner)).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {"id", "name", "type", "title", "organisation", "photo_url", "expertise"} <= set(item)
    assert (item["name"], item["type"], item["title"], item["organisation"]) == (
        "周明",
        "party_school",
        "党校副教授",
        "市委党校",
    )
    assert sorted(item["expertise"]) == ["党建引领", "社区治理"]
    assert (
        item["photo_url"].startswith("http://testserver/") and "fill-240x240" in item["photo_url"]
    )


def test_lecturer_list_filters_by_type_and_name(client, learner, token_for, make_lecturer):
    make_lecturer(name="周明", lecturer_type="party_school")
    make_lecturer(name="吴敏", lecturer_type="professor")
    make_lecturer(name="吴建国", lecturer_type="party_school")
    auth = token_for(learner)
    by_type = client.get("/api/v1/lecturers", {"type": "professor"}, **auth).json()
    by_name = client.get("/api/v1/lecturers", {"q": "吴"}, **auth).json()
    assert [item["name"] for item in by_type["items"]] == ["吴敏"]
    assert sorted(item["name"] for item in by_name["items"]) == ["吴建国", "吴敏"]


def test_lecturer_list_needs_log_in(client):
    response = client.get("/api/v1/lecturers")
    assert response.status_code == 401 and "detail" in response.json()


def test_lecturer_list_takes_a_constant_number_of_queries(
    client, learner, token_for, make_lecturer, django_assert_max_num_queries
):
    for number in range(12):
        make_lecturer(name=f"讲师{number}", photo=_photo(), expertise=[f"领域{number}"])
    auth = token_for(learner)  # outside the count: it makes the day's first request
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/lecturers", **auth).json()["count"] == 12


def test_lecturer_detail_has_bio_courses_and_sessions(
    client, learner, token_for, make_lecturer, make_session
):
    from wagtail import hooks

    lecturer = make_lecturer(name="周明", bio="<p>长期从事基层党建研究。</p>")
    make_session(title="书记论坛第三期").lecturers.add(lecturer)

    def courses(page):
        return [{"id": 3, "title": "基层党建实务", "url": "/courses/3/"}]

    with hooks.register_temporarily("lecturer_courses", courses):
        body = client.get(f"/api/v1/lecturers/{lecturer.pk}", **token_for(learner)).json()
    assert "长期从事基层党建研究" in body["bio"]
    assert body["courses"] == [{"id": 3, "title": "基层党建实务", "url": "/courses/3/"}]
    assert body["name"] == "周明"
    assert [session["title"] for session in body["upcoming_sessions"]] == ["书记论坛第三期"]


def test_lecturer_list_is_paginated(client, learner, token_for, make_lecturer):
    for name in ("周明", "吴敏", "林秀英"):
        make_lecturer(name=name)
    body = client.get("/api/v1/lecturers", {"page_size": 2}, **token_for(learner)).json()
    assert body["count"] == 3 and len(body["items"]) == 2


def test_unknown_lecturer_is_404(client, learner, token_for, lecturer_index):
    response = client.get("/api/v1/lecturers/99999", **token_for(learner))
    assert response.status_code == 404 and "detail" in response.json()


def test_training_list_shape(client, learner, token_for, make_lecturer, make_session):
    session = make_session(title="书记论坛第三期", capacity=40)
    session.lecturers.add(make_lecturer(name="周明"), make_lecturer(name="吴敏"))
    services.enrol(session=session, learner=learner)
    body = client.get("/api/v1/trainings", **token_for(learner)).json()
    item = body["items"][0]
    assert body["count"] == 1
    assert {"id", "title", "starts_at", "venue", "lecturer", "capacity", "enrolled"} <= set(item)
    assert item["lecturer"] == "周明、吴敏"
    assert (item["capacity"], item["enrolled"], item["my_enrolment"], item["attended"]) == (
        40,
        1,
        True,
        False,
    )
    assert item["kind"] == "intensive" and item["ends_at"]


def test_training_list_hides_sessions_for_other_areas_and_past_ones(
    client, learner, token_for, make_session
):
    from learning.accounts.organisations import get_or_create_path

    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    make_session(title="临江专场").target_organisations.add(elsewhere)
    make_session(title="已结束", starts_in=timedelta(days=-2))
    make_session(title="全市集训")
    body = client.get("/api/v1/trainings", **token_for(learner)).json()
    assert [item["title"] for item in body["items"]] == ["全市集训"]


def test_training_list_takes_a_constant_number_of_queries(
    client, learner, token_for, make_lecturer, make_session, django_assert_max_num_queries
):
    lecturer = make_lecturer(name="周明")
    for number in range(10):
        make_session(title=f"第{number}期", starts_in=timedelta(days=number + 1)).lecturers.add(
            lecturer
        )
    auth = token_for(learner)  # outside the count: it makes the day's first request
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/trainings", **auth).json()["count"] == 10


def test_enrol_is_idempotent(client, learner, token_for, make_session):
    session = make_session()
    auth = token_for(learner)
    first = client.post(f"/api/v1/trainings/{session.pk}/enrol", **auth)
    again = client.post(f"/api/v1/trainings/{session.pk}/enrol", **auth)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == {"enrolled": True, "enrolled_count": 1}


def test_enrol_in_a_full_session_is_409(client, make_learner, token_for, make_session):
    session = make_session(capacity=1)
    services.enrol(session=session, learner=make_learner(name="甲"))
    response = client.post(
        f"/api/v1/trainings/{session.pk}/enrol", **token_for(make_learner(name="乙"))
    )
    assert response.status_code == 409 and response.json()["detail"] == "名额已满。"


def test_cancel_gives_the_seat_back(client, learner, token_for, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    response = client.post(f"/api/v1/trainings/{session.pk}/cancel", **token_for(learner))
    assert response.json() == {"enrolled": False, "enrolled_count": 0}


def test_check_in_awards_points_once(client, learner, token_for, make_session):
    session = make_session(starts_in=timedelta(minutes=10))
    services.enrol(session=session, learner=learner, now=timezone.now() - timedelta(days=1))
    url, auth = f"/api/v1/trainings/{session.pk}/check-in", token_for(learner)
    payload = {"code": session.check_in_code}
    first = client.post(url, payload, content_type="application/json", **auth)
    again = client.post(url, payload, content_type="application/json", **auth)
    assert first.status_code == 200 and first.json()["points_awarded"] == 10
    assert again.status_code == 200 and again.json()["points_awarded"] == 0


def test_check_in_with_a_wrong_code_is_400(client, learner, token_for, make_session):
    session = make_session(starts_in=timedelta(minutes=10))
    services.enrol(session=session, learner=learner, now=timezone.now() - timedelta(days=1))
    response = client.post(
        f"/api/v1/trainings/{session.pk}/check-in",
        {"code": "ZZZZZZ"},
        content_type="application/json",
        **token_for(learner),
    )
    assert response.status_code == 400 and response.json()["detail"] == "签到码不正确。"


def test_check_in_outside_the_session_is_409(client, learner, token_for, make_session):
    session = make_session(starts_in=timedelta(days=1))
    services.enrol(session=session, learner=learner)
    response = client.post(
        f"/api/v1/trainings/{session.pk}/check-in",
        {"code": session.check_in_code},
        content_type="application/json",
        **token_for(learner),
    )
    assert response.status_code == 409


def test_check_in_without_a_code_is_422(client, learner, token_for, make_session):
    session = make_session()
    response = client.post(
        f"/api/v1/trainings/{session.pk}/check-in",
        {},
        content_type="application/json",
        **token_for(learner),
    )
    assert response.status_code == 422


def test_unknown_training_is_404(client, learner, token_for, db):
    response = client.post("/api/v1/trainings/4242/enrol", **token_for(learner))
    assert response.status_code == 404


def test_lecturer_list_filters_by_expertise(client, learner, token_for, make_lecturer):
    make_lecturer(name="周明", expertise=["基层党建"])
    make_lecturer(name="吴敏", expertise=["考试辅导"])
    body = client.get("/api/v1/lecturers", {"expertise": "考试辅导"}, **token_for(learner)).json()
    assert [item["name"] for item in body["items"]] == ["吴敏"]


def test_unpublished_lecturer_is_404(client, learner, token_for, make_lecturer):
    lecturer = make_lecturer(name="周明")
    lecturer.unpublish()
    assert client.get(f"/api/v1/lecturers/{lecturer.pk}", **token_for(learner)).status_code == 404
    assert client.get("/api/v1/lecturers", **token_for(learner)).json()["count"] == 0


def test_a_first_check_in_queues_one_checkin_notice_from_its_template(
    client, learner, token_for, make_session
):
    from learning.models import SmsMessage

    session = make_session(starts_in=timedelta(minutes=10))
    services.enrol(session=session, learner=learner, now=timezone.now() - timedelta(days=1))
    url, auth = f"/api/v1/trainings/{session.pk}/check-in", token_for(learner)
    for _ in range(2):
        client.post(url, {"code": session.check_in_code}, content_type="application/json", **auth)
    (notice,) = SmsMessage.objects.filter(kind="checkin_notice", learner=learner)
    assert session.title in notice.text and "签到成功" in notice.text and "10" in notice.text
