"""Mock exam API (API.md): papers open to me, attempts, autosave, submit, review."""

from __future__ import annotations

import functools
import json
import time
from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from exams.attempts import services as attempt_service
from exams.attempts.display import (
    QUESTIONS_CACHE_SECONDS,
    attempt_payload,
    result_payload,
    saved_answer_texts,
)
from exams.attempts.shown_json import AttemptQuestionOut, ShownQuestion, order_text, question_parts
from exams.bank.grading import InvalidAnswer
from exams.models import Attempt, AttemptQuestion, QuestionVersion
from exams.papers.services import PaperUnavailable, attempts_left, open_papers_for, paper_for
from learning.platform import raw_sql
from learning.platform import ready_json as api_json
from learning.platform.ids import Id
from learning.platform.pagination import Pages
from learning.platform.process_memo import ProcessMemo

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
    questions: list[AttemptQuestionOut]


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
@paginate(Pages)
def list_papers(request):
    """Mock exams open to me now."""
    return [paper_row(p) for p in open_papers_for(request.auth, now=timezone.now())]


def my_attempt(request, attempt_id: int) -> Attempt:
    return _found_and_current(attempt_service.find_attempt(attempt_id, learner=request.auth))


def _found_and_current(attempt: Attempt | None) -> Attempt:
    """404 for another learner's or a missing attempt; an overdue one is submitted first."""
    if attempt is None:
        raise Http404
    return attempt_service.refresh_if_overdue(attempt, now=timezone.now())


@router.post(
    "/papers/{paper_id}/attempts", response={200: AttemptOut, 201: AttemptOut}, exclude_unset=True
)
def start_attempt(request, paper_id: Id):
    """Start an attempt (201), or get my unfinished one back (200) instead of a second one."""
    paper = paper_for(request.auth, paper_id)
    if paper is None:
        raise Http404
    now = timezone.now()
    try:
        attempt, created = attempt_service.start_attempt(paper=paper, learner=request.auth, now=now)
    except PaperUnavailable as exc:
        raise HttpError(409, str(exc)) from exc
    status = 201 if created else 200
    body = started_json(attempt, now=now) if created else attempt_json(attempt, now=now)
    if body is None:
        return Status(status, attempt_payload(attempt, now=now))
    found = api_json.response(body)
    found.status_code = status
    return found


@router.get("/attempts", response=list[AttemptSummaryOut])
@paginate(Pages)
def list_attempts(request):
    """My attempts, newest first."""
    now = timezone.now()
    attempts = Attempt.objects.filter(learner=request.auth).select_related("paper")
    return [attempt_payload(a, now=now, with_questions=False) for a in attempts]


@router.get("/attempts/{attempt_id}", response=AttemptOut, exclude_unset=True)
def get_attempt(request, attempt_id: Id):
    """The attempt; answers, 解析 and points per question only once the review policy allows."""
    attempt = my_attempt(request, attempt_id)
    now = timezone.now()
    body = attempt_json(attempt, now=now)
    if body is None:
        return attempt_payload(attempt, now=now)
    return api_json.response(body)


def attempt_json(attempt: Attempt, *, now: datetime) -> str | None:
    """``AttemptOut`` of an attempt before its review, as the schema and renderer would write
    it (tests/exams/attempts/test_mock_integrity.py compares them byte for byte), without validating and
    encoding 80 questions each time; ``None`` once the review shows answers (rare: built from
    the schema).

    The questions as shown never change during the attempt: their JSON is cached per attempt
    in two parts per question, before and after the learner's ``flagged`` and ``answer``
    (``AttemptQuestionOut``'s field order), which are read and spliced in on every request.
    """
    if attempt_service.answers_visible(attempt, now=now):
        return None
    questions = ", ".join(
        f'{before}, "flagged": {"true" if flagged else "false"}, '
        f'"answer": {_shown_answer_json(stored, order, order_key)}{after}'
        for (before, after, order, order_key), (stored, flagged) in zip(
            _question_parts(attempt), saved_answer_texts(attempt.pk), strict=True
        )
    )
    return _with_head(attempt, questions, now=now)


def started_json(attempt: Attempt, *, now: datetime) -> str:
    """``attempt_json`` of an attempt just started (``started_questions`` set): nothing is
    answered or flagged yet, so its rows are not read back. Its questions' JSON is kept for
    its reloads in this worker too (the others build it from its rows on their first)."""
    parts = _parts_of(
        [
            (position, ShownQuestion(q.version_id, q.fingerprint, q.score, q.option_order))
            for position, q in enumerate(attempt.started_questions, start=1)
        ]
    )
    _QUESTION_PARTS.set(
        _question_parts_key(attempt), parts, expires=time.time() + QUESTIONS_CACHE_SECONDS
    )
    questions = ", ".join(
        f'{before}, "flagged": false, "answer": null{after}' for before, after, _o, _k in parts
    )
    return _with_head(attempt, questions, now=now)


def _with_head(attempt: Attempt, questions: str, *, now: datetime) -> str:
    """The attempt's ``AttemptOut`` JSON around its questions' (joined) JSON objects."""
    payload = attempt_payload(attempt, now=now, with_questions=False)
    head = {name: payload[name] for name in AttemptSummaryOut.model_fields}
    head["score"] = None if head["score"] is None else float(head["score"])
    head["max_score"] = float(head["max_score"])
    head["review_available"] = False
    return f'{api_json.dumps(head)[:-1]}, "questions": [{questions}]}}'


