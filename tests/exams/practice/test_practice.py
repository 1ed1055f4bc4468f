"""Practice services: the wrong-answer book, mastery across days, daily sets, points, versions."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections

from exams.bank.versions import current_version, practice_question, snapshot_of
from exams.models import DailySet, PracticeAnswer, Question, QuestionVersion, WrongAnswer
from exams.practice.services import DAILY_SET_SIZE, daily_set, record_answer, remove_wrong_answer
from learning.models import LedgerEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY_ONE = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)


def answer(learner, question, value, when=DAY_ONE, **kwargs):
    return record_answer(learner=learner, question=question, answer=value, now=when, **kwargs)


def test_a_wrong_answer_lands_in_the_book_and_counts_repeats(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B")
    answer(learner, question, "C", DAY_ONE + timedelta(hours=1))
    entry = WrongAnswer.objects.get(learner=learner, question=question)
    assert entry.wrong_count == 2
    assert entry.last_wrong_at == DAY_ONE + timedelta(hours=1)


def test_right_twice_on_different_days_masters_it(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B")
    answer(learner, question, "A", DAY_ONE + timedelta(hours=1))
    answer(learner, question, "A", DAY_ONE + timedelta(hours=2))  # same day: counts once
    assert WrongAnswer.objects.get().mastered_at is None
    answer(learner, question, "A", DAY_ONE + timedelta(days=1))
    assert WrongAnswer.objects.get().mastered_at is not None


def test_local_day_decides_not_utc(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B", datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI))
    answer(learner, question, "A", datetime(2026, 11, 25, 23, 30, tzinfo=SHANGHAI))
    # 00:30 in Shanghai is still the 25th in UTC, but a new local day.
    answer(learner, question, "A", datetime(2026, 11, 26, 0, 30, tzinfo=SHANGHAI))
    assert WrongAnswer.objects.get().mastered_at is not None


def test_a_wrong_answer_in_between_restarts_the_run(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B")
    answer(learner, question, "A", DAY_ONE + timedelta(days=1))
    answer(learner, question, "B", DAY_ONE + timedelta(days=2))
    answer(learner, question, "A", DAY_ONE + timedelta(days=3))
    entry = WrongAnswer.objects.get()
    assert entry.mastered_at is None and entry.wrong_count == 2
    answer(learner, question, "A", DAY_ONE + timedelta(days=4))
    assert WrongAnswer.objects.get().mastered_at is not None


def test_a_mastered_question_answered_wrongly_comes_back(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B")
    remove_wrong_answer(learner=learner, question_id=question.pk)
    assert WrongAnswer.objects.get().mastered_at is not None
    answer(learner, question, "B", DAY_ONE + timedelta(days=1))
    assert WrongAnswer.objects.get().mastered_at is None


def test_right_answers_award_practice_points_once_per_question_and_day(learner, make_question):
    question = make_question("single")
    assert answer(learner, question, "A").points_awarded == 1
    assert answer(learner, question, "A").points_awarded == 0
    assert answer(learner, question, "A", DAY_ONE + timedelta(days=1)).points_awarded == 1
    assert answer(learner, question, "B").points_awarded == 0


def test_exam_answers_feed_the_book_but_award_no_practice_points(learner, make_question):
    question = make_question("single")
    result = answer(learner, question, "A", mode=PracticeAnswer.Mode.EXAM)
    assert result.points_awarded == 0
    answer(learner, question, "B", mode=PracticeAnswer.Mode.EXAM)
    assert WrongAnswer.objects.filter(learner=learner).count() == 1


def test_editing_an_answered_question_keeps_the_old_version(learner, make_question):
    question = make_question("single")
    first = answer(learner, question, "A")
    question.options.filter(key="A").update(is_correct=False)
    question.options.filter(key="B").update(is_correct=True)
    question.explanation = "<p>改了</p>"
    question.save()
    second = answer(learner, question, "A")
    assert (first.version.number, second.version.number) == (1, 2)
    assert first.correct is True and second.correct is False
    old = QuestionVersion.objects.get(question=question, number=1)
    assert old.snapshot["explanation"] == "<p>解析</p>"
    assert PracticeAnswer.objects.order_by("pk").first().version == old


def test_unchanged_question_reuses_its_version(make_question):
    question = make_question("multiple")
    assert current_version(question) == current_version(question)
    assert QuestionVersion.objects.count() == 1


def test_versions_cannot_be_edited(make_question):
    version = current_version(make_question("single"))
    version.snapshot = {}
    with pytest.raises(Exception, match="不可修改"):
        version.save()


def loaded(question):
    """The question as read from the database (a new instance keeps the score as given, 1
    instead of 1.0, and so snapshots differently)."""
    return Question.objects.get(pk=question.pk)


def test_practice_question_is_one_read_giving_the_current_version(
    make_question, django_assert_num_queries
):
    question = loaded(make_question("multiple"))
    version = current_version(question)
    with django_assert_num_queries(1):
        found, found_version = practice_question(question.pk)
    assert found == question and found.stem == question.stem
    assert found_version == version and found_version.snapshot == version.snapshot
    assert QuestionVersion.objects.count() == 1


def test_practice_question_makes_the_first_version(make_question):
    question = loaded(make_question("single"))
    _found, version = practice_question(question.pk)
    assert version.number == 1 and version.snapshot == snapshot_of(question)


def test_practice_question_sees_options_changed_without_saving_the_question(make_question):
    question = loaded(make_question("single"))
    first = current_version(question)
    question.options.filter(key="A").update(is_correct=False)
    question.options.filter(key="B").update(is_correct=True)
    _found, version = practice_question(question.pk)
    assert version.number == 2 and version == current_version(question)
    assert first.snapshot["options"][0]["is_correct"] is True
    assert version.snapshot["options"][0]["is_correct"] is False


def test_practice_question_skips_outdated_sub_and_missing_questions(make_question):
    case = make_question("case_analysis", score=0)
    sub = make_question("single", parent=case, position=1)
    outdated = make_question("single", is_outdated=True)
    assert practice_question(sub.pk) is None
    assert practice_question(outdated.pk) is None
    assert practice_question(999999) is None
    found, version = practice_question(case.pk)
    assert found == case and version == current_version(loaded(case))
    assert [s["id"] for s in version.snapshot["sub_questions"]] == [sub.pk]


def make_many(make_question, count=25, **fields):
    return [make_question("single", stem=f"<p>第 {i} 题</p>", **fields) for i in range(count)]


def test_daily_set_is_the_same_all_day_and_new_the_next(learner, make_question):
    make_many(make_question)
    day = DAY_ONE.date()
    first = daily_set(learner=learner, day=day)
    again = daily_set(learner=learner, day=day)
    assert first == again
    ids = list(first.items.values_list("question_id", flat=True))
    assert len(ids) == DAILY_SET_SIZE
    tomorrow = daily_set(learner=learner, day=day + timedelta(days=1))
    assert tomorrow != first
    assert list(tomorrow.items.values_list("question_id", flat=True)) != ids


def test_daily_set_prefers_wrong_answers_due_for_review(learner, make_question):
    questions = make_many(make_question)
    for question in questions[:3]:
        answer(learner, question, "B", DAY_ONE - timedelta(days=2))
    chosen = daily_set(learner=learner, day=DAY_ONE.date())
    ids = list(chosen.items.values_list("question_id", flat=True))
    assert {q.pk for q in questions[:3]} <= set(ids)


def test_daily_set_draws_from_weak_knowledge_points(learner, make_question):
    weak = make_many(make_question, 5, knowledge_points=["保密原则"])
    make_many(make_question, 40, knowledge_points=["其他"])
    answer(learner, weak[0], "B", DAY_ONE - timedelta(days=1))
    remove_wrong_answer(learner=learner, question_id=weak[0].pk)
    ids = set(
        daily_set(learner=learner, day=DAY_ONE.date()).items.values_list("question_id", flat=True)
    )
    assert len(ids & {q.pk for q in weak}) >= 3  # 3 of 5 among 45, by weight not chance


def test_finishing_the_daily_set_awards_its_points_once(learner, make_question):
    make_many(make_question, 12)
    chosen = daily_set(learner=learner, day=DAY_ONE.date())
    results = [
        answer(learner, item.question, "B", mode=PracticeAnswer.Mode.DAILY)
        for item in chosen.items.select_related("question")
    ]
    assert [r.daily_completed for r in results] == [False] * 9 + [True]
    chosen.refresh_from_db()
    assert chosen.completed_at is not None
    assert LedgerEntry.objects.filter(action="daily_practice_done").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_first_requests_make_one_daily_set(learner, make_question):
    make_many(make_question)
    barrier, results, errors = threading.Barrier(4), [], []

    def request():
        try:
            barrier.wait()
            results.append(daily_set(learner=learner, day=DAY_ONE.date()).pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert DailySet.objects.count() == 1


def in_parallel(count, work):
    barrier, errors = threading.Barrier(count), []

    def run(index):
        try:
            barrier.wait()
            work(index)
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_answers_are_all_counted_in_the_book(learner, make_question):
    question = make_question("single")
    in_parallel(8, lambda i: answer(learner, question, "B", DAY_ONE + timedelta(minutes=i)))
    assert WrongAnswer.objects.get(learner=learner, question=question).wrong_count == 8
    assert PracticeAnswer.objects.filter(learner=learner).count() == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_right_answers_count_one_day_towards_mastery(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B")
    in_parallel(8, lambda i: answer(learner, question, "A", DAY_ONE + timedelta(hours=1)))
    entry = WrongAnswer.objects.get(learner=learner, question=question)
    assert (entry.right_streak, entry.mastered_at) == (1, None)
    assert LedgerEntry.objects.filter(learner=learner, action="practice_correct").count() == 1


def test_deleting_a_practised_question_removes_its_practice_history(learner, make_question):
    question = make_question("single")
    answer(learner, question, "B")
    question.delete()
    assert not PracticeAnswer.objects.exists()
    assert not WrongAnswer.objects.exists()
    assert not QuestionVersion.objects.exists()


@pytest.mark.postgres
def test_an_answer_that_earns_nothing_is_one_statement_on_postgresql(
    learner, make_question, django_assert_num_queries
):
    """No transaction (BEGIN and COMMIT were two of five round trips): the review policy's
    read, sent in one round trip with the points read when points may be due (each counts as
    a statement here), then the answer and its wrong-book update in one statement."""
    question = make_question("single")
    answer(learner, question, "B")
    answer(learner, question, "A", DAY_ONE + timedelta(hours=1))  # earns the day's points
    version = current_version(question)
    with django_assert_num_queries(3):
        answer(learner, question, "A", DAY_ONE + timedelta(hours=2), version=version)
    with django_assert_num_queries(2):
        answer(learner, question, "B", DAY_ONE + timedelta(hours=3), version=version)
    entry = WrongAnswer.objects.get(learner=learner, question=question)
    assert (entry.wrong_count, entry.right_streak) == (2, 0)
    assert PracticeAnswer.objects.filter(learner=learner).count() == 4
    assert LedgerEntry.objects.filter(learner=learner, action="practice_correct").count() == 1
