"""Papers: who may sit them, what an attempt draws, and the real exam's preset.

A fixed paper gives its questions in order; a blueprint draws per attempt with the attempt's
seeded random generator, spreading each rule's count over chapters by weight. Versions of the
drawn questions are found or created in bulk (a handful of queries for an 80-question paper).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from exams.bank.grading import MultipleChoiceRule
from exams.bank.versions import current_version, fingerprint_of, snapshot_of, with_content
from exams.exam_spec.blueprints import blueprint_for
from exams.exam_spec.syllabus import chapter_weights
from exams.models import (
    CHOICE_TYPES,
    BlueprintRule,
    Paper,
    PaperQuestion,
    Question,
    QuestionType,
    QuestionVersion,
)
from learning.models import LearnerProfile, Organisation, User
from learning.platform import raw_sql


class PaperUnavailable(Exception):
    """The paper cannot be started now (closed, not yet open, no attempts left, too few questions)."""


@dataclass
class DrawnQuestion:
    question: Question
    version: QuestionVersion
    score: Decimal


# ---------------------------------------------------------------------------------------------
# Who may sit a paper


def papers_for(learner: User) -> QuerySet[Paper]:
    """Published papers aimed at this learner (organisation subtree and exam level)."""
    profile = LearnerProfile.objects.select_related("organisation").filter(user=learner).first()
    path = profile.organisation.path if profile else ""
    ancestors = [
        path[:end] for end in range(Organisation.steplen, len(path) + 1, Organisation.steplen)
    ]
    level = profile.exam_level if profile else ""
    candidates = Paper.objects.filter(is_published=True).filter(
        Q(target_organisations__isnull=True) | Q(target_organisations__path__in=ancestors)
    )
    allowed = {
        pk
        for pk, levels in candidates.values_list("pk", "target_levels")
        if not levels or level in levels
    }
    return Paper.objects.filter(pk__in=allowed)


def paper_for(learner: User, paper_id: int) -> Paper | None:
    """The paper of ``papers_for(learner)`` with this id, or None, in one query.

    Hand-written (learning.platform.raw_sql): every start asks, and ``papers_for`` took three ORM
    queries; measured in-process on the bench data (SQLite, 60 starts, loaded 2-core box),
    its two-query ORM form cost 3.7-4.4 ms of CPU a start against 0.5 ms for this one.
    A target organisation reaches the learner when its path starts the learner's
    organisation's path (its subtree, as ``papers_for``'s ancestors).
    """
    found = raw_sql.fetch(_paper_for_sql(), [learner.pk, paper_id, True, learner.pk])
    papers = raw_sql.instances_from(Paper, found, annotations=["learner_level"])
    if not papers:
        return None
    paper = papers[0]
    if paper.target_levels and (paper.learner_level or "") not in paper.target_levels:
        return None
    return paper


@functools.cache
def _paper_for_sql() -> str:
    col, table = raw_sql.column, raw_sql.table
    through = Paper._meta.get_field("target_organisations").remote_field.through
    profile, organisation = LearnerProfile, Organisation
    return (
        f"SELECT {raw_sql.select_list(Paper, 'p')}, "  # noqa: S608
        f"(SELECT lp.{col(profile, 'exam_level')} FROM {table(profile)} lp "
        f"WHERE lp.{col(profile, 'user')} = %s) "
        f"FROM {table(Paper)} p WHERE p.{col(Paper, 'id')} = %s "
        f"AND p.{col(Paper, 'is_published')} = %s AND ("
        f"NOT EXISTS (SELECT 1 FROM {table(through)} t "
        f"WHERE t.{col(through, 'paper')} = p.{col(Paper, 'id')}) "
        f"OR EXISTS (SELECT 1 FROM {table(through)} t "
        f"JOIN {table(organisation)} o ON o.{col(organisation, 'id')} = t.{col(through, 'organisation')} "
        f"JOIN {table(profile)} lp ON lp.{col(profile, 'user')} = %s "
        f"JOIN {table(organisation)} lo ON lo.{col(organisation, 'id')} = lp.{col(profile, 'organisation')} "
        f"WHERE t.{col(through, 'paper')} = p.{col(Paper, 'id')} "
        f"AND SUBSTR(lo.{col(organisation, 'path')}, 1, LENGTH(o.{col(organisation, 'path')})) "
        f"= o.{col(organisation, 'path')}))"
    )


def open_papers_for(learner: User, *, now: datetime) -> QuerySet[Paper]:
    """Papers this learner may sit right now, with what the listing needs prefetched."""
    return (
        papers_for(learner)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .annotate(attempts_used=Count("attempts", filter=Q(attempts__learner=learner)))
        .prefetch_related("paper_questions__question", "rules")
        .order_by("closes_at", "pk")
    )


def attempts_left(paper: Paper, used: int) -> int | None:
    """How many more attempts the learner may start; None when unlimited."""
    if not paper.attempts_allowed:
        return None
    return max(0, paper.attempts_allowed - used)


# ---------------------------------------------------------------------------------------------
# Drawing and freezing


def spread_over_chapters(count: int, weights: dict[str, Decimal]) -> dict[str, int]:
    """Split ``count`` over chapters in proportion to ``weights`` (largest remainder method)."""
    total = sum(weights.values())
    if not weights or total <= 0:
        return {}
    exact = {name: Decimal(count) * weight / total for name, weight in weights.items()}
    shares = {name: int(value.to_integral_value(ROUND_FLOOR)) for name, value in exact.items()}
    left = count - sum(shares.values())
    by_remainder = sorted(weights, key=lambda name: (-(exact[name] - shares[name]), name))
    for name in by_remainder[:left]:
        shares[name] += 1
    return shares


def rule_pool(rule: BlueprintRule, *, fallback_level: str = "", fallback_subject: str = ""):
    questions = Question.objects.filter(
        parent__isnull=True, is_outdated=False, type=rule.question_type
    )
    level = rule.level or fallback_level
    subject = rule.subject or fallback_subject
    if level:
        questions = questions.filter(level=level)
    if subject:
        questions = questions.filter(subject=subject)
    if rule.bank_id:
        questions = questions.filter(bank__path__startswith=rule.bank.path)
    weights = rule.chapter_weights()
    if weights:
        questions = questions.filter(chapter__in=list(weights))
    return questions


def blueprint_shortfalls(paper: Paper) -> list[str]:
    """Why attempts at this paper could not start now: rules the bank cannot fill."""
    if paper.kind != Paper.Kind.BLUEPRINT:
        return [] if paper.paper_questions.exists() else [_("固定试题的试卷还没有题目。")]
    problems = []
    for rule in paper.rules.select_related("bank"):
        pool = rule_pool(rule, fallback_level=paper.level, fallback_subject=paper.subject)
        available = pool.count()
        if available < rule.count:
            problems.append(
                _("“%(rule)s”需要 %(count)d 道，题库中只有 %(n)d 道。")
                % {"rule": rule, "count": rule.count, "n": available}
            )
    if not problems and not paper.rules.exists():
        problems.append(_("按规则抽题的试卷还没有抽题规则。"))
    return problems


def draw_rule(
    rule: BlueprintRule, rng: random.Random, *, paper: Paper, exclude: set[int]
) -> list[int]:
    """Question ids for one blueprint rule; raises :class:`PaperUnavailable` if the pool is short."""
    pool = rule_pool(rule, fallback_level=paper.level, fallback_subject=paper.subject)
    by_chapter: dict[str, list[int]] = {}
    for pk, chapter in pool.order_by("pk").values_list("pk", "chapter"):
        if pk not in exclude:
            by_chapter.setdefault(chapter, []).append(pk)
    available = sum(len(ids) for ids in by_chapter.values())
    if available < rule.count:
        raise PaperUnavailable(
            _("题库中符合“%(rule)s”的题目只有 %(n)d 道，不够抽取。")
            % {"rule": rule, "n": available}
        )
    weights = rule.chapter_weights()
    if not weights:
        return rng.sample(sorted(pk for ids in by_chapter.values() for pk in ids), rule.count)
    chosen: list[int] = []
    wanted = spread_over_chapters(rule.count, weights)
    # A chapter with too few questions gives its shortfall to chapters that still have some.
    while wanted:
        shortfall = 0
        for chapter, share in wanted.items():
            ids = by_chapter.get(chapter, [])
            take = min(share, len(ids))
            picked = rng.sample(ids, take)
            chosen.extend(picked)
            by_chapter[chapter] = [pk for pk in ids if pk not in set(picked)]
            shortfall += share - take
        if not shortfall:
            break
        remaining = {c: weights[c] for c in weights if by_chapter.get(c)}
        wanted = spread_over_chapters(shortfall, remaining)
    return chosen


def versions_for(questions: list[Question]) -> dict[int, QuestionVersion]:
    """The current version of each question, found or created in bulk.

    Same result as ``exams.bank.versions.current_version`` per question, in three queries instead
    of one or two per question; a race with another writer falls back to that function.
    """
    snapshots = {q.pk: snapshot_of(q) for q in questions}
    fingerprints = {pk: fingerprint_of(s) for pk, s in snapshots.items()}
    latest: dict[int, QuestionVersion] = {}
    for version in QuestionVersion.objects.filter(question__in=list(snapshots)).only(
        "pk", "question_id", "number", "fingerprint"
    ):
        known = latest.get(version.question_id)
        if known is None or version.number > known.number:
            latest[version.question_id] = version
    result: dict[int, QuestionVersion] = {}
    missing: list[QuestionVersion] = []
    for pk, snapshot in snapshots.items():
        known = latest.get(pk)
        if known is not None and known.fingerprint == fingerprints[pk]:
            known.snapshot = snapshot
            result[pk] = known
        else:
            missing.append(
                QuestionVersion(
                    question_id=pk,
                    number=(known.number if known else 0) + 1,
                    fingerprint=fingerprints[pk],
                    snapshot=snapshot,
                )
            )
    if missing:
        try:
            with transaction.atomic():
                created = QuestionVersion.objects.bulk_create(missing)
        except IntegrityError:
            by_pk = {q.pk: q for q in questions}
            created = [current_version(by_pk[v.question_id]) for v in missing]
        result.update({v.question_id: v for v in created})
    return result


def draw(paper: Paper, rng: random.Random, *, shuffle: bool = True) -> list[DrawnQuestion]:
    """The questions an attempt at ``paper`` gets, in order, with versions and scores;
    shuffled when the paper shuffles, unless ``shuffle`` is false (a prepared variant: each
    attempt shuffles its copy)."""
    if paper.kind == Paper.Kind.FIXED:
        items = list(
            PaperQuestion.objects.filter(paper=paper)
            .order_by("sort_order", "pk")
            .values_list("question_id", "score")
        )
        ids = [pk for pk, _score in items]
        scores = dict(items)
    else:
        ids, scores, rule_scores = [], {}, {}
        for rule in paper.rules.select_related("bank").order_by("sort_order", "pk"):
            picked = draw_rule(rule, rng, paper=paper, exclude=set(ids))
            ids.extend(picked)
            rule_scores.update(dict.fromkeys(picked, rule.score))
        scores = rule_scores
    if not ids:
        raise PaperUnavailable(_("这份试卷还没有题目。"))
    questions = {q.pk: q for q in with_content().filter(pk__in=ids)}
    ordered = [questions[pk] for pk in ids]
    versions = versions_for(ordered)
    drawn = []
    for question in ordered:
        version = versions[question.pk]
        score = scores.get(question.pk)
        drawn.append(
            DrawnQuestion(
                question=question,
                version=version,
                score=Decimal(version.snapshot["score"]) if score is None else Decimal(score),
            )
        )
    if shuffle and paper.shuffle_questions:
        rng.shuffle(drawn)
    return drawn


def option_order(snapshot: dict, rng: random.Random, *, shuffle: bool) -> list | dict:
    """Original option keys in the order the learner will see them (see AttemptQuestion)."""
    if snapshot["type"] == QuestionType.CASE_ANALYSIS:
        return {
            str(sub["id"]): option_order(sub, rng, shuffle=shuffle)
            for sub in snapshot["sub_questions"]
        }
    keys = [option["key"] for option in snapshot["options"]]
    # 正确 before 错误 is part of how a true/false question reads; never shuffle it.
    if shuffle and snapshot["type"] != QuestionType.TRUE_FALSE:
        rng.shuffle(keys)
    return keys


# ---------------------------------------------------------------------------------------------
# The real exam's preset (社会工作者职业水平考试)


def apply_real_exam_preset(paper: Paper, *, by_syllabus: bool = False) -> Paper:
    """Make ``paper`` a blueprint of the real exam for its level and subject (saved).

    The paper's parts, points, time and pass line come from ``exams.exam_spec.blueprints``
    (where the published rules are cited): 60 single-choice (1 point) + 20 multiple-choice
    (2 points, 0.5 per right option when no wrong one is chosen), 120 minutes, pass 60 of 100;
    中级实务 five hand-marked case questions of 20 points, 150 minutes. With ``by_syllabus``
    each rule spreads its count over the syllabus chapters by their weights (the pool is then
    the questions filed under those chapters).
    """
    blueprint = blueprint_for(paper.level, paper.subject)
    weights = chapter_weights(paper.level, paper.subject) if by_syllabus else {}
    paper.kind = Paper.Kind.BLUEPRINT
    paper.time_limit_minutes = blueprint.minutes
    paper.pass_score = blueprint.pass_score
    paper.multiple_choice_rule = MultipleChoiceRule.PARTIAL
    paper.rules = [
        BlueprintRule(
            question_type=section.question_type,
            count=section.count,
            score=section.score,
            chapters="\n".join(f"{name}={weight}" for name, weight in weights.items())
            if section.question_type in CHOICE_TYPES
            else "",
        )
        for section in blueprint.sections
    ]
    paper.save()
    return paper
