"""Leaderboard at issue 7's scale: top 50 + my rank, in-process, every period and some scopes.

Against the benchmark database (after ``generate_load_data --learners 100000
--ledger-per-learner 50``), for the bench learner (the first synthetic one) and for a learner
near the bottom of the board (the longest rank count), it times ``leaderboard()`` CALLS times
per board and prints a Markdown table: median and p95, queries per call, learners ranked and
the viewer's rank. "cached" is the normal path (the shared page and count from the cache,
the viewer's points, rank and neighbours live); "live" turns the cache off, as the first
request after an award to that period does. The baseline is one indexed ORM query.

    DJANGO_SETTINGS_MODULE=learning.settings.bench DATABASE_URL=... \\
        .venv/bin/python bench/leaderboard.py [--calls 100]

The ``leaderboard`` job of bench/endpoints.py (``BENCH_ONLY=leaderboard make bench``) runs
:func:`measure` too and shows the medians in its notes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20
#: (period, scope) boards measured: every period for everyone, and the viewer's own
#: county and community.
BOARDS = [
    ("week", "all"),
    ("month", "all"),
    ("all", "all"),
    ("week", "county"),
    ("month", "community"),
]


@dataclass(frozen=True)
class Timing:
    label: str
    viewer: str
    median_ms: float
    p95_ms: float
    queries: int
    ranked: int
    rank: int | None

    def row(self) -> str:
        rank = "-" if self.rank is None else f"{self.rank:,}"
        return (
            f"| {self.label} | {self.viewer} | {self.median_ms:.1f} | {self.p95_ms:.1f} | "
            f"{self.queries} | {self.ranked:,} | {rank} |"
        )


def _time(label: str, viewer_label: str, call, calls: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm: connection, cache entry
    timings = []
    for _n in range(calls):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        call()
    ranked = getattr(result, "count", 0)
    rank = getattr(result, "my_rank", None)
    return Timing(
        label,
        viewer_label,
        statistics.median(timings) * 1000,
        sorted(timings)[int(len(timings) * 0.95)] * 1000,
        len(queries.captured_queries),
        ranked,
        rank,
    )


def bottom_learner(period: str = "month"):
    """A learner with a community and the fewest points this ``period`` (longest rank count)."""
    from learning.models import PointTotal, User
    from learning.points.ledger import period_starts

    row = (
        PointTotal.objects.filter(
            period=period, period_start=period_starts()[period], community__isnull=False
        )
        .order_by("points", "learner_id")
        .values_list("learner_id", flat=True)
        .first()
    )
    return User.objects.get(pk=row)


def measure(viewer, calls: int = 100) -> list[Timing]:
    """Cached and live timings of every board in ``BOARDS`` for ``viewer``, plus a learner
    at the bottom of the month board and the one-query baseline."""
    from django.test.utils import override_settings

    from learning.models import User
    from learning.points.leaderboards import leaderboard

    results = [
        _time(
            "baseline: one indexed ORM query",
            "-",
            lambda: User.objects.filter(pk=viewer.pk).first(),
            calls,
        )
    ]
    bottom = bottom_learner()
    viewers = [("bench learner", viewer)]
    for mode, seconds in (("cached", 60), ("live", 0)):
        with override_settings(POINTS_LEADERBOARD_CACHE_SECONDS=seconds):
            for period, scope in BOARDS:
                for label, who in viewers:
                    results.append(
                        _time(
                            f"{period} / {scope}, {mode}",
                            label,
                            lambda who=who, period=period, scope=scope: leaderboard(
                                viewer=who, period=period, scope=scope, page_size=50
                            ),
                            calls,
                        )
                    )
            results.append(
                _time(
                    f"month / all, {mode}",
                    "last of the month board",
                    lambda: leaderboard(viewer=bottom, period="month", page_size=50),
                    calls,
                )
            )
    return results


def table(results: list[Timing]) -> str:
    lines = [
        "| board (period / scope) | viewer | median ms | p95 ms | queries | ranked | viewer's rank |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    return "\n".join(lines + [result.row() for result in results])


def scale() -> str:
    """Rows in the benchmark database: learners, ledger entries, totals."""
    from learning.models import LearnerProfile, LedgerEntry, PointTotal

    return (
        f"{LearnerProfile.objects.count():,} learners, "
        f"{LedgerEntry.objects.count():,} ledger entries, {PointTotal.objects.count():,} totals"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.bench")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from learning.load_data import PHONE_PREFIX
    from learning.models import User

    viewer = User.objects.filter(phone__startswith=PHONE_PREFIX).order_by("pk").first()
    engine = connection.vendor
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"{engine}, cache {cache}; {scale()}; {os.getloadavg()[0]:.1f} load (1 min)")
    print(table(measure(viewer, args.calls)))
    print(f"target: < {TARGET_MS} ms median")


if __name__ == "__main__":
    main()
