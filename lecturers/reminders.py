"""Reminder provider for offline sessions, called by the reminder rules of ``learning``.

The reminder engine knows nothing about sessions; it asks this module whom to remind and
sends through its own SMS pipeline (opt-out, quiet hours, caps, idempotency by period key).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone

from learning.points.ledger import local_day_start
from lecturers.models import Enrolment


def sessions_tomorrow(now: datetime) -> Iterator[tuple[int, dict, str]]:
    """``(learner user id, placeholder context, period key)`` for every learner enrolled in a
    session that starts on the next local day (settings.TIME_ZONE).

    The context fills a reminder template: ``session_title``, ``session_time`` (local,
    e.g. ``11月26日 09:00``) and ``venue``; the period key ``session:<id>`` makes one
    reminder per learner and session.
    """
    start = local_day_start(now) + timedelta(days=1)
    enrolments = (
        Enrolment.objects.filter(
            session__starts_at__gte=start, session__starts_at__lt=start + timedelta(days=1)
        )
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    for enrolment in enrolments.iterator():
        session = enrolment.session
        local_start = timezone.localtime(session.starts_at)
        context = {
            "session_title": session.title,
            "session_time": f"{local_start.month}月{local_start.day}日 {local_start:%H:%M}",
            "venue": session.venue,
        }
        yield enrolment.learner_id, context, f"session:{session.pk}"
