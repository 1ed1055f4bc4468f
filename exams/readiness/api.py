"""Readiness API (备考评估): my pass probability per subject and my due reviews."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema

from exams.readiness import review_schedule, service
from learning.platform.pagination import PageQuery, page_of

router = Router(tags=["readiness"])


class WeakPointOut(Schema):
    knowledge_point: str
    mastery: float
    gain: float


class SubjectReadinessOut(Schema):
    subject: str
    level: str
    ability: float | None
    ability_se: float | None
    pass_probability: float | None
    answers_used: int
    updated_at: datetime | None
    weak_points: list[WeakPointOut]
    needs_answers: int | None = None


class ReadinessOut(Schema):
    subjects: list[SubjectReadinessOut]


@router.get("/me/readiness", response=ReadinessOut)
def my_readiness(request):
    """My estimated probability of passing each subject's real paper today, and what to study.

    ``pass_probability`` is null with ``needs_answers`` when too few answers are graded yet.
    """
    estimates = service.readiness_for(request.auth)
    service.store(request.auth, estimates)
    return {"subjects": estimates}


class DueItemOut(Schema):
    question: int
    due_at: datetime


class DueOut(Schema):
    items: list[DueItemOut]
    count: int


@router.get("/practice/due", response=DueOut)
def due_reviews(request, pagination: Query[PageQuery]):
    """Wrong-answer-book questions due for review today (FSRS schedule, 今日待复习), a page."""
    return page_of(review_schedule.due_today(learner=request.auth), pagination)
