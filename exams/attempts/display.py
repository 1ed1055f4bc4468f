"""What a learner is shown of an attempt, shared by the API and the exam pages.

The one place that decides which fields leave the server: before the review policy allows,
a question carries only its stem, shown options (relabelled keys and text), score and the
learner's own saved answer; never ``is_correct``, weights, feedback, 解析 or model answers.
"""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from wagtail.rich_text import expand_db_html

from exams.attempts.review_policy import withheld_question_ids
from exams.attempts.services import answers_visible, score_visible, shown_snapshot, to_shown
from exams.bank.grading import correct_answer
from exams.models import Attempt, AttemptQuestion, QuestionType
from learning.platform import raw_sql


def public_question(snapshot: dict, score: Decimal) -> dict:
    data = {
        "id": snapshot["id"],
        "type": snapshot["type"],
        "stem": expand_db_html(snapshot["stem"]),
        "options": [{"key": o["key"], "text": o["text"]} for o in snapshot["options"]],
        "score": score,
    }
    if snapshot["type"] == QuestionType.CASE_ANALYSIS:
        subs = snapshot["sub_questions"]
        total = sum((Decimal(sub["score"]) for sub in subs), start=Decimal(0))
        ratio = score / total if total else Decimal(0)
        data["sub_questions"] = [
            public_question(sub, (Decimal(sub["score"]) * ratio).quantize(Decimal("0.01")))
            for sub in subs
        ]
    return data


#: How long an attempt's question texts stay cached: longer than any exam lasts.
QUESTIONS_CACHE_SECONDS = 6 * 60 * 60


def _shown_question(item: AttemptQuestion) -> dict:
    """The part of a question that never changes during the attempt (frozen at its start)."""
    data = public_question(shown_snapshot(item.version.snapshot, item.option_order), item.score)
    data["position"] = item.position
    return data


def question_payload(item: AttemptQuestion, *, reveal: bool) -> dict:
    snapshot = shown_snapshot(item.version.snapshot, item.option_order)
    data = public_question(snapshot, item.score)
    data["position"] = item.position
    data["flagged"] = item.flagged
    data["answer"] = to_shown(item.answer, item.option_order)
    if reveal:
        data["your_answer"] = data["answer"]
        data["correct_answer"] = correct_answer(snapshot)
        data["explanation"] = expand_db_html(snapshot.get("explanation", ""))
        data["awarded"] = item.awarded
        data["correct"] = item.correct
        if snapshot["type"] == QuestionType.CASE_ESSAY:
            data["correct_answer"] = expand_db_html(snapshot.get("model_answer", ""))
            data["marking_points"] = snapshot.get("marking_points", [])
            data["marker_comment"] = item.marker_comment
    return data


def attempt_payload(attempt: Attempt, *, now: datetime, with_questions: bool = True) -> dict:
    show_score = score_visible(attempt, now=now)
    data = {
        "id": attempt.pk,
        "paper": {"id": attempt.paper_id, "title": attempt.paper.title},
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "max_score": attempt.max_score,
        "score": attempt.score if show_score else None,
        "passed": attempt.passed if show_score else None,
    }
    if with_questions:
        reveal = answers_visible(attempt, now=now)
        data["review_available"] = reveal
        if reveal:
            items = list(attempt.items.select_related("version").order_by("position"))
            # A question that another unfinished attempt of the learner (or a paper still
            # under wraps) holds keeps its key hidden here too.
            withheld = withheld_question_ids(
                learner=attempt.learner,
                question_ids=[item.question_id for item in items],
                now=now,
                reviewing=attempt,
            )
            data["questions"] = [
                question_payload(item, reveal=True)
                if item.question_id not in withheld
                else {**question_payload(item, reveal=False), "withheld": True}
                for item in items
            ]
        else:
            data["questions"] = _questions_in_progress(attempt)
    return data


def _questions_in_progress(attempt: Attempt) -> list[dict]:
    """Questions with the learner's saved answers and flags, before any review."""
    shown, live = shown_questions(attempt)
    return [
        {**question, "flagged": flagged, "answer": to_shown(answer, order)}
        for (question, order), (answer, flagged) in zip(
            shown, saved_answers(attempt.pk) if live is None else live, strict=True
        )
    ]


def shown_questions(attempt: Attempt) -> tuple[list[tuple[dict, list | dict]], list | None]:
    """``(question as shown, option order)`` of each question of the attempt, by position, and,
    when they were read from the attempt's rows rather than the cache, the saved answers read
    with them (as ``saved_answers`` gives them; ``None`` otherwise).

    The exam page reloads the attempt after every interruption, and 80 frozen snapshots cost
    far more to decode and relabel than the answers: the shown questions (fixed when the
    attempt started, so never invalidated) are cached per attempt, and only the answers and
    flags are read each time.
    """
    key = f"attempt-questions:{attempt.pk}"
    shown = cache.get(key)
    if shown is not None:
        return shown, None
    items = list(attempt.items.select_related("version").order_by("position"))
    shown = [(_shown_question(item), item.option_order) for item in items]
    cache.set(key, shown, QUESTIONS_CACHE_SECONDS)
    return shown, [(item.answer, item.flagged) for item in items]


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: saved answers and flags by
# position (reload)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.007 / 0.203
# (5.0x); PostgreSQL 1.000 / 0.206 (4.9x).
@functools.cache
def _answers_sql() -> str:
    item, col = AttemptQuestion, raw_sql.column
    return (
        f"SELECT {col(item, 'answer')}, {col(item, 'flagged')} FROM {raw_sql.table(item)} "  # noqa: S608
        f"WHERE {col(item, 'attempt')} = %s ORDER BY {col(item, 'position')}"
    )


def saved_answers(attempt_id: int) -> list[tuple[object, bool]]:
    """``(answer in the question's own keys, flagged)`` of each question, by position."""
    field = AttemptQuestion._meta.get_field("answer")
    return [
        (field.from_db_value(text, None, connection), flagged)
        for text, flagged in saved_answer_texts(attempt_id)
    ]


def saved_answer_texts(attempt_id: int) -> list[tuple[str | None, bool]]:
    """``(answer as the database's JSON text, flagged)`` of each question, by position: one
    hand-written query (learning.platform.raw_sql), as every reload reads them."""
    with connection.cursor() as cursor:
        cursor.execute(_answers_sql(), [attempt_id])
        # bool(): SQLite returns the flag as 0 or 1 (what the ORM's converter does).
        return [(text, bool(flagged)) for text, flagged in cursor.fetchall()]


def result_payload(attempt: Attempt, *, now: datetime) -> dict:
    show_score = score_visible(attempt, now=now)
    return {
        "id": attempt.pk,
        "state": attempt.state,
        "score": attempt.score if show_score else None,
        "max_score": attempt.max_score,
        "passed": attempt.passed if show_score else None,
    }
