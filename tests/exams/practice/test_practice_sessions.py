"""Practice sessions as a service: which questions a session holds, and its summary's numbers
against figures worked out by hand."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from exams.attempts.services import start_attempt
from exams.models import PracticeAnswer, PracticeSession
from exams.practice import sessions
from exams.practice.services import record_answer
from tests.exams.mock_helpers import choice_question, fixed_paper

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
Kind = PracticeSession.Kind


@pytest.fixture
def three(make_question):
    """q1 on 甲, q2 on 甲 and 乙, q3 on 乙, q4 on 丙: one chapter."""
    return [
        make_question("single", chapter="社会救助", knowledge_points=points)
        for points in (["甲"], ["甲", "乙"], ["乙"], ["丙"])
    ]


def test_summary_counts_rate_time_points_and_weakest_points(learner, three):
    q1, q2, q3, q4 = three
    session = sessions.start_session(
        learner=learner, kind=Kind.CHAPTER, scope=sessions.Scope(chapter="社会救助"), now=START
    )
    assert session.question_ids == [q1.pk, q2.pk, q3.pk, q4.pk]
    sessions.answer(session=session, position=1, answer="A", now=START + timedelta(seconds=30))
    sessions.answer(session=session, position=2, answer="B", now=START + timedelta(seconds=90))
    # Two hours away from the phone count as the idle cap of 10 minutes.
    sessions.answer(session=session, position=3, answer="C", now=START + timedelta(hours=2))
    summary = sessions.summary(session)
    assert (summary.total, summary.answered, summary.right, summary.unanswered) == (4, 3, 1, 1)
    assert summary.accuracy == 0.333
    assert summary.seconds == 30 + 60 + 600
    assert summary.points == 1  # q1 right: 1 practice point; wrong answers earn none
    assert [(p.knowledge_point, p.right, p.answered) for p in summary.weakest] == [
        ("乙", 0, 2),
        ("甲", 1, 2),
    ]
    assert summary.wrong_ids == [q2.pk, q3.pk]


def test_summary_counts_only_points_this_sessions_answers_earned(learner, three):
    q1 = three[0]
    record_answer(learner=learner, question=q1, answer="A", now=START)  # earns today's point
    session = sessions.start_session(
        learner=learner, kind=Kind.RETRY, question_ids=[q1.pk], now=START + timedelta(minutes=1)
    )
    sessions.answer(session=session, position=1, answer="A", now=START + timedelta(minutes=2))
    assert sessions.summary(session).points == 0


def test_daily_session_summary_includes_the_completion_bonus(learner, make_question):
    for _ in range(10):
        make_question("single")
    session = sessions.open_session(learner=learner, kind=Kind.DAILY, now=START)
    assert len(session.question_ids) == 10
    for position in range(1, 11):
        sessions.answer(
            session=session,
            position=position,
            answer="A" if position <= 6 else "B",
            now=START + timedelta(seconds=20 * position),
        )
    summary = sessions.summary(session)
    assert (summary.right, summary.accuracy, summary.seconds) == (6, 0.6, 200)
    assert summary.points == 6 + 5  # six right answers, then the day's set done
    assert PracticeAnswer.objects.filter(mode=PracticeAnswer.Mode.DAILY).count() == 10


def test_the_first_answer_in_a_session_is_the_one_that_counts(learner, three):
    session = sessions.start_session(
        learner=learner, kind=Kind.RETRY, question_ids=[three[0].pk], now=START
    )
    sessions.answer(session=session, position=1, answer="B", now=START)
    with pytest.raises(sessions.AlreadyAnswered):
        sessions.answer(session=session, position=1, answer="A", now=START)
    assert sessions.summary(session).right == 0


def test_retry_holds_the_wrong_ones_and_again_a_new_group(learner, three):
    session = sessions.start_session(
        learner=learner, kind=Kind.CHAPTER, scope=sessions.Scope(chapter="社会救助"), now=START
    )
    for position, key in enumerate("ABAB", start=1):
        sessions.answer(session=session, position=position, answer=key, now=START)
    retry = sessions.retry_wrong(session=session, now=START)
    assert retry.kind == Kind.RETRY and retry.question_ids == [three[1].pk, three[3].pk]
    again = sessions.again(session=session, now=START)
    assert again.pk != session.pk and again.chapter == "社会救助"
    # Answered ones go last: the wrong ones first, then the right ones.
    assert again.question_ids == [three[1].pk, three[3].pk, three[0].pk, three[2].pk]


def test_a_link_resumes_todays_unfinished_session_and_starts_anew_when_done(learner, three):
    scope = sessions.Scope(chapter="社会救助")
    first = sessions.open_session(learner=learner, kind=Kind.CHAPTER, scope=scope, now=START)
    assert (
        sessions.open_session(learner=learner, kind=Kind.CHAPTER, scope=scope, now=START) == first
    )
    for position in range(1, 5):
        sessions.answer(session=first, position=position, answer="A", now=START)
    second = sessions.open_session(learner=learner, kind=Kind.CHAPTER, scope=scope, now=START)
    assert second != first


def test_sessions_leave_out_questions_the_review_policy_withholds(learner, make_question):
    in_exam = choice_question(stem="考试中的题")
    free = make_question("single")
    exam_only = make_question("single", exam_only=True)
    start_attempt(learner=learner, paper=fixed_paper([in_exam]), now=timezone.now())
    session = sessions.start_session(
        learner=learner, kind=Kind.RETRY, question_ids=[in_exam.pk, free.pk, exam_only.pk]
    )
    assert session.question_ids == [free.pk]


def test_an_empty_scope_is_nothing_to_practise(learner):
    with pytest.raises(sessions.NothingToPractise):
        sessions.open_session(learner=learner, kind=Kind.FAVOURITE)