#: Attempts' questions as shown, in each worker as well: most requests of an exam come from
#: the learners already sitting it (autosaves, reloads), and reading 80 questions' JSON from
#: Redis cost as much as the rest of the request.
_QUESTION_PARTS = ProcessMemo(max_entries=500)


def _question_parts(attempt: Attempt) -> list[tuple[str, str, list | dict, str]]:
    """Each question's JSON before and after its ``flagged`` and ``answer``, its option order
    and that order as text (a key), cached per attempt (frozen when it started)."""
    return _QUESTION_PARTS.through_cache(
        _question_parts_key(attempt),
        lambda: _parts_of(_shown_rows(attempt.pk)),
        QUESTIONS_CACHE_SECONDS,
    )


def _question_parts_key(attempt: Attempt) -> str:
    # The start time tells the attempt apart from an earlier one with the same key in
    # a database that reuses primary keys after a rollback (SQLite).
    return f"attempt-questions-json:{attempt.pk}:{attempt.started_at.timestamp()}"


def _parts_of(
    questions: list[tuple[int, ShownQuestion]],
) -> list[tuple[str, str, list | dict, str]]:
    """``_question_parts`` of ``(position, question)``, from the JSON each worker keeps per
    question as shown (exams.attempts.shown_json)."""
    texts = question_parts([question for _position, question in questions])
    return [
        (f'{before}, "position": {position}', after, q.option_order, order_text(q.option_order))
        for (position, q), (before, after) in zip(questions, texts, strict=True)
    ]


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: questions as shown by
# position (reload)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.462 / 0.588
# (2.5x); PostgreSQL 1.249 / 0.529 (2.4x).
@functools.cache
def _shown_rows_sql() -> str:
    item, version, col = AttemptQuestion, QuestionVersion, raw_sql.column
    columns = ", ".join(
        f"i.{col(item, name)}" for name in ("position", "version", "score", "option_order")
    )
    return (
        f"SELECT {columns}, v.{col(version, 'fingerprint')} "  # noqa: S608
        f"FROM {raw_sql.table(item)} i JOIN {raw_sql.table(version)} v "
        f"ON v.{col(version, 'id')} = i.{col(item, 'version')} "
        f"WHERE i.{col(item, 'attempt')} = %s ORDER BY i.{col(item, 'position')}"
    )


def _shown_rows(attempt_id: int) -> list[tuple[int, ShownQuestion]]:
    """``(position, question as shown)`` of the attempt's questions, by position (one query)."""
    fields = [
        AttemptQuestion._meta.get_field(name)
        for name in ("position", "version", "score", "option_order")
    ]
    found = raw_sql.rows(
        _shown_rows_sql(), [attempt_id], [*fields, QuestionVersion._meta.get_field("fingerprint")]
    )
    return [
        (position, ShownQuestion(version_id, fingerprint, score, order))
        for position, version_id, score, order, fingerprint in found
    ]


#: The JSON of choice answers in shown keys, by (stored JSON, option order as JSON): a pure
#: function of its key, shared by every attempt in the process (a few thousand at most: four
#: or five options and their orders).
_SHOWN_CHOICES: dict[tuple[str, str], str] = {}
SHOWN_CHOICES_MEMO_SIZE = 20_000


def _shown_answer_json(stored: str | None, order, order_key: str) -> str:
    """A stored answer (the database's JSON, original keys) as JSON in the keys shown."""
    if stored is None:
        return "null"
    if not stored.startswith("["):  # essays and case analyses: rare, and not worth keeping
        return json.dumps(attempt_service.to_shown(json.loads(stored), order))
    found = _SHOWN_CHOICES.get((stored, order_key))
    if found is None:
        if len(_SHOWN_CHOICES) >= SHOWN_CHOICES_MEMO_SIZE:
            _SHOWN_CHOICES.clear()
        found = json.dumps(attempt_service.to_shown(json.loads(stored), order))
        _SHOWN_CHOICES[stored, order_key] = found
    return found


@router.put("/attempts/{attempt_id}/answers", response=SavedOut)
def save_answers(request, attempt_id: Id, body: AnswersIn):
    """Autosave: merge these answers (and review flags) into the attempt."""
    found, items = attempt_service.attempt_for_answers(
        attempt_id, learner=request.auth, answers=body.answers, flags=body.flagged
    )
    attempt = _found_and_current(found)
    try:
        saved = attempt_service.save_answers(
            attempt=attempt,
            answers=body.answers,
            flags=body.flagged,
            now=timezone.now(),
            items=items,
        )
    except attempt_service.AttemptClosed as exc:
        raise HttpError(409, _("考试已结束，不能再保存答案。")) from exc
    except (attempt_service.UnknownQuestion, InvalidAnswer) as exc:
        raise HttpError(422, str(exc)) from exc
    return {"saved": [item.question_id for item in saved], "deadline": attempt.deadline}


@router.post("/attempts/{attempt_id}/submit", response=ResultOut)
def submit(request, attempt_id: Id):
    """Hand in: graded once; a repeat returns the same result. ``state`` is ``marking`` while
    a lecturer still marks case essays; the score stays null until the review policy shows it."""
    attempt = my_attempt(request, attempt_id)
    attempt = attempt_service.submit_attempt(
        attempt_id=attempt.pk, now=timezone.now(), attempt=attempt
    )
    return result_payload(attempt, now=timezone.now())
