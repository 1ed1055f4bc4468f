"""The exam calendar (考试安排): registration window and timetable of each exam year.

These are the seeds of the organiser-editable calendar (``exams.models.ExamYear``, 考试安排 in
the admin): a year listed here and missing from the database is added after every
``migrate``; a year already there is never overwritten, because organisers correct it there
(their province's registration dates, a changed timetable). Countdowns on the learner's home
page and the exam-countdown text messages read the database, not this module.

2026 (published): 人力资源社会保障部办公厅《关于2026年度专业技术人员职业资格考试工作计划及有关
事项的通知》 set the 社会工作者职业资格考试 for 23 and 24 May 2026; the timetable below is the
one the provinces' 考务 notices give (法规与政策 on the Saturday afternoon, everything else on
the Sunday). Registration is run by each province on 中国人事考试网 in its own window: in 2026
the earliest opened on 9 March (海南, 吉林, 重庆, 陕西, 山东, 内蒙古) and the latest closed on
27 March (新疆); the window below is that national span, and organisers should replace it with
their province's dates.

2027 (not yet published): the ministry publishes the next year's plan around the turn of the
year (the 2026 plan was public by February 2026). Until then the dates are an estimate on the
pattern of 2025 (24–25 May) and 2026 (23–24 May), the fourth weekend of May, marked
``confirmed=False`` so every page that shows them says 预计. Organisers set the published
dates and tick 已公布 when the plan is out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from exams.exam_spec.levels import (
    COMPREHENSIVE,
    INTERMEDIATE,
    JUNIOR,
    PRACTICE,
    REGULATIONS,
    SENIOR,
)


@dataclass(frozen=True)
class Slot:
    level: str
    subject: str
    day: date
    starts: time
    ends: time


@dataclass(frozen=True)
class Year:
    year: int
    confirmed: bool
    registration_opens: date
    registration_closes: date
    slots: tuple[Slot, ...]
    source: str


def _timetable(saturday: date) -> tuple[Slot, ...]:
    sunday = date.fromordinal(saturday.toordinal() + 1)
    return (
        Slot(INTERMEDIATE, REGULATIONS, saturday, time(14), time(16)),
        Slot(JUNIOR, COMPREHENSIVE, sunday, time(9), time(11)),
        Slot(INTERMEDIATE, COMPREHENSIVE, sunday, time(9), time(11)),
        Slot(JUNIOR, PRACTICE, sunday, time(14), time(16)),
        Slot(INTERMEDIATE, PRACTICE, sunday, time(14), time(16, 30)),
        Slot(SENIOR, PRACTICE, sunday, time(14), time(17)),
    )


YEARS: tuple[Year, ...] = (
    Year(
        2026,
        confirmed=True,
        registration_opens=date(2026, 3, 9),
        registration_closes=date(2026, 3, 27),
        slots=_timetable(date(2026, 5, 23)),
        source="人力资源社会保障部办公厅《关于2026年度专业技术人员职业资格考试工作计划及有关事项"
        "的通知》；报名时间以各省人事考试机构通知为准",
    ),
    Year(
        2027,
        confirmed=False,
        registration_opens=date(2027, 3, 8),
        registration_closes=date(2027, 3, 26),
        slots=_timetable(date(2027, 5, 22)),
        source="预计：按2025、2026年的安排推算，待人力资源社会保障部公布2027年度考试工作计划后更正",
    ),
)
