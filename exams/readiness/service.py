"""Readiness in the database: calibrate a subject's questions, estimate one learner.

The nightly task (:func:`calibrate_subject`) fits every graded answer of a subject and stores
item parameters and every learner's estimate, which the organiser reports read. A learner's own
page (:func:`readiness_for`) re-estimates their ability on the spot with the stored item
parameters, so an answer given a minute ago already counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from scipy.special import expit

from exams.models import (
    Attempt,
    AttemptQuestion,
    ItemCalibration,
    LearnerReadiness,
    Level,
    PracticeAnswer,
    Question,
    QuestionKnowledgePoint,
    QuestionType,
    Subject,
)

from . import irt, passing

#: Fewer graded answers than this in a subject and no probability is given ("再做 N 题后可估计").
MIN_ANSWERS = 30
#: Subjects with an objective paper (60 单选 + 20 多选, 100 points, pass 60) per level.
OBJECTIVE_SUBJECTS = {
    Level.JUNIOR: [Subject.COMPREHENSIVE, Subject.PRACTICE],
    Level.INTERMEDIATE: [Subject.COMPREHENSIVE, Subject.REGULATIONS],
}
SINGLES, MULTIPLES, PASS_SCORE = 60, 20, 60.0
#: Assumed P(right) on a knowledge point once mastered, for the "gain" of a weak point.
MASTERED = 0.9
#: How many weak points are reported.
WEAK_POINTS = 5

CHOICE = [QuestionType.SINGLE, QuestionType.MULTIPLE]


@dataclass(frozen=True)
class ItemParams:
    question_id: int
    type: str
    difficulty: float
    discrimination: float
    keys: int


def subject_items(subject: str, level: str) -> dict[int, ItemParams]:
    """Every choice question of a subject with its calibrated (or prior) parameters."""
    rows = (
        Question.objects.filter(subject=subject, level=level, type__in=CHOICE, is_outdated=False)
        .annotate(keys=Count("options", filter=Q(options__is_correct=True)))
        .values_list(
            "pk",
            "type",
            "difficulty",
            "keys",
            "calibration__difficulty",
            "calibration__discrimination",
        )
    )
    items = {}
    for pk, qtype, stars, keys, b, a in rows:
        prior = float(irt.stated_difficulty_prior(stars))
        items[pk] = ItemParams(pk, qtype, prior if b is None else b, 1.0 if a is None else a, keys)
    return items


def blueprint_for(items: list[ItemParams], *, fixed: dict | None = None) -> passing.Blueprint:
    """The real objective paper's mix drawn from these items.

    ``fixed`` maps a share of the paper (0–1) to an assumed P(right), for the items of a
    knowledge point taken as mastered; the rest of each type keeps the model's probabilities.
    """
    groups = []
    for qtype, count, points in (
        (QuestionType.SINGLE, SINGLES, 1.0),
        (QuestionType.MULTIPLE, MULTIPLES, 2.0),
    ):
        of_type = [i for i in items if i.type == qtype]
        keys = 1 if qtype == QuestionType.SINGLE else 3
        if of_type and qtype == QuestionType.MULTIPLE:
            keys = max(2, round(float(np.median([i.keys for i in of_type]))))
        b = np.array([i.difficulty for i in of_type])
        a = np.array([i.discrimination for i in of_type])
        remaining = count
        for share, probability in (fixed or {}).items():
            n = min(remaining, max(1, round(share * count)))
            groups.append(passing.SlotGroup(n, points, keys, b, a, fixed_probability=probability))
            remaining -= n
        groups.append(passing.SlotGroup(remaining, points, keys, b, a))
    return passing.Blueprint(groups=groups, pass_score=PASS_SCORE)


def _graded_answers(subject: str, level: str, learner=None):
    """(learner id, question id, correct, when) of every graded choice answer in a subject."""
    practice = PracticeAnswer.objects.filter(
        question__subject=subject, question__level=level, question__type__in=CHOICE
    )
    attempts = AttemptQuestion.objects.filter(
        attempt__state=Attempt.State.FINISHED,
        correct__isnull=False,
        question__subject=subject,
        question__level=level,
        question__type__in=CHOICE,
    )
    if learner is not None:
        practice = practice.filter(learner=learner)
        attempts = attempts.filter(attempt__learner=learner)
    yield from practice.values_list("learner_id", "question_id", "correct", "answered_at")
    yield from attempts.values_list(
        "attempt__learner_id", "question_id", "correct", "attempt__finished_at"
    )


@transaction.atomic
def calibrate_subject(*, subject: str, level: str, now: datetime | None = None) -> dict:
    """Fit one subject, store item parameters and every learner's estimate; returns counts."""
    now = now or timezone.now()
    items = subject_items(subject, level)
    rows = [r for r in _graded_answers(subject, level) if r[1] in items]
    if not rows:
        return {"answers": 0, "learners": 0, "items": 0}
    learners_raw = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    items_raw = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    correct = np.fromiter((r[2] for r in rows), dtype=bool, count=len(rows))
    learner_ids, learner_idx = np.unique(learners_raw, return_inverse=True)
    item_ids, item_idx = np.unique(items_raw, return_inverse=True)
    # The prior is the author's stars, not a previous fit: a refit must not drift on itself.
    stars = dict(Question.objects.filter(pk__in=item_ids.tolist()).values_list("pk", "difficulty"))
    prior = irt.stated_difficulty_prior([stars[int(pk)] for pk in item_ids])
    result = irt.fit(
        learner_idx,
        item_idx,
        correct,
        n_learners=learner_ids.size,
        n_items=item_ids.size,
        difficulty_prior=prior,
    )
    ItemCalibration.objects.bulk_create(
        [
            ItemCalibration(
                question_id=int(pk),
                difficulty=float(b),
                discrimination=float(a),
                answers=int(n),
                fitted_at=now,
            )
            for pk, b, a, n in zip(
                item_ids,
                result.difficulty,
                result.discrimination,
                result.item_answers,
                strict=True,
            )
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["question"],
        update_fields=["difficulty", "discrimination", "answers", "fitted_at"],
    )
    fitted = subject_items(subject, level)
    curve = passing.pass_curve(blueprint_for(list(fitted.values())))
    probabilities = passing.pass_probabilities(curve, result.ability, result.ability_se)
    LearnerReadiness.objects.bulk_create(
        [
            LearnerReadiness(
                learner_id=int(pk),
                subject=subject,
                level=level,
                ability=float(t),
                ability_se=float(se),
                answers_used=int(n),
                pass_probability=float(p) if n >= MIN_ANSWERS else None,
                updated_at=now,
            )
            for pk, t, se, n, p in zip(
                learner_ids,
                result.ability,
                result.ability_se,
                result.learner_answers,
                probabilities,
                strict=True,
            )
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["learner", "subject", "level"],
        update_fields=["ability", "ability_se", "answers_used", "pass_probability", "updated_at"],
    )
    return {"answers": len(rows), "learners": int(learner_ids.size), "items": int(item_ids.size)}


def calibrate_all(*, subject: str | None = None, now: datetime | None = None) -> list[dict]:
    results = []
    for level, subjects in OBJECTIVE_SUBJECTS.items():
        for each in subjects:
            if subject and each != subject:
                continue
            counts = calibrate_subject(subject=each, level=level, now=now)
            results.append({"subject": str(each), "level": str(level), **counts})
    return results


def subjects_for(learner) -> list[tuple[str, str]]:
    """The objective subjects a learner is preparing for (their 报考级别), else 初级."""
    profile = getattr(learner, "profile", None)
    level = getattr(profile, "exam_level", "") or Level.JUNIOR
    return [(str(s), str(level)) for s in OBJECTIVE_SUBJECTS.get(level, [])]


def readiness_for(learner) -> list[dict]:
    """The learner's estimate per subject, in the shape of ``GET /api/v1/me/readiness``."""
    return [_subject_readiness(learner, s, lv) for s, lv in subjects_for(learner)]


def _subject_readiness(learner, subject: str, level: str) -> dict:
    items = subject_items(subject, level)
    rows = [r for r in _graded_answers(subject, level, learner=learner) if r[1] in items]
    out = {
        "subject": subject,
        "level": level,
        "ability": None,
        "ability_se": None,
        "pass_probability": None,
        "answers_used": len(rows),
        "updated_at": max((r[3] for r in rows if r[3]), default=None),
        "weak_points": [],
    }
    if len(rows) < MIN_ANSWERS:
        out["needs_answers"] = MIN_ANSWERS - len(rows)
        return out
    b = np.array([items[r[1]].difficulty for r in rows])
    a = np.array([items[r[1]].discrimination for r in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    ability, se = irt.ability_for(y, b, a)
    item_list = list(items.values())
    probability = passing.pass_probability(blueprint_for(item_list), ability, se)
    out.update(
        ability=round(ability, 3),
        ability_se=round(se, 3),
        pass_probability=round(probability, 3),
        weak_points=_weak_points(rows, items, ability, se, probability),
    )
    return out


def _weak_points(rows, items, ability, se, probability) -> list[dict]:
    """Knowledge points with the lowest mastery, each with the pass probability it would add."""
    tags = QuestionKnowledgePoint.objects.filter(content_object_id__in=list(items)).values_list(
        "content_object_id", "tag__name"
    )
    points_of: dict[int, list[str]] = {}
    share: dict[str, int] = {}
    for question_id, name in tags:
        points_of.setdefault(question_id, []).append(name)
        share[name] = share.get(name, 0) + 1
    seen: dict[str, list[float]] = {}
    for _learner, question_id, correct, _when in rows:
        item = items[question_id]
        expected = float(expit(item.discrimination * (ability - item.difficulty)))
        for name in points_of.get(question_id, []):
            stats = seen.setdefault(name, [0.0, 0.0, 0.0])
            stats[0] += 1
            stats[1] += bool(correct)
            stats[2] += expected
    if not seen:
        return []
    # Mastery: the learner's accuracy on the point, shrunk towards what their ability predicts
    # (two answers' worth), so one lucky or unlucky answer does not decide it.
    mastery = {
        name: (right + 2 * expected / n) / (n + 2) for name, (n, right, expected) in seen.items()
    }
    total = len(items) or 1
    item_list = list(items.values())
    weakest = sorted(mastery, key=mastery.get)[:WEAK_POINTS]
    out = []
    for name in weakest:
        if mastery[name] >= MASTERED:
            continue
        fixed = {share[name] / total: MASTERED}
        gain = passing.pass_probability(blueprint_for(item_list, fixed=fixed), ability, se)
        out.append(
            {
                "knowledge_point": name,
                "mastery": round(mastery[name], 3),
                "gain": round(max(gain - probability, 0.0), 3),
            }
        )
    return sorted(out, key=lambda p: -p["gain"])


@dataclass(frozen=True)
class Bands:
    """Registered candidates of an organisation by predicted band (通过预测)."""

    likely: int = 0
    borderline: int = 0
    at_risk: int = 0
    unknown: int = 0
    expected_passes: float = 0.0
    low: int = 0
    high: int = 0


LIKELY, AT_RISK = 0.7, 0.4


def bands(probabilities: list[float | None]) -> Bands:
    """Count bands and the expected passes with a 90 % interval (sum of Bernoulli trials)."""
    known = [p for p in probabilities if p is not None]
    mean = sum(known)
    sd = math.sqrt(sum(p * (1 - p) for p in known))
    return Bands(
        likely=sum(p >= LIKELY for p in known),
        borderline=sum(AT_RISK <= p < LIKELY for p in known),
        at_risk=sum(p < AT_RISK for p in known),
        unknown=len(probabilities) - len(known),
        expected_passes=round(mean, 1),
        low=max(0, math.floor(mean - 1.645 * sd)),
        high=min(len(known), math.ceil(mean + 1.645 * sd)),
    )


def learner_probabilities(learner_ids) -> dict[int, float | None]:
    """Each learner's lowest stored pass probability over their subjects (the binding one)."""
    out: dict[int, float | None] = {}
    for learner_id, probability in LearnerReadiness.objects.filter(
        learner_id__in=learner_ids
    ).values_list("learner_id", "pass_probability"):
        if probability is None:
            out.setdefault(learner_id, None)
        elif out.get(learner_id) is None or probability < out[learner_id]:
            out[learner_id] = probability
    return out


def last_fitted() -> datetime | None:
    return ItemCalibration.objects.aggregate(at=Max("fitted_at"))["at"]


#: Questions in one 智能练习 set.
SMART_SET = 10


def smart_questions(learner, *, subject: str, level: str, size: int = SMART_SET) -> list[int]:
    """Adaptive practice (智能练习): questions on the points with the largest gain, near the
    learner's ability.

    A question far easier than the learner teaches nothing; one far harder is a guess. Those
    whose calibrated difficulty is closest to the ability (where P(right) is about a half and
    an answer tells most) are picked first, from the weak points that would raise the pass
    probability most, then from the rest of the subject; questions answered right in the
    last week are skipped.
    """
    from exams.bank.versions import practice_questions

    estimate = _subject_readiness(learner, subject, level)
    ability = estimate["ability"] or 0.0
    points = [p["knowledge_point"] for p in estimate["weak_points"]]
    recent = PracticeAnswer.objects.filter(
        learner=learner, correct=True, answered_at__gte=timezone.now() - timedelta(days=7)
    ).values("question_id")
    items = subject_items(subject, level)
    allowed = set(
        practice_questions()
        .filter(pk__in=list(items), type__in=CHOICE)
        .exclude(pk__in=recent)
        .values_list("pk", flat=True)
    )
    on_points = set(
        QuestionKnowledgePoint.objects.filter(
            content_object_id__in=allowed, tag__name__in=points
        ).values_list("content_object_id", flat=True)
    )

    def closeness(pk: int) -> float:
        return abs(items[pk].difficulty - ability)

    chosen = sorted(on_points, key=closeness)[:size]
    rest = sorted(allowed - set(chosen), key=closeness)
    return chosen + rest[: size - len(chosen)]


def store(learner, estimates: list[dict], *, now: datetime | None = None) -> None:
    """Keep the learner's latest live estimates, so the home page shows them in one query."""
    now = now or timezone.now()
    for estimate in estimates:
        if estimate["ability"] is None:
            continue
        LearnerReadiness.objects.update_or_create(
            learner=learner,
            subject=estimate["subject"],
            level=estimate["level"],
            defaults={
                "ability": estimate["ability"],
                "ability_se": estimate["ability_se"],
                "answers_used": estimate["answers_used"],
                "pass_probability": estimate["pass_probability"],
                "updated_at": now,
            },
        )


def stored_estimates(learner) -> list[dict]:
    """The learner's stored estimates for the home page, labelled (one query)."""
    return [
        {
            "label": f"{Level(level).label} · {Subject(subject).label}",
            "percent": None if p is None else round(100 * p),
        }
        for subject, level, p in LearnerReadiness.objects.filter(learner=learner)
        .order_by("level", "subject")
        .values_list("subject", "level", "pass_probability")
    ]
