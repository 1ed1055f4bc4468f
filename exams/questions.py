"""Question snapshots and versions: what attempts and practice answers are graded against.

Other apps (mock exams, the courses' knowledge checks) take ``current_version(question)`` when a
learner is shown a question and keep the returned :class:`QuestionVersion`; grading reads only
its ``snapshot``. A version is created lazily, the first time a question is used after an edit,
so editing a question nobody has answered creates nothing, and editing one that has been
answered leaves the old version (and everything graded against it) untouched.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction

from exams.models import Question, QuestionType, QuestionVersion


def snapshot_of(question: Question) -> dict:
    """The gradable content of a question as plain JSON (uses prefetched options if present)."""
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
            for option in sorted(question.options.all(), key=lambda o: (o.sort_order or 0, o.key))
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
    snapshot = snapshot_of(question)
    fingerprint = fingerprint_of(snapshot)
    latest = question.versions.order_by("-number").first()
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


def practice_questions():
    """Questions learners may be shown on their own: top level, not outdated."""
    return Question.objects.filter(parent__isnull=True, is_outdated=False)


def with_content():
    """Questions with what a snapshot needs prefetched."""
    return Question.objects.select_related("bank").prefetch_related(
        "options", "sub_questions__options"
    )
