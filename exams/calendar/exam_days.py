"""Reading the exam calendar (考试安排): the next exam day of a level, registration windows.

The calendar is data organisers edit (``exams.models.ExamYear``); it is seeded after every
``migrate`` from ``exams.calendar.seeds`` with the years not yet there. The core reads it
through ``settings.EXAM_CALENDAR_PROVIDER`` (``next_exam_day`` below), so the exam-countdown
messages in ``learning.reminders`` follow the organisers' edits without importing this app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from exams.calendar.seeds import YEARS
from exams.models import ExamSlot, ExamYear


@dataclass(frozen=True)
class ExamDay:
    """The first day a learner of a level sits an exam, and whether it is published."""

    day: date
    confirmed: bool
    year: int


@dataclass(frozen=True)
class Registration:
    opens: date | None
    closes: date | None
    confirmed: bool
    year: int


def seed_calendar(**kwargs) -> int:
    """Add the module's years missing from the database; returns how many were added.

    Never touches a year already there: organisers may have corrected it.
    """
    added = 0
    known = set(ExamYear.objects.values_list("year", flat=True))
    for seed in YEARS:
        if seed.year in known:
            continue
        with transaction.atomic():
            year = ExamYear.objects.create(
                year=seed.year,
                confirmed=seed.confirmed,
                registration_opens=seed.registration_opens,
                registration_closes=seed.registration_closes,
                source=seed.source,
            )
            ExamSlot.objects.bulk_create(
                ExamSlot(
                    exam_year=year,
                    sort_order=order,
                    level=slot.level,
                    subject=slot.subject,
                    day=slot.day,
                    starts=slot.starts,
                    ends=slot.ends,
                )
                for order, slot in enumerate(seed.slots)
            )
        added += 1
    return added


def next_exam_day(level: str, *, today: date) -> ExamDay | None:
    """The first exam day of ``level`` on or after ``today`` (one query); None if none known."""
    if not level:
        return None
    slot = (
        ExamSlot.objects.filter(level=level, day__gte=today)
        .select_related("exam_year")
        .order_by("day", "starts")
        .first()
    )
    if slot is None:
        return None
    return ExamDay(slot.day, slot.exam_year.confirmed, slot.exam_year.year)


def exam_day_provider(level: str, today: date) -> tuple[date, bool] | None:
    """``settings.EXAM_CALENDAR_PROVIDER``: (day, confirmed) in plain types for the core."""
    found = next_exam_day(level, today=today)
    return (found.day, found.confirmed) if found else None


def next_registration(*, today: date) -> Registration | None:
    """The registration window of the first year whose registration has not closed."""
    year = ExamYear.objects.filter(registration_closes__gte=today).order_by("year").first()
    if year is None:
        return None
    return Registration(
        year.registration_opens, year.registration_closes, year.confirmed, year.year
    )


def timetable(level: str, year: int) -> list[ExamSlot]:
    """That year's subjects of ``level`` in the order they are sat."""
    return list(
        ExamSlot.objects.filter(exam_year__year=year, level=level).order_by("day", "starts")
    )


@dataclass(frozen=True)
class Countdown:
    """What the learner's home page shows of the calendar."""

    day: date
    days_left: int
    confirmed: bool
    registration: Registration | None


def countdown_for(profile, *, today: date) -> Countdown | None:
    """The learner's next exam day (their own date while it is ahead, else the calendar's)
    and that exam year's registration window while it has not closed; one query.

    None without an exam level or a known day.
    """
    if profile is None or not profile.exam_level:
        return None
    slot = (
        ExamSlot.objects.filter(level=profile.exam_level, day__gte=today)
        .select_related("exam_year")
        .order_by("day", "starts")
        .first()
    )
    if profile.exam_date and profile.exam_date >= today:
        day, confirmed = profile.exam_date, True
    elif slot is not None:
        day, confirmed = slot.day, slot.exam_year.confirmed
    else:
        return None
    registration = None
    year = slot.exam_year if slot is not None else None
    if year is not None and year.registration_closes and year.registration_closes >= today:
        registration = Registration(
            year.registration_opens, year.registration_closes, year.confirmed, year.year
        )
    return Countdown(day, (day - today).days, confirmed, registration)
