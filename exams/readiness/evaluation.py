"""Measured calibration of the pass probabilities (``manage.py readiness_eval``).

A prediction that says 0.7 should come true seven times in ten. The simulation gives learners
known abilities, lets them practise on the bank's items, fits the model on the practice part
only, predicts each learner's pass probability, and then has every learner sit one held-out
full paper (60 单选 + 20 多选, multi-select rule, pass 60). Brier score, expected calibration
error over ten bins and the AUC compare the predictions with those held-out results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from scipy.stats import rankdata

from . import irt, passing

SINGLE, MULTIPLE = 0, 1


@dataclass
class Items:
    difficulty: np.ndarray
    discrimination: np.ndarray
    kind: np.ndarray  # SINGLE or MULTIPLE
    keys: np.ndarray
    stars: np.ndarray


@dataclass
class Evaluation:
    predicted: np.ndarray
    passed: np.ndarray
    brier: float
    ece: float
    auc: float
    bins: list[tuple[float, float, int]]  # (mean predicted, observed rate, count)


def synthetic_items(rng: np.random.Generator, count: int = 400) -> Items:
    """A bank like the real one: 70 % single choice, multiple choice a little harder."""
    kind = (rng.random(count) < 0.3).astype(int)
    difficulty = rng.normal(-0.2, 1.0, count) + 0.5 * kind
    stars = np.clip(np.round(3 + difficulty / 0.6 + rng.normal(0, 0.7, count)), 1, 5)
    return Items(
        difficulty=difficulty,
        discrimination=np.exp(rng.normal(0, 0.25, count)),
        kind=kind,
        keys=np.where(kind == MULTIPLE, rng.integers(2, 5, count), 1),
        stars=stars,
    )


def sit_paper(rng, theta: float, items: Items) -> float:
    """One full paper's score under the real rules, answered by the model."""
    singles = rng.choice(np.flatnonzero(items.kind == SINGLE), 60, replace=False)
    multis = rng.choice(np.flatnonzero(items.kind == MULTIPLE), 20, replace=False)
    p = expit(items.discrimination[singles] * (theta - items.difficulty[singles]))
    score = float(np.sum(rng.random(60) < p))
    p = expit(items.discrimination[multis] * (theta - items.difficulty[multis]))
    full = rng.random(20) < p
    partial = ~full & (rng.random(20) < passing.PARTIAL_SHARE)
    right = rng.integers(1, np.maximum(items.keys[multis], 2))
    return score + 2 * full.sum() + 0.5 * float((right * partial).sum())


def simulate(learners: int, seed: int, items: Items | None = None) -> Evaluation:
    rng = np.random.default_rng(seed)
    items = items or synthetic_items(rng)
    theta = rng.normal(0.5, 0.9, learners)
    per_learner = rng.integers(30, 400, learners)
    learner_idx = np.repeat(np.arange(learners), per_learner)
    item_idx = rng.integers(0, items.difficulty.size, learner_idx.size)
    p = expit(items.discrimination[item_idx] * (theta[learner_idx] - items.difficulty[item_idx]))
    correct = rng.random(learner_idx.size) < p
    fit = irt.fit(
        learner_idx,
        item_idx,
        correct,
        n_learners=learners,
        n_items=items.difficulty.size,
        difficulty_prior=irt.stated_difficulty_prior(items.stars),
    )
    blueprint = passing.Blueprint(
        groups=[
            passing.SlotGroup(
                60,
                1.0,
                1,
                fit.difficulty[items.kind == SINGLE],
                fit.discrimination[items.kind == SINGLE],
            ),
            passing.SlotGroup(
                20,
                2.0,
                int(np.median(items.keys[items.kind == MULTIPLE])),
                fit.difficulty[items.kind == MULTIPLE],
                fit.discrimination[items.kind == MULTIPLE],
            ),
        ],
        pass_score=60,
    )
    predicted = passing.pass_probabilities(
        passing.pass_curve(blueprint), fit.ability, fit.ability_se
    )
    passed = np.array([sit_paper(rng, t, items) >= 60 for t in theta])
    return evaluate(predicted, passed)


def evaluate(predicted: np.ndarray, passed: np.ndarray, bins: int = 10) -> Evaluation:
    predicted = np.asarray(predicted, dtype=float)
    outcome = np.asarray(passed, dtype=float)
    brier = float(np.mean((predicted - outcome) ** 2))
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(predicted, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        mean_p, rate = float(predicted[mask].mean()), float(outcome[mask].mean())
        table.append((mean_p, rate, int(mask.sum())))
        ece += mask.sum() / predicted.size * abs(mean_p - rate)
    positives = outcome == 1
    if positives.all() or not positives.any():
        auc = float("nan")
    else:
        ranks = rankdata(predicted)
        n_pos, n_neg = positives.sum(), (~positives).sum()
        auc = float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    return Evaluation(predicted, outcome, brier, float(ece), auc, table)


def reliability_svg(result: Evaluation, *, title: str) -> str:
    """A reliability diagram: predicted probability against the observed pass rate."""
    size, pad = 320, 40
    inner = size - 2 * pad

    def x(v):
        return pad + v * inner

    def y(v):
        return size - pad - v * inner

    dots = "".join(
        f'<circle cx="{x(p):.1f}" cy="{y(r):.1f}" r="{3 + min(n, 400) ** 0.5 / 2:.1f}" '
        f'fill="#2e6fd8" fill-opacity="0.7"><title>{p:.2f} → {r:.2f} ({n})</title></circle>'
        for p, r, n in result.bins
    )
    line = " ".join(f"{x(p):.1f},{y(r):.1f}" for p, r, _n in result.bins)
    ticks = "".join(
        f'<text x="{x(t):.0f}" y="{size - pad + 16}" text-anchor="middle">{t:.1f}</text>'
        f'<text x="{pad - 6}" y="{y(t) + 4:.0f}" text-anchor="end">{t:.1f}</text>'
        for t in (0, 0.5, 1)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'class="report-chart" role="img" aria-label="{title}" font-size="11" '
        f'font-family="sans-serif"><title>{title}</title>'
        f'<rect x="{pad}" y="{pad}" width="{inner}" height="{inner}" fill="none" stroke="#ccc"/>'
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" '
        f'stroke-dasharray="4 3"/>'
        f'<polyline points="{line}" fill="none" stroke="#2e6fd8"/>{dots}{ticks}'
        f'<text x="{size / 2}" y="{size - 6}" text-anchor="middle">predicted</text>'
        f'<text x="12" y="{size / 2}" transform="rotate(-90 12 {size / 2})" '
        f'text-anchor="middle">observed</text>'
        f'<text x="{size / 2}" y="20" text-anchor="middle">brier={result.brier:.3f} '
        f"ece={result.ece:.3f} auc={result.auc:.3f}</text></svg>"
    )
