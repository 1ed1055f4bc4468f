"""Background work of the exams app (django-q2): the bank's search index, overdue attempts
and finished attempts' results."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from exams.attempts import award_attempt_points, finalise_overdue, report_to_wrong_answer_book
from exams.models import Attempt, Question

#: Name of the django-q2 schedule that finalises overdue attempts (created on migrate).
OVERDUE_SCHEDULE_NAME = "exams: finalise overdue attempts"


def index_questions(question_ids: list[int]) -> int:
    """Add imported questions to the search index (slow for big files, so not in the request)."""
    questions = list(Question.objects.filter(pk__in=question_ids))
    get_search_backend().add_bulk(Question, questions)
    return len(questions)


def finalise_overdue_attempts() -> int:
    """Scheduled every minute: grade attempts whose deadline has passed, on what was saved."""
    return finalise_overdue(now=timezone.now())


def record_attempt_results(attempt_id: int) -> int:
    """After an attempt's score is published: the wrong-answer book, then points (each once)."""
    attempt = Attempt.objects.select_related("paper", "learner").get(pk=attempt_id)
    if attempt.state != Attempt.State.FINISHED:
        return 0
    with transaction.atomic():
        report_to_wrong_answer_book(attempt)
    return award_attempt_points(attempt)


def ensure_overdue_schedule(**kwargs) -> None:
    """Create (or repair) the every-minute schedule; run from post_migrate, so idempotent."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=OVERDUE_SCHEDULE_NAME,
        defaults={
            "func": "exams.tasks.finalise_overdue_attempts",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
