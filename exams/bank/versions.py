"""Question snapshots and versions: what attempts and practice answers are graded against.

Other apps (mock exams, the courses' knowledge checks) take ``current_version(question)`` when a
learner is shown a question and keep the returned :class:`QuestionVersion`; grading reads only
its ``snapshot``. A version is created lazily, the first time a question is used after an edit,
so editing a question nobody has answered creates nothing, and editing one that has been
answered leaves the old version (and everything graded against it) untouched.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from exams.models import Option, Question, QuestionType, QuestionVersion
from learning.platform import raw_sql


def snapshot_of(question: Question, options: Iterable[Option] | None = None) -> dict:
    """The gradable content of a question as plain JSON.

    ``options`` are the question's options when the caller has read them already; otherwise
    they are read (or taken from a prefetch).
    """
    if options is None:
        options = question.options.all()
    data = {
        "id": question.pk,
        "type": question.type,
        "stem": question.stem,
        "explanation": question.explanation,
        "score": str(question.score),
        "options": [
            {
                "key": option.key,
                "text": option.text,
                "is_correct": option.is_correct,
                "fraction": None if option.fraction is None else str(option.fraction),
                "feedback": option.feedback,
            }
            for option in sorted(options, key=lambda o: (o.sort_order or 0, o.key))
        ],
    }
    if question.type == QuestionType.CASE_ESSAY:
        data["model_answer"] = question.model_answer
        data["marking_points"] = [
            line.strip() for line in question.marking_points.splitlines() if line.strip()
        ]
    if question.type == QuestionType.CASE_ANALYSIS:
        subs = sorted(question.sub_questions.all(), key=lambda q: (q.position, q.pk))
        data["sub_questions"] = [snapshot_of(sub) for sub in subs]
        data["score"] = str(sum((sub.score for sub in subs), start=question.score * 0))
    return data


def fingerprint_of(snapshot: dict) -> str:
    raw = json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


def current_version(question: Question) -> QuestionVersion:
    """The version matching the question as it is now, creating it if the question changed.

    Safe under concurrent calls: the unique (question, number) constraint lets one writer win
    and the others read its row.
    """
    return _version_of(
        question, snapshot_of(question), question.versions.order_by("-number").first()
    )


def _version_of(
    question: Question, snapshot: dict, latest: QuestionVersion | None
) -> QuestionVersion:
    """``latest`` if it holds ``snapshot``, else a new version with it (see ``current_version``)."""
    fingerprint = fingerprint_of(snapshot)
    if latest is not None and latest.fingerprint == fingerprint:
        return latest
    number = (latest.number if latest else 0) + 1
    try:
        with transaction.atomic():
            return QuestionVersion.objects.create(
                question=question, number=number, fingerprint=fingerprint, snapshot=snapshot
            )
    except IntegrityError:
        return question.versions.get(number=number)


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "practice: question, options, newest
# version"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 4.007 / 0.491 (8.2x);
# PostgreSQL 2.907 / 0.487 (6.0x).
@functools.cache
def _practice_question_sql() -> str:
    # Hand-written (learning.platform.raw_sql): the question, its options and its newest version in one
    # read, where the ORM compiled three queries for every practice answer.
    q, o, v = Question, Option, QuestionVersion
    col = raw_sql.column
    newest = (
        f"SELECT MAX(latest.{col(v, 'number')}) FROM {raw_sql.table(v)} latest "  # noqa: S608
        f"WHERE latest.{col(v, 'question')} = q.{col(q, 'id')}"
    )
    return (
        f"SELECT {raw_sql.select_list(q, 'q')}, {raw_sql.select_list(o, 'o')}, "  # noqa: S608
        f"{raw_sql.select_list(v, 'v')} FROM {raw_sql.table(q)} q "
        f"LEFT JOIN {raw_sql.table(o)} o ON o.{col(o, 'question')} = q.{col(q, 'id')} "
        f"LEFT JOIN {raw_sql.table(v)} v ON v.{col(v, 'question')} = q.{col(q, 'id')} "
        f"AND v.{col(v, 'number')} = ({newest}) "
        f"WHERE q.{col(q, 'id')} = %s AND q.{col(q, 'parent')} IS NULL "
        f"AND q.{col(q, 'is_outdated')} = %s AND q.{col(q, 'exam_only')} = %s"
    )


def practice_question(question_id: int) -> tuple[Question, QuestionVersion] | None:
    """A question of ``practice_questions()`` and its current version, or None if there is none.

    The same result as ``current_version`` on the question, from one query: the snapshot is
    rebuilt from the live question and options read together with the newest version, and
    compared by fingerprint, so any change to the question or its options (saved, updated in
    bulk, imported) makes a new version exactly as ``current_version`` would. Case analyses
    read their sub-questions as ``snapshot_of`` does.
    """
    return practice_question_from(raw_sql.fetch(*practice_question_statement(question_id)))


def practice_question_statement(question_id: int) -> tuple[str, list]:
    """The read of ``practice_question``, to send with others (``raw_sql.fetch_together``)."""
    return _practice_question_sql(), [question_id, False, False]


def practice_question_from(fetched: list) -> tuple[Question, QuestionVersion] | None:
    """``practice_question`` from the rows of its statement."""
    rows = raw_sql.joined_rows([Question, Option, QuestionVersion], fetched)
    if not rows:
        return None
    question, _option, latest = rows[0]
    options = [option for _question, option, _version in rows if option is not None]
    return question, _version_of(question, snapshot_of(question, options), latest)


def practice_questions():
    """Questions learners may be shown on their own: top level, not outdated, not exam-only."""
    return Question.objects.filter(parent__isnull=True, is_outdated=False, exam_only=False)


def with_content():
    """Questions with what a snapshot needs prefetched."""
    return Question.objects.select_related("bank").prefetch_related(
        "options", "sub_questions__options"
    )
