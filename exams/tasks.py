"""Background work of the exams app (django-q2): the bank's search index, overdue attempts
and finished attempts' results."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from exams.attempts.services import (
    award_attempt_points,
    finalise_overdue,
    report_to_wrong_answer_book,
)
from exams.models import Attempt, Question
from learning.study_events import announce_figures_changed

#: Name of the django-q2 schedule that finalises overdue attempts (created on migrate).
OVERDUE_SCHEDULE_NAME = "exams: finalise overdue attempts"
#: Name of the nightly schedule that calibrates questions and learners (备考评估).
CALIBRATION_SCHEDULE_NAME = "exams: calibrate items nightly"


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
    announce_figures_changed(sender="exams")  # mock exam figures of the organiser dashboard
    return award_attempt_points(attempt)


def prepare_paper_variants(paper_id: int) -> int:
    """Draw a published paper's variants for its current rules (exams.papers.variants)."""
    from exams.models import Paper
    from exams.papers import variants

    paper = Paper.objects.filter(pk=paper_id, is_published=True).first()
    return variants.prepare(paper) if paper is not None else 0


def calibrate_items() -> list[dict]:
    """Nightly: refit every objective subject and store each learner's pass probability."""
    from exams.readiness.service import calibrate_all

    return calibrate_all()


def ensure_overdue_schedule(**kwargs) -> None:
    """Create (or repair) the every-minute schedule and the nightly calibration; run from
    post_migrate, so idempotent."""
    from datetime import datetime, time, timedelta

    from django_q.models import Schedule

    tomorrow = timezone.localdate() + timedelta(days=1)
    Schedule.objects.get_or_create(
        name=CALIBRATION_SCHEDULE_NAME,
        defaults={
            "func": "exams.tasks.calibrate_items",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            # 02:30 local time, when nobody studies.
            "next_run": timezone.make_aware(datetime.combine(tomorrow, time(2, 30))),
        },
    )

    Schedule.objects.update_or_create(
        name=OVERDUE_SCHEDULE_NAME,
        defaults={
            "func": "exams.tasks.finalise_overdue_attempts",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
