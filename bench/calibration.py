"""Times the item calibration at the issue's scale: 100,000 learners, 5,000,000 answers.

The answers are simulated from known parameters (2,000 questions, 2PL), so the run also reports
how well the fit recovers them. Run by ``make bench``; the budget is 60 s on the 2-core machine.
Only the fit itself is timed: reading the answers from the database is a single streamed
query whose cost is that of the database, not of the model.

    .venv/bin/python bench/calibration.py [LEARNERS] [ANSWERS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exams.readiness import irt  # noqa: E402

BUDGET_SECONDS = 60


def main() -> int:
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    answers = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
    items = 2000
    rng = np.random.default_rng(2026)
    theta = rng.normal(size=learners)
    b = rng.normal(size=items)
    a = np.exp(rng.normal(0, 0.3, size=items))
    learner_idx = rng.integers(0, learners, answers)
    item_idx = rng.integers(0, items, answers)
    correct = rng.random(answers) < 1 / (
        1 + np.exp(-a[item_idx] * (theta[learner_idx] - b[item_idx]))
    )
    started = time.perf_counter()
    fit = irt.fit(learner_idx, item_idx, correct, n_learners=learners, n_items=items)
    seconds = time.perf_counter() - started
    print(f"calibration: {learners} learners, {answers} answers, {items} items")
    print(f"  fit {seconds:.1f} s ({fit.iterations} L-BFGS iterations), budget {BUDGET_SECONDS} s")
    r_b = np.corrcoef(fit.difficulty, b)[0, 1]
    r_theta = np.corrcoef(fit.ability, theta)[0, 1]
    r_a = np.corrcoef(fit.discrimination, a)[0, 1]
    print(
        f"  recovery: r(difficulty)={r_b:.3f} r(ability)={r_theta:.3f} r(discrimination)={r_a:.3f}"
    )
    return 0 if seconds < BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
