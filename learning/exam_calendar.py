"""The exam calendar as the core sees it: a level's next exam day, for the countdowns.

The calendar (考试安排, registration and timetable per exam year) is organisers' data kept by
the exams app; the core asks for it through ``settings.EXAM_CALENDAR_PROVIDER``, a dotted path
to ``fn(level: str, today: date) -> (day, confirmed) | None``, and never imports that app.
A date typed on the learner's profile (a resit, another sitting) wins while it is ahead
(``learning.reminders.sources`` for the messages, ``exams.calendar.exam_days`` for the home page).
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def calendar_day(level: str, *, today: date) -> tuple[date, bool] | None:
    """(first exam day of ``level`` on or after ``today``, published?) from the calendar."""
    dotted = getattr(settings, "EXAM_CALENDAR_PROVIDER", "")
    if not dotted or not level:
        return None
    try:
        provider = import_string(dotted)
    except ImportError:
        logger.warning("EXAM_CALENDAR_PROVIDER %s cannot be imported", dotted)
        return None
    return provider(level, today)
