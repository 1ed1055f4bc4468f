from datetime import timedelta

from django.test import Client
from django.utils import timezone

from lecturers import services
from lecturers.models import Enrolment


def test_visitors_see_sessions_and_a_log_in_link(client, make_session):
    make_session(title="智囊团社区行·幸福里站")
    html = client.get("/trainings/").content.decode()
    assert "智囊团社区行·幸福里站" in html and "/accounts/login/" in html


def test_learner_enrols_from_the_list_with_csrf(learner, make_session):
    session = make_session()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    page = browser.get("/trainings/")
    token = page.cookies["csrftoken"].value
    response = browser.post(
        f"/trainings/{session.pk}/enrol/", {"csrfmiddlewaretoken": token}, follow=True
    )
    assert "报名成功" in response.content.decode()
    assert Enrolment.objects.filter(session=session, learner=learner).exists()


def test_enrol_without_csrf_is_refused(learner, make_session):
    session = make_session()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert browser.post(f"/trainings/{session.pk}/enrol/").status_code == 403
    assert not Enrolment.objects.exists()


def test_full_session_shows_a_message(client, make_learner, make_session):
    session = make_session(capacity=1)
    services.enrol(session=session, learner=make_learner(name="甲"))
    client.force_login(make_learner(name="乙"))
    response = client.post(f"/trainings/{session.pk}/enrol/", follow=True)
    assert "名额已满" in response.content.decode()


def test_enrolled_learner_cancels(client, learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    client.force_login(learner)
    assert "取消报名" in client.get("/trainings/").content.decode()
    client.post(f"/trainings/{session.pk}/cancel/")
    assert not Enrolment.objects.exists()


def test_check_in_form_awards_points(client, learner, make_session):
    session = make_session(starts_in=timedelta(minutes=5))
    services.enrol(session=session, learner=learner, now=timezone.now() - timedelta(days=1))
    client.force_login(learner)
    response = client.post(
        f"/trainings/{session.pk}/check-in/", {"code": session.check_in_code}, follow=True
    )
    html = response.content.decode()
    assert "签到成功，获得 10 积分" in html and "已签到" in html


def test_anonymous_enrol_goes_to_log_in(client, make_session):
    session = make_session()
    response = client.post(f"/trainings/{session.pk}/enrol/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_session_list_takes_a_constant_number_of_queries(
    client, learner, make_lecturer, make_session, django_assert_max_num_queries
):
    lecturer = make_lecturer(name="周明")
    for number in range(10):
        make_session(title=f"第{number}期", starts_in=timedelta(days=number + 1)).lecturers.add(
            lecturer
        )
    client.force_login(learner)
    with django_assert_max_num_queries(10):
        assert client.get("/trainings/").status_code == 200


def test_learner_sees_the_sessions_they_attended(client, learner, make_session):
    session = make_session(title="书记论坛第一期", starts_in=timedelta(days=-3))
    services.enrol(session=session, learner=learner, now=session.starts_at - timedelta(days=1))
    services.check_in(
        session=session, learner=learner, code=session.check_in_code, now=session.starts_at
    )
    client.force_login(learner)
    html = client.get("/trainings/").content.decode()
    assert "我参加过的培训" in html and "书记论坛第一期" in html
