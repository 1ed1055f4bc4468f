"""The dashboard's figures, computed by a task and kept as a row per scope (数据更新于 HH:MM).

A prefecture-wide dashboard scans every learner's courses, attempts and answers: hundreds of
milliseconds at 100,000 learners, too slow to redo on every page view and home page visit.
Figures are therefore kept in :class:`~courses.models.DashboardSnapshot`, one row per scope
(organisation and training rule: the key includes the rule, so changing it never serves old
figures). The page only reads its row and says when it was computed; the figures are
recomputed by ``refresh_all`` (a django-q2 task) after the events that change them
(``figures_changed``: enrolments, completions, finished attempts, roster imports; at most once
a minute) and every ``settings.REPORTS_CACHE_SECONDS`` by a schedule, and at once by the
page's refresh button. A scope shown for the first time is computed in the request.
The admin home panel reads the coverage total kept with it (or computes its one line).
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from courses.models import DashboardSnapshot
from courses.reports import activity, coverage, readiness
from courses.tracks import selectors as tracks
from learning.models import Organisation

#: Part of every key (cache and snapshot rows). 4: the figures hold pickled
#: ``courses.tracks.selectors.TrackRow`` objects, whose module moved there when the tracks
#: module became a package (issue 22); rows and cached copies made before cannot be unpickled.
VERSION = 4


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


def dashboard_key(organisation: Organisation | None) -> str:
    """The scope's snapshot key (organisation and training rule)."""
    return _key("dashboard", organisation)


def compute(organisation: Organisation | None, *, now: datetime | None = None) -> dict:
    """Every figure of the dashboard for the subtree (a constant number of grouped queries)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows, total = coverage.coverage(organisation)
    months = activity.month_starts(today)
    weak = activity.weakest(organisation)
    readiness_rows, readiness_total = readiness.readiness(organisation)
    return {
        "readiness_rows": readiness_rows,
        "readiness_total": readiness_total,
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
        "tracks": tracks.coverage_by_track(organisation),
    }


def dashboard_time(organisation: Organisation | None) -> datetime | None:
    """When the scope's cached figures were computed, without reading them (None when they
    are not cached here): the kept page (``learning.platform.admin_page_cache``) needs only
    this, and unpickling a prefecture's figures cost more than the rest of the page's read."""
    return cache.get(_time_key(_key("dashboard", organisation)))


def _time_key(key: str) -> str:
    return f"{key}:computed-at"


def _keep(key: str, found: Snapshot) -> None:
    """The figures in the cache, with their time beside them (the same lifetime)."""
    cache.set_many({key: found, _time_key(key): found.computed_at}, freshness())


def dashboard(organisation: Organisation | None, *, refresh: bool = False) -> Snapshot:
    """The subtree's dashboard figures as last computed (the snapshot row), computed now when
    there is none yet (a scope never shown before, a new training rule) or ``refresh``.

    A computation also stores the coverage total the admin home panel shows, so the panel and
    the dashboard always agree and carry the same time.
    """
    key = _key("dashboard", organisation)
    if not refresh:
        found = cache.get(key)  # this process's (or Redis's) copy of the row
        if found is not None:
            return found
        row = DashboardSnapshot.objects.filter(key=key).only("data", "computed_at").first()
        # Older than the stated freshness: the schedule has not run (no worker?); recompute
        # rather than show figures older than the page says they can be.
        if row is not None and timezone.now() - row.computed_at < timedelta(seconds=freshness()):
            found = Snapshot(pickle.loads(row.data), row.computed_at)  # noqa: S301 - our rows
            _keep(key, found)
            return found
    return _compute_and_keep(key, organisation)


def _compute_and_keep(key: str, organisation: Organisation | None) -> Snapshot:
    asked = timezone.now()
    lock = f"{key}:computing"
    owner = cache.add(lock, asked, timeout=COMPUTE_SECONDS)
    if not owner:
        # Someone is computing these figures now (a refresh, or the task): take theirs rather
        # than run the same scans again in parallel.
        found = _wait_for(key, asked)
        if found is not None:
            return found
    try:
        now = timezone.now()
        found = Snapshot(compute(organisation, now=now), now)
        DashboardSnapshot.objects.update_or_create(
            key=key,
            defaults={
                "organisation": organisation,
                "data": pickle.dumps(found.data, protocol=pickle.HIGHEST_PROTOCOL),
                "computed_at": now,
            },
        )
        _keep(key, found)
        cache.set(_key("total", organisation), Snapshot(found.data["total"], now), freshness())
    finally:
        if owner:
            cache.delete(lock)
    return found


def refresh_all() -> int:
    """Recompute every kept snapshot (the task after events, and the schedule); stale rules'
    rows are dropped. Returns how many were recomputed."""
    current = {_key("dashboard", None)}
    organisations = {None}
    rows = list(
        DashboardSnapshot.objects.select_related("organisation").only("key", "organisation")
    )
    for row in rows:
        current.add(_key("dashboard", row.organisation))
        organisations.add(row.organisation)
    DashboardSnapshot.objects.exclude(key__in=current).delete()
    for organisation in organisations:
        _compute_and_keep(_key("dashboard", organisation), organisation)
    return len(organisations)


#: Events queue a refresh at most this often (seconds): a roster import or a morning's study
#: rows would otherwise recompute the same figures again and again.
REFRESH_DEBOUNCE_SECONDS = 60
REFRESH_SCHEDULE_NAME = "reports: refresh dashboard snapshots"


def figures_changed(**kwargs) -> None:
    """Something the dashboard counts changed (an enrolment, a completion, a finished attempt,
    a roster import): queue a refresh of the snapshots, at most once a minute. One cache call
    on the request; the recomputation is the task's. Also the receiver of
    ``learning.study_events.figures_changed``, which the apps below courses send."""
    if cache.add("reports:refresh-queued", 1, REFRESH_DEBOUNCE_SECONDS):
        from learning.platform.task_queue import enqueue_with_transaction

        enqueue_with_transaction("courses.reports.snapshot.refresh_all")


def ensure_refresh_schedule(**kwargs) -> None:
    """The schedule that refreshes the snapshots every ``freshness()`` minutes; run from
    post_migrate, so idempotent."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=REFRESH_SCHEDULE_NAME,
        defaults={
            "func": "courses.reports.snapshot.refresh_all",
            "schedule_type": Schedule.MINUTES,
            "minutes": max(1, freshness() // 60),
            "repeats": -1,
        },
    )


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
