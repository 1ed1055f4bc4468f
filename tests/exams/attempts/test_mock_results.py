"""Grading across attempts, points, the wrong-answer book and hand marking of case essays."""

from decimal import Decimal

import pytest
from django.utils import timezone

from exams.attempts.services import (
    MarkingError,
    mark_item,
    paper_result,
    result_of,
    start_attempt,
    submit_attempt,
)
from exams.models import Attempt, Paper, PracticeAnswer, WrongAnswer
from exams.tasks import record_attempt_results
from learning.models import LedgerEntry
from tests.exams.mock_helpers import choice_question, essay_question, fixed_paper

SCORES = [Decimal(70), Decimal(50), Decimal(90), Decimal(61)]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("highest", Decimal(90)),
        ("last", Decimal(61)),
        ("first", Decimal(70)),
        ("average", Decimal("67.75")),
    ],
)
def test_grading_method_across_attempts(method, expected):
    assert result_of(method, SCORES) == expected


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 2), ("last", 0), ("first", 2), ("average", 1)]
)
def test_paper_result_follows_the_papers_grading_method(learner, method, expected):
    question = choice_question(right="A")
    paper = fixed_paper([question], scores=[2], grading_method=method)
    for answer in (["A"], ["B"]):
        attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
        attempt.items.update(answer=answer)
        submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    assert paper_result(paper=paper, learner=learner) == expected


@pytest.fixture
def passed_attempt(learner):
    questions = [choice_question(stem=f"第{i}题", right="A") for i in range(10)]
    paper = fixed_paper(questions, scores=[10] * 10)
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    for item in attempt.items.all():
        item.answer = ["A"] if item.position <= 9 else ["B"]
        item.save()
    return submit_attempt(attempt_id=attempt.pk, now=timezone.now())


def test_submit_records_results_after_commit(learner, django_capture_on_commit_callbacks):
    paper = fixed_paper([choice_question()])
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    assert LedgerEntry.objects.filter(learner=learner, action="mock_exam_finished").exists()


@pytest.fixture
def orm_queue(monkeypatch):
    """django-q2's ORM broker as deployed without Redis (tests otherwise run tasks at once)."""
    from django_q.conf import Conf

    if not Conf.ORM:
        pytest.skip("the queue is Redis here: results are queued after the commit")
    monkeypatch.setattr(Conf, "SYNC", False)


def _queued_tasks() -> list[tuple]:
    from django_q.models import OrmQ

    # Papers queue the preparation of their variants when saved (exams.papers.variants): not a result.
    return [
        (task.func(), task.args())
        for task in OrmQ.objects.all()
        if task.func() != "exams.tasks.prepare_paper_variants"
    ]


def test_with_the_orm_broker_the_results_task_commits_with_the_grades(learner, orm_queue):
    paper = fixed_paper([choice_question()])
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    assert _queued_tasks() == [("exams.tasks.record_attempt_results", (attempt.pk,))]


def test_with_the_orm_broker_a_rolled_back_submit_queues_nothing(learner, orm_queue):
    from django.db import transaction

    paper = fixed_paper([choice_question()])
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_attempt(attempt_id=attempt.pk, now=timezone.now())
        raise RuntimeError("the request failed after grading")
    assert _queued_tasks() == []
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS


def test_finished_attempt_awards_finish_band_and_pass_points_once(passed_attempt, learner):
    assert passed_attempt.score == 90 and passed_attempt.passed
    awarded = record_attempt_results(passed_attempt.pk)
    assert awarded == 5 + 10 + 10  # finished, band ≥90 %, passed
    assert record_attempt_results(passed_attempt.pk) == 0
    actions = sorted(LedgerEntry.objects.filter(learner=learner).values_list("action", "key"))
    assert actions == [
        ("mock_exam_finished", f"mock_exam_finished:{learner.pk}:attempt:{passed_attempt.pk}"),
        ("mock_exam_passed", f"mock_exam_passed:{learner.pk}:paper:{passed_attempt.paper_id}"),
        (
            "mock_exam_score_band",
            f"mock_exam_score_band:{learner.pk}:paper:{passed_attempt.paper_id}:band:90",
        ),
    ]


