"""The probability of reaching a paper's pass line, from an ability posterior and a blueprint.

The real objective paper (初级 and 中级 综合能力, 初级实务, 中级法规与政策) has 60 single-choice
questions at 1 point and 20 multiple-choice questions at 2 points; a multiple-choice answer
with any wrong option scores 0, otherwise 0.5 for each right option chosen; the pass line is 60
of 100. Scores move in half points, so the score distribution is computed exactly on a grid of
half points by convolving the questions' score distributions, then averaged over the ability
posterior with Gauss–Hermite quadrature. A linear "accuracy × 100" guess ignores both the
spread of scores around their mean and the uncertainty of the ability, which is exactly what
decides a borderline candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

#: When a multiple-choice answer is not fully right, the share of answers that still score
#: (some right options, none wrong). Candidates are taught "宁少勿多"; measured on the demo's
#: attempts it is about a third.
PARTIAL_SHARE = 0.35
#: Posterior quadrature nodes: plenty for a smooth normal posterior.
QUADRATURE_NODES = 21


@dataclass(frozen=True)
class SlotGroup:
    """Questions of one type that behave alike for a learner: ``count`` questions drawn from
    items with these difficulties and discriminations (one is drawn at random per slot)."""

    count: int
    points: float
    keys: int  # 1 for single choice; the typical number of keys for multiple choice
    difficulty: np.ndarray
    discrimination: np.ndarray
    #: A fixed correctness probability overrides the model (a knowledge point assumed mastered).
    fixed_probability: float | None = None


@dataclass(frozen=True)
class Blueprint:
    """What a paper is made of, for prediction: groups of slots and the pass line."""

    groups: list[SlotGroup] = field(default_factory=list)
    pass_score: float = 60.0


def _slot_distribution(group: SlotGroup, p: float) -> np.ndarray:
    """Score distribution of one slot on the half-point grid, given P(fully right) = p."""
    steps = int(round(group.points * 2))
    dist = np.zeros(steps + 1)
    dist[steps] = p
    if group.keys <= 1:
        dist[0] = 1 - p
        return dist
    # Partly right: 1 .. keys-1 right options chosen, equally likely, 0.5 point each.
    partial = (1 - p) * PARTIAL_SHARE
    for right in range(1, group.keys):
        dist[min(right, steps - 1)] += partial / (group.keys - 1)
    dist[0] = 1 - p - partial
    return dist


def _score_distribution(blueprint: Blueprint, theta: float) -> np.ndarray:
    total = np.array([1.0])
    for group in blueprint.groups:
        if group.fixed_probability is not None:
            p = group.fixed_probability
        elif group.difficulty.size:
            p = float(np.mean(expit(group.discrimination * (theta - group.difficulty))))
        else:
            p = float(expit(theta))
        slot = _slot_distribution(group, p)
        for _ in range(group.count):
            total = np.convolve(total, slot)
    return total


def pass_probability(blueprint: Blueprint, ability: float, ability_se: float) -> float:
    """P(score ≥ pass line), averaged over the normal ability posterior N(ability, se²)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    threshold = int(round(blueprint.pass_score * 2))
    result = 0.0
    for node, weight in zip(nodes, weights, strict=True):
        dist = _score_distribution(blueprint, ability + ability_se * node)
        result += weight * float(dist[threshold:].sum())
    return min(max(result, 0.0), 1.0)


def expected_score(blueprint: Blueprint, ability: float) -> float:
    dist = _score_distribution(blueprint, ability)
    return float(np.dot(np.arange(dist.size) / 2, dist))


#: Ability grid for :func:`pass_curve`, wide enough for every fitted ability.
GRID = np.linspace(-5.0, 5.0, 201)


def pass_curve(blueprint: Blueprint) -> np.ndarray:
    """P(pass | θ) on :data:`GRID`, for evaluating many learners at once."""
    threshold = int(round(blueprint.pass_score * 2))
    return np.array([_score_distribution(blueprint, t)[threshold:].sum() for t in GRID])


def pass_probabilities(curve: np.ndarray, ability: np.ndarray, ability_se: np.ndarray):
    """Vectorised :func:`pass_probability` for arrays of abilities, from a :func:`pass_curve`."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    points = np.asarray(ability)[:, None] + np.asarray(ability_se)[:, None] * nodes[None, :]
    return np.clip(np.interp(points, GRID, curve) @ weights, 0.0, 1.0)
