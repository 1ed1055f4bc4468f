"""The dashboard's figures, computed once and kept for a stated time (数据更新于 HH:MM).

A prefecture-wide dashboard scans every learner's courses, attempts and answers: hundreds of
milliseconds at 100,000 learners, too slow to redo on every page view and home page visit.
Figures are therefore kept in the cache per organisation shown for
``settings.REPORTS_CACHE_SECONDS`` (10 minutes): the page says when they were computed and
offers a refresh, which recomputes at once. Nothing is invalidated on writes: study rows
arrive all day long, and a report that is at most ten minutes old, and says so, is what an
organiser needs. The key includes the training rule, so changing it never serves old figures.
The admin home panel reads the same entry (or, if absent, computes and keeps its one line).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from courses.reports import activity, coverage
from learning.models import Organisation

VERSION = 1


def freshness() -> int:
    return int(getattr(settings, "REPORTS_CACHE_SECONDS", 600))


@dataclass
class Snapshot:
    """Figures and when they were computed (``computed_at``: aware, UTC)."""

    data: dict
    computed_at: datetime


def _key(kind: str, organisation: Organisation | None) -> str:
    rule = f"{coverage.required_hours()}-{'.'.join(map(str, coverage.required_courses()))}"
    scope = organisation.pk if organisation else "all"
    return f"reports:{kind}:v{VERSION}:{scope}:{rule}"


def compute(organisation: Organisation | None, *, now: datetime | None = None) -> dict:
    """Every figure of the dashboard for the subtree (a constant number of grouped queries)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows, total = coverage.coverage(organisation)
    months = activity.month_starts(today)
    weak = activity.weakest(organisation)
    return {
        "rows": rows,
        "total": total,
        "months": months,
        "certificate_trend": coverage.certificate_trend(organisation, months=months),
        "weeks": activity.weekly_activity(organisation, now=now),
        "weak_chapters": weak["chapter"],
        "weak_points": weak["knowledge_point"],
        "attendance": activity.attendance(organisation, now=now),
        "ranking": activity.organisation_ranking(organisation, now=now),
        "top_learners": activity.top_learners(organisation, now=now),
    }


def dashboard(organisation: Organisation | None, *, refresh: bool = False) -> Snapshot:
    """The subtree's dashboard figures, from the cache unless absent, expired or ``refresh``.

    A computation also stores the coverage total the admin home panel shows, so the panel and
    the dashboard always agree and carry the same time.
    """
    key = _key("dashboard", organisation)
    asked = timezone.now()
    found = None if refresh else cache.get(key)
    if found is not None:
        return found
    lock = f"{key}:computing"
    owner = cache.add(lock, asked, timeout=COMPUTE_SECONDS)
    if not owner:
        # Someone is computing these figures now (a refresh, or a busy moment after expiry):
        # take theirs rather than run the same scans again in parallel.
        found = _wait_for(key, asked)
        if found is not None:
            return found
    try:
        now = timezone.now()
        found = Snapshot(compute(organisation, now=now), now)
        cache.set(key, found, freshness())
        cache.set(_key("total", organisation), Snapshot(found.data["total"], now), freshness())
    finally:
        if owner:
            cache.delete(lock)
    return found


#: The longest a computation may take before others stop waiting for it and compute too.
COMPUTE_SECONDS = 60


def _wait_for(key: str, asked: datetime) -> Snapshot | None:
    deadline = time.monotonic() + COMPUTE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        found = cache.get(key)
        if found is not None and found.computed_at >= asked:
            return found
        if cache.get(f"{key}:computing") is None:
            return cache.get(key) if found is None else found
    return None


def total(organisation: Organisation | None) -> Snapshot:
    """The subtree's coverage line (``data`` is a ``CoverageRow``) for the admin home panel."""
    key = _key("total", organisation)
    found = cache.get(key)
    if found is None:
        found = Snapshot(coverage.totals(organisation), timezone.now())
        cache.set(key, found, freshness())
    return found
