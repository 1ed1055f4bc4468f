import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections

from learning.accounts.organisations import get_or_create_path
from learning.models import LedgerEntry
from lecturers import services
from lecturers.models import Enrolment


def test_enrolling_twice_keeps_one_seat(learner, make_session):
    session = make_session()
    first = services.enrol(session=session, learner=learner)
    assert services.enrol(session=session, learner=learner) == first
    assert Enrolment.objects.count() == 1


def test_a_full_session_refuses_the_next_learner(make_learner, make_session):
    session = make_session(capacity=1)
    services.enrol(session=session, learner=make_learner(name="甲"))
    with pytest.raises(services.SessionFull):
        services.enrol(session=session, learner=make_learner(name="乙"))


def test_a_started_session_takes_no_enrolments(learner, make_session):
    session = make_session(starts_in=timedelta(minutes=-5))
    with pytest.raises(services.SessionClosed):
        services.enrol(session=session, learner=learner)


def test_targeted_session_admits_learners_in_the_targets_subtree(make_learner, make_session):
    inside = make_learner(name="城关学员")  # 清河县/城关镇/幸福里社区
    outside_community, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    outside = make_learner(name="临江学员", organisation=outside_community)
    session = make_session()
    session.target_organisations.add(inside.profile.organisation.get_parent())  # 城关镇
    services.enrol(session=session, learner=inside)
    with pytest.raises(services.NotEligible):
        services.enrol(session=session, learner=outside)


def test_cancelling_frees_the_seat(make_learner, make_session):
    session = make_session(capacity=1)
    first = make_learner(name="甲")
    services.enrol(session=session, learner=first)
    assert services.cancel_enrolment(session=session, learner=first)
    services.enrol(session=session, learner=make_learner(name="乙"))
    assert Enrolment.objects.get().learner.name == "乙"


def test_cannot_cancel_after_the_start(learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    with pytest.raises(services.SessionClosed):
        services.cancel_enrolment(session=session, learner=learner, now=session.starts_at)


@pytest.mark.parametrize(
    ("offset", "open_"),
    [
        (timedelta(minutes=-31), False),
        (timedelta(minutes=-30), True),
        (timedelta(hours=1), True),
        (timedelta(hours=2), True),  # the end
        (timedelta(hours=2, seconds=1), False),
    ],
)
def test_check_in_is_valid_from_half_an_hour_before_until_the_end(
    learner, make_session, offset, open_
):
    session = make_session(hours=2)
    services.enrol(session=session, learner=learner)
    now = session.starts_at + offset
    if open_:
        result = services.check_in(
            session=session, learner=learner, code=session.check_in_code, now=now
        )
        assert result.enrolment.attended_at == now
    else:
        with pytest.raises(services.SessionClosed):
            services.check_in(session=session, learner=learner, code=session.check_in_code, now=now)


def test_wrong_code_is_refused(learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    with pytest.raises(services.WrongCode):
        services.check_in(session=session, learner=learner, code="XXXXXX", now=session.starts_at)


def test_code_is_case_insensitive(learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    code = f"  {session.check_in_code.lower()} "
    services.check_in(session=session, learner=learner, code=code, now=session.starts_at)


def test_check_in_needs_an_enrolment(learner, make_session):
    session = make_session()
    with pytest.raises(services.NotEnrolled):
        services.check_in(
            session=session, learner=learner, code=session.check_in_code, now=session.starts_at
        )


def test_attendance_points_are_awarded_once(learner, make_session):
    session = make_session()
    services.enrol(session=session, learner=learner)
    check = {"session": session, "learner": learner, "code": session.check_in_code}
    first = services.check_in(**check, now=session.starts_at)
    again = services.check_in(**check, now=session.starts_at + timedelta(minutes=5))
    assert (first.points_awarded, again.points_awarded) == (10, 0)
    assert again.enrolment.attended_at == session.starts_at
    entry = LedgerEntry.objects.get(learner=learner)
    assert entry.action == "session_attended" and entry.points == 10


def test_check_in_codes_are_short_and_unambiguous(make_session):
    codes = {make_session().check_in_code for _ in range(20)}
    assert all(len(code) == 6 and not set(code) & set("01IO") for code in codes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_enrolments_never_exceed_the_capacity(make_learner, make_session):
    session = make_session(capacity=5)
    learners = [make_learner(name=f"学员{i}") for i in range(20)]
    outcomes, barrier = [], threading.Barrier(len(learners))

    def worker(user):
        barrier.wait()
        try:
            services.enrol(session=session, learner=user)
            outcomes.append("ok")
        except services.SessionFull:
            outcomes.append("full")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(user,)) for user in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5 and outcomes.count("full") == 15
    assert Enrolment.objects.filter(session=session).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_enrolments_of_one_learner_make_one_seat(learner, make_session):
    session = make_session(capacity=5)
    barrier = threading.Barrier(10)
    errors = []

    def worker():
        barrier.wait()
        try:
            services.enrol(session=session, learner=learner)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and Enrolment.objects.filter(session=session).count() == 1


def test_enrolment_time_is_when_the_learner_enrolled(learner, make_session):
    session = make_session(starts_in=timedelta(days=5))
    moment = session.starts_at - timedelta(days=2)
    assert services.enrol(session=session, learner=learner, now=moment).created_at == moment
