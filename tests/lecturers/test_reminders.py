from datetime import datetime
from zoneinfo import ZoneInfo

from lecturers import services
from lecturers.reminders import sessions_tomorrow

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=SHANGHAI)


def _enrolled(make_session, learner, starts_at, **fields):
    session = make_session(starts_at=starts_at, **fields)
    services.enrol(session=session, learner=learner, now=NOW)
    return session


def test_learners_enrolled_in_tomorrows_sessions_are_listed(learner, make_session):
    session = _enrolled(
        make_session,
        learner,
        datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI),
        title="书记论坛第三期",
        venue="城关镇党群服务中心",
    )
    assert list(sessions_tomorrow(NOW)) == [
        (
            learner.pk,
            {
                "session_title": "书记论坛第三期",
                "session_time": "11月26日 09:00",
                "venue": "城关镇党群服务中心",
            },
            f"session:{session.pk}",
        )
    ]


def test_tomorrow_is_the_next_local_day(learner, make_session):
    # 23:30 on the 26th in Shanghai is still the 26th locally but the 26th 15:30 in UTC.
    _enrolled(make_session, learner, datetime(2026, 11, 26, 23, 30, tzinfo=SHANGHAI))
    _enrolled(make_session, learner, datetime(2026, 11, 27, 0, 30, tzinfo=SHANGHAI))
    _enrolled(make_session, learner, datetime(2026, 11, 25, 21, 0, tzinfo=SHANGHAI))
    times = [context["session_time"] for _, context, _ in sessions_tomorrow(NOW)]
    assert times == ["11月26日 23:30"]


def test_learners_who_are_not_enrolled_are_not_reminded(learner, make_session):
    make_session(starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    assert list(sessions_tomorrow(NOW)) == []


def test_the_provider_reads_everyone_in_one_query(
    make_learner, make_session, django_assert_num_queries
):
    session = make_session(starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    for number in range(5):
        services.enrol(session=session, learner=make_learner(name=f"学员{number}"), now=NOW)
    with django_assert_num_queries(1):
        assert len(list(sessions_tomorrow(NOW))) == 5