def test_passing_a_paper_twice_awards_the_pass_once(passed_attempt, learner):
    record_attempt_results(passed_attempt.pk)
    again, _ = start_attempt(paper=passed_attempt.paper, learner=learner, now=timezone.now())
    again.items.update(answer=["A"])
    submit_attempt(attempt_id=again.pk, now=timezone.now())
    record_attempt_results(again.pk)
    assert LedgerEntry.objects.filter(learner=learner, action="mock_exam_passed").count() == 1
    assert LedgerEntry.objects.filter(learner=learner, action="mock_exam_finished").count() == 2


def test_wrong_answers_land_in_the_wrong_answer_book(passed_attempt, learner):
    record_attempt_results(passed_attempt.pk)
    wrong = passed_attempt.items.get(position=10)
    assert list(
        WrongAnswer.objects.filter(learner=learner).values_list("question_id", flat=True)
    ) == [wrong.question_id]
    assert PracticeAnswer.objects.filter(learner=learner, mode="exam").count() == 10
    record_attempt_results(passed_attempt.pk)
    assert WrongAnswer.objects.get(learner=learner).wrong_count == 1


@pytest.fixture
def essay_paper(db):
    return fixed_paper(
        [essay_question(), essay_question(stem="第二个案例"), choice_question()],
        scores=[20, 20, 10],
        pass_score=Decimal(30),
    )


def test_essays_wait_for_marking_then_publish_the_score(essay_paper, learner, make_learner):
    lecturer = make_learner(name="陈静")
    attempt, _ = start_attempt(paper=essay_paper, learner=learner, now=timezone.now())
    for item in attempt.items.all():
        item.answer = "我的方案……" if item.version.snapshot["type"] == "case_essay" else ["A"]
        item.save()
    attempt = submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    assert (attempt.state, attempt.score) == ("marking", None)
    first, second = attempt.items.filter(needs_marking=True).order_by("position")
    attempt = mark_item(
        item=first,
        points=[Decimal(5), Decimal(4), Decimal(3)],
        comment="要点齐全",
        by=lecturer,
        now=timezone.now(),
    )
    assert attempt.state == "marking"
    attempt = mark_item(
        item=second, points=[Decimal(8)], comment="目标不够具体", by=lecturer, now=timezone.now()
    )
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.passed) == ("finished", Decimal(30), True)
    first.refresh_from_db()
    assert (first.awarded, first.marker_comment, first.marked_by) == (12, "要点齐全", lecturer)


def test_marks_above_the_questions_score_are_refused(essay_paper, learner, make_learner):
    attempt, _ = start_attempt(paper=essay_paper, learner=learner, now=timezone.now())
    attempt.items.filter(position=1).update(answer="答案")
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    item = attempt.items.get(position=1)
    with pytest.raises(MarkingError):
        mark_item(item=item, points=[Decimal(21)], comment="", by=learner, now=timezone.now())


def test_unanswered_essay_needs_no_marking(essay_paper, learner):
    attempt, _ = start_attempt(paper=essay_paper, learner=learner, now=timezone.now())
    attempt = submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    assert (attempt.state, attempt.score) == ("finished", 0)


def test_essay_attempt_is_reported_as_marking_through_the_api(
    essay_paper, learner, client, token_for
):
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{essay_paper.pk}/attempts", **headers).json()
    Attempt.objects.get().items.filter(position=1).update(answer="答案")
    result = client.post(f"/api/v1/attempts/{body['id']}/submit", **headers).json()
    assert (result["state"], result["score"]) == ("marking", None)
    detail = client.get(f"/api/v1/attempts/{body['id']}", **headers).json()
    assert "correct_answer" not in detail["questions"][0]
    assert Paper.objects.get().attempts.get().state == "marking"
