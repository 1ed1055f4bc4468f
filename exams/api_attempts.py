"""Mock exam API (API.md): papers open to me, attempts, autosave, submit, review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from pydantic import BaseModel

from exams import attempts as attempt_service
from exams.attempt_display import attempt_payload, result_payload
from exams.grading import InvalidAnswer
from exams.models import Attempt
from exams.papers import PaperUnavailable, attempts_left, open_papers_for, papers_for

router = Router(tags=["mock exams"])


class PaperOut(Schema):
    id: int
    title: str
    level: str
    subject: str
    time_limit_minutes: int
    question_count: int
    max_score: float
    pass_score: float
    attempts_left: int | None
    opens_at: datetime | None
    closes_at: datetime | None


# The 80 questions of an attempt are plain pydantic models, not ninja Schemas: they are built
# from dicts, and a Schema resolves each field of each question through Django's template
# variable lookup (ninja's DjangoGetter), which was 60% of GET /api/v1/attempts/{id}.
class OptionOut(BaseModel):
    key: str
    text: str


class QuestionOut(BaseModel):
    id: int
    type: str
    stem: str
    options: list[OptionOut]
    score: float
    position: int | None = None
    flagged: bool | None = None
    answer: Any = None
    sub_questions: list[QuestionOut] | None = None
    your_answer: Any = None
    correct_answer: Any = None
    explanation: str | None = None
    awarded: float | None = None
    correct: bool | None = None
    marking_points: list[str] | None = None
    marker_comment: str | None = None


class PaperRef(Schema):
    id: int
    title: str


class AttemptSummaryOut(Schema):
    id: int
    paper: PaperRef
    number: int
    state: str
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None
    score: float | None
    max_score: float
    passed: bool | None


class AttemptOut(AttemptSummaryOut):
    review_available: bool
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[str, Any] = {}
    #: Extension: question id -> flagged for review (标记).
    flagged: dict[str, bool] = {}


class SavedOut(Schema):
    saved: list[int]
    deadline: datetime


class ResultOut(Schema):
    id: int
    state: str
    score: float | None
    max_score: float
    passed: bool | None


def paper_row(paper) -> dict:
    return {
        "id": paper.pk,
        "title": paper.title,
        "level": paper.level,
        "subject": paper.subject,
        "time_limit_minutes": paper.time_limit_minutes,
        "question_count": paper.question_count,
        "max_score": paper.max_score,
        "pass_score": paper.pass_score,
        "attempts_left": attempts_left(paper, paper.attempts_used),
        "opens_at": paper.opens_at,
        "closes_at": paper.closes_at,
    }


@router.get("/papers", response=list[PaperOut])
@paginate(PageNumberPagination)
def list_papers(request):
    """Mock exams open to me now."""
    return [paper_row(p) for p in open_papers_for(request.auth, now=timezone.now())]


def my_attempt(request, attempt_id: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("paper").filter(pk=attempt_id, learner=request.auth).first()
    )
    if attempt is None:
        raise Http404
    return attempt_service.refresh_if_overdue(attempt, now=timezone.now())


@router.post(
    "/papers/{paper_id}/attempts", response={200: AttemptOut, 201: AttemptOut}, exclude_unset=True
)
def start_attempt(request, paper_id: int):
    """Start an attempt (201), or get my unfinished one back (200) instead of a second one."""
    paper = papers_for(request.auth).filter(pk=paper_id).first()
    if paper is None:
        raise Http404
    now = timezone.now()
    try:
        attempt, created = attempt_service.start_attempt(paper=paper, learner=request.auth, now=now)
    except PaperUnavailable as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(201 if created else 200, attempt_payload(attempt, now=now))


@router.get("/attempts", response=list[AttemptSummaryOut])
@paginate(PageNumberPagination)
def list_attempts(request):
    """My attempts, newest first."""
    now = timezone.now()
    attempts = Attempt.objects.filter(learner=request.auth).select_related("paper")
    return [attempt_payload(a, now=now, with_questions=False) for a in attempts]


@router.get("/attempts/{attempt_id}", response=AttemptOut, exclude_unset=True)
def get_attempt(request, attempt_id: int):
    """The attempt; answers, 解析 and points per question only once the review policy allows."""
    attempt = my_attempt(request, attempt_id)
    return attempt_payload(attempt, now=timezone.now())


@router.put("/attempts/{attempt_id}/answers", response=SavedOut)
def save_answers(request, attempt_id: int, body: AnswersIn):
    """Autosave: merge these answers (and review flags) into the attempt."""
    attempt = my_attempt(request, attempt_id)
    try:
        saved = attempt_service.save_answers(
            attempt=attempt, answers=body.answers, flags=body.flagged, now=timezone.now()
        )
    except attempt_service.AttemptClosed as exc:
        raise HttpError(409, _("考试已结束，不能再保存答案。")) from exc
    except (attempt_service.UnknownQuestion, InvalidAnswer) as exc:
        raise HttpError(422, str(exc)) from exc
    return {"saved": [item.question_id for item in saved], "deadline": attempt.deadline}


@router.post("/attempts/{attempt_id}/submit", response=ResultOut)
def submit(request, attempt_id: int):
    """Hand in: graded once; a repeat returns the same result. ``state`` is ``marking`` while
    a lecturer still marks case essays; the score stays null until the review policy shows it."""
    attempt = my_attempt(request, attempt_id)
    attempt = attempt_service.submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    return result_payload(attempt, now=timezone.now())
