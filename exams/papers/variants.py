"""Paper variants drawn ahead of the exam, so that a start only copies one (issue 21).

Why: drawing an 80-question blueprint reads every question of the pool and their content,
so a start cost grew with the bank (209 ms, 19 queries). A published paper therefore keeps
``VARIANTS`` drawings (:class:`~exams.models.PaperVariant`), made by a django-q2 task when it
is published or its rules change, and by ``manage.py prepare_paper_variants`` (load data,
demo). A start reads one variant (chosen by learner and attempt number, so the same learner
gets the same one back on a retry of the same attempt and another on their next attempt),
shuffles its own copy from the attempt's seed and writes only the attempt's rows.

What keeps it right: ``rules_key`` hashes everything the drawing depends on (the paper's
kind, level, subject, rules, fixed questions); a start ignores variants of another key and
falls back to drawing live, queueing a new preparation. Editing a question (a new version,
or marking it outdated) drops the variants holding it, so versions stay frozen as the
question was when the attempt started, as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from exams.models import BlueprintRule, Paper, PaperQuestion, PaperVariant, QuestionType
from exams.papers.services import PaperUnavailable, draw
from learning.platform import raw_sql
from learning.platform.task_queue import enqueue_with_transaction

#: Variants per blueprint paper (a fixed paper needs one: every drawing is the same).
VARIANTS = 8
#: A paper's preparation is queued at most once in this many seconds.
QUEUE_DEBOUNCE_SECONDS = 60


def variant_count(paper: Paper) -> int:
    if paper.kind == Paper.Kind.FIXED:
        return 1
    return int(getattr(settings, "EXAMS_PAPER_VARIANTS", VARIANTS))


#: What ``rules_key`` hashes of a paper's parts: a fixed paper's questions, or its rules.
_PARTS = {
    Paper.Kind.FIXED: (PaperQuestion, ("question", "score")),
    Paper.Kind.BLUEPRINT: (
        BlueprintRule,
        ("question_type", "count", "score", "bank", "subject", "level", "chapters"),
    ),
}


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "paper: rules key (variant
# preparation)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 0.747 / 0.099 (7.6x);
# PostgreSQL 0.828 / 0.159 (5.2x).
def rules_key(paper: Paper) -> str:
    """The hash of what a drawing of ``paper`` depends on (one query: its rules or questions)."""
    return _key_of(paper, raw_sql.rows(*_parts_statement(paper), _parts_fields(paper)))


def _key_of(paper: Paper, parts: list) -> str:
    text = json.dumps(
        [paper.kind, paper.level, paper.subject, [list(p) for p in parts]], default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _parts_fields(paper: Paper) -> list:
    model, names = _PARTS[_parts_kind(paper)]
    return [model._meta.get_field(name) for name in names]


def _parts_kind(paper: Paper) -> str:
    return Paper.Kind.FIXED if paper.kind == Paper.Kind.FIXED else Paper.Kind.BLUEPRINT


@functools.cache
def _parts_sql(kind: str) -> str:
    model, names = _PARTS[kind]
    col = raw_sql.column
    return (
        f"SELECT {', '.join(col(model, name) for name in names)} "  # noqa: S608
        f"FROM {raw_sql.table(model)} WHERE {col(model, 'paper')} = %s "
        f"ORDER BY {col(model, 'sort_order')}, {col(model, 'id')}"
    )


def _parts_statement(paper: Paper) -> tuple[str, list]:
    return _parts_sql(_parts_kind(paper)), [paper.pk]


def skeleton(snapshot: dict) -> dict:
    """What a start needs of a version's snapshot to shuffle options: the type and keys."""
    found = {"type": snapshot["type"], "options": [{"key": o["key"]} for o in snapshot["options"]]}
    if snapshot["type"] == QuestionType.CASE_ANALYSIS:
        found["sub_questions"] = [
            {"id": sub["id"], **skeleton(sub)} for sub in snapshot["sub_questions"]
        ]
    return found


