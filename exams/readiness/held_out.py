"""The readiness model judged on the site's own data: each learner's last finished mock exam
of a subject is held out, the model is fitted on everything before it, and its predicted pass
probability is compared with whether the learner passed that paper.

The simulation (:mod:`exams.readiness.evaluation`) shows the model is right when its
assumptions hold; this shows how it does on real practice and real papers, where they may
not (demo and benchmark data are generated, so their numbers say little about a prefecture's
candidates; run it on production data once papers have been sat).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exams.models import Attempt, AttemptQuestion, PracticeAnswer, Question

from . import irt, passing
from .evaluation import Evaluation, evaluate
from .service import CHOICE, MIN_ANSWERS, OBJECTIVE_SUBJECTS, ItemParams, blueprint_for


@dataclass
class HeldOut:
    subject: str
    level: str
    #: Held-out papers predicted, and those skipped for too little prior data.
    predicted: int
    skipped: int
    evaluation: Evaluation | None


def _held_out_attempts(subject: str, level: str) -> dict[int, tuple[int, object, bool]]:
    """learner id -> (attempt id, started at, passed) of their last finished paper here."""
    last: dict[int, tuple[int, object, bool]] = {}
    rows = (
        Attempt.objects.filter(
            state=Attempt.State.FINISHED,
            passed__isnull=False,
            paper__subject=subject,
            paper__level=level,
        )
        .order_by("learner_id", "started_at")
        .values_list("learner_id", "pk", "started_at", "passed")
    )
    for learner_id, pk, started_at, passed in rows:
        last[learner_id] = (pk, started_at, passed)
    return last


def evaluate_subject(subject: str, level: str) -> HeldOut:
    """Fit on answers given before each learner's held-out paper; predict that paper."""
    held = _held_out_attempts(subject, level)
    if not held:
        return HeldOut(subject, level, 0, 0, None)
    held_ids = {pk for pk, _at, _passed in held.values()}
    rows = []
    practice = PracticeAnswer.objects.filter(
        question__subject=subject, question__level=level, question__type__in=CHOICE
    ).values_list("learner_id", "question_id", "correct", "answered_at")
    earlier = (
        AttemptQuestion.objects.filter(
            attempt__state=Attempt.State.FINISHED,
            correct__isnull=False,
            question__subject=subject,
            question__level=level,
            question__type__in=CHOICE,
        )
        .exclude(attempt_id__in=held_ids)
        .values_list("attempt__learner_id", "question_id", "correct", "attempt__finished_at")
    )
    for learner_id, question_id, correct, when in [*practice, *earlier]:
        cutoff = held.get(learner_id)
        if cutoff is not None and when is not None and when >= cutoff[1]:
            continue  # after the held-out paper started: the model may not see it
        rows.append((learner_id, question_id, correct))
    if not rows:
        return HeldOut(subject, level, 0, len(held), None)
    learners_raw = np.array([r[0] for r in rows], dtype=np.int64)
    items_raw = np.array([r[1] for r in rows], dtype=np.int64)
    correct = np.array([bool(r[2]) for r in rows])
    learner_ids, learner_idx = np.unique(learners_raw, return_inverse=True)
    item_ids, item_idx = np.unique(items_raw, return_inverse=True)
    stars = dict(Question.objects.filter(pk__in=item_ids.tolist()).values_list("pk", "difficulty"))
    fit = irt.fit(
        learner_idx,
        item_idx,
        correct,
        n_learners=learner_ids.size,
        n_items=item_ids.size,
        difficulty_prior=irt.stated_difficulty_prior([stars[int(pk)] for pk in item_ids]),
    )
    types = dict(Question.objects.filter(pk__in=item_ids.tolist()).values_list("pk", "type"))
    items = [
        ItemParams(int(pk), types[int(pk)], float(b), float(a), 3)
        for pk, b, a in zip(item_ids, fit.difficulty, fit.discrimination, strict=True)
    ]
    curve = passing.pass_curve(blueprint_for(items))
    index = {int(pk): i for i, pk in enumerate(learner_ids)}
    predicted, outcome, skipped = [], [], 0
    for learner_id, (_pk, _at, passed) in held.items():
        i = index.get(learner_id)
        if i is None or fit.learner_answers[i] < MIN_ANSWERS:
            skipped += 1
            continue
        probability = passing.pass_probabilities(
            curve, fit.ability[i : i + 1], fit.ability_se[i : i + 1]
        )[0]
        predicted.append(float(probability))
        outcome.append(bool(passed))
    if not predicted:
        return HeldOut(subject, level, 0, skipped, None)
    return HeldOut(subject, level, len(predicted), skipped, evaluate(predicted, outcome))


def evaluate_all(subject: str | None = None) -> list[HeldOut]:
    return [
        evaluate_subject(str(each), str(level))
        for level, subjects in OBJECTIVE_SUBJECTS.items()
        for each in subjects
        if not subject or each == subject
    ]


def pooled(results: list[HeldOut]) -> Evaluation | None:
    """All subjects' held-out papers together (each learner once per subject)."""
    parts = [r.evaluation for r in results if r.evaluation is not None]
    if not parts:
        return None
    return evaluate(
        np.concatenate([p.predicted for p in parts]), np.concatenate([p.passed for p in parts])
    )
