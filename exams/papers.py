"""Papers: who may sit them, what an attempt draws, and the real exam's preset.

A fixed paper gives its questions in order; a blueprint draws per attempt with the attempt's
seeded random generator, spreading each rule's count over chapters by weight. Versions of the
drawn questions are found or created in bulk (a handful of queries for an 80-question paper).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from exams.models import (
    BlueprintRule,
    Level,
    Paper,
    PaperQuestion,
    Question,
    QuestionType,
    QuestionVersion,
    Subject,
)
from exams.questions import current_version, fingerprint_of, snapshot_of, with_content
from learning.models import LearnerProfile, Organisation, User


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

    Same result as ``exams.questions.current_version`` per question, in three queries instead
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


def draw(paper: Paper, rng: random.Random) -> list[DrawnQuestion]:
    """The questions an attempt at ``paper`` gets, in order, with versions and scores."""
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
    if paper.shuffle_questions:
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

#: (type, count, score each) of the papers 初级/中级 综合能力, 实务 (初级) and 法规与政策 (中级).
REAL_EXAM_CHOICE_RULES = [
    (QuestionType.SINGLE, 60, Decimal(1)),
    (QuestionType.MULTIPLE, 20, Decimal(2)),
]
#: 中级 社会工作实务: four case analyses and one programme design, hand-marked (100 points).
REAL_EXAM_ESSAY_RULES = [(QuestionType.CASE_ESSAY, 5, Decimal(20))]


def apply_real_exam_preset(paper: Paper) -> Paper:
    """Make ``paper`` a blueprint of the real exam for its level and subject (saved).

    120 minutes, pass line 60 of 100; 60 single-choice (1 point) + 20 multiple-choice (2
    points, partial credit) except 中级 实务: 4 case analyses and 1 programme design (方案设计),
    all hand-marked, 20 points each.
    """
    paper.kind = Paper.Kind.BLUEPRINT
    paper.time_limit_minutes = 120
    paper.pass_score = Decimal(60)
    paper.multiple_choice_rule = "partial"
    essay = paper.level == Level.INTERMEDIATE and paper.subject == Subject.PRACTICE
    rules = REAL_EXAM_ESSAY_RULES if essay else REAL_EXAM_CHOICE_RULES
    paper.rules = [
        BlueprintRule(question_type=kind, count=count, score=score) for kind, count, score in rules
    ]
    paper.save()
    return paper