def prepare(paper: Paper, *, count: int | None = None) -> int:
    """Draw the paper's variants afresh for its current rules; returns how many were made.

    Old variants (of any key) are replaced in one transaction, so a start sees either the old
    set or the new one. A bank that cannot fill the rules leaves no variant (starts then draw
    live and get the shortfall's 409, as before).
    """
    key = rules_key(paper)
    count = count or variant_count(paper)
    made = []
    for number in range(1, count + 1):
        rng = random.Random(f"{paper.pk}:{key}:{number}")  # noqa: S311 - reproducible draws
        try:
            drawn = draw(paper, rng, shuffle=False)
        except PaperUnavailable:
            made = []
            break
        made.append(
            PaperVariant(
                paper=paper,
                rules_key=key,
                number=number,
                # The fingerprint inside the skeleton, not as a fifth member: code before it
                # (a rollback, a worker not yet restarted) reads items as four members.
                items=[
                    [
                        d.question.pk,
                        d.version.pk,
                        str(d.score),
                        {**skeleton(d.version.snapshot), "fingerprint": d.version.fingerprint},
                    ]
                    for d in drawn
                ],
                max_score=sum((d.score for d in drawn), start=Decimal(0)),
            )
        )
    try:
        with transaction.atomic():
            PaperVariant.objects.filter(paper=paper).delete()
            PaperVariant.objects.bulk_create(made)
    except IntegrityError:  # a parallel preparation of the same rules won: its set stands
        return 0
    return len(made)


def pick(paper: Paper, *, learner_id: int, number: int) -> PaperVariant | None:
    """The prepared variant for this learner's ``number``-th attempt, or None (none prepared,
    or only for other rules). Two reads, whatever the bank's size, sent together on
    PostgreSQL (``raw_sql.fetch_together``).

    Hand-written: every start makes these reads, and through the ORM they cost a start
    3.9 ms of CPU in-process on the bench data (SQLite, 60 starts, loaded 2-core box) against
    1.0 ms for these statements.
    """
    wanted = (learner_id + number) % variant_count(paper) + 1
    found, parts = raw_sql.fetch_together(
        [(_variant_sql(), [paper.pk, wanted]), _parts_statement(paper)]
    )
    variants = raw_sql.instances_from(PaperVariant, found)
    if not variants:
        return None
    if variants[0].rules_key != _key_of(paper, raw_sql.converted_rows(parts, _parts_fields(paper))):
        return None
    return variants[0]


@functools.cache
def _variant_sql() -> str:
    col = raw_sql.column
    return (
        f"SELECT {raw_sql.select_list(PaperVariant, 'v')} FROM {raw_sql.table(PaperVariant)} v "  # noqa: S608
        f"WHERE v.{col(PaperVariant, 'paper')} = %s AND v.{col(PaperVariant, 'number')} <= %s "
        f"ORDER BY v.{col(PaperVariant, 'number')} DESC LIMIT 1"
    )


def drawn_from(variant: PaperVariant) -> list[tuple[int, int, Decimal, dict, str | None]]:
    """``(question id, version id, score, skeleton, version fingerprint)`` of each question,
    in paper order; the fingerprint is ``None`` in variants prepared before they held it."""
    return [
        (q, v, Decimal(score), skel, skel.get("fingerprint")) for q, v, score, skel in variant.items
    ]


def queue_preparation(paper: Paper) -> None:
    """Prepare the paper's variants in the background (at most once a minute per paper)."""
    if not paper.is_published:
        return
    if cache.add(f"paper-variants-queued:{paper.pk}", 1, QUEUE_DEBOUNCE_SECONDS):
        enqueue_with_transaction("exams.tasks.prepare_paper_variants", paper.pk)


def forget_questions(question_ids: set[int]) -> int:
    """Drop the variants holding any of these questions (edited: a new version, or outdated),
    and queue their papers' preparation again."""
    stale = [
        variant
        for variant in PaperVariant.objects.select_related("paper").only(
            "pk", "items", "paper__id", "paper__is_published"
        )
        if any(item[0] in question_ids for item in variant.items)
    ]
    if not stale:
        return 0
    PaperVariant.objects.filter(pk__in=[v.pk for v in stale]).delete()
    for paper in {v.paper_id: v.paper for v in stale}.values():
        cache.delete(f"paper-variants-queued:{paper.pk}")
        queue_preparation(paper)
    return len(stale)
