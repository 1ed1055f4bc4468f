"""Study activity by week, weakest chapters and knowledge points, offline attendance.

Every function is a fixed handful of grouped queries over the organisation's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from courses.models import LessonCompletion
from exams.models import Attempt, AttemptQuestion, PracticeAnswer, Question
from learning.models import Organisation, PointPeriod, PointTotal
from learning.points import leaderboards
from learning.points.leaderboards import RankedOrganisation
from learning.points.ledger import period_starts
from lecturers.models import Enrolment as SessionEnrolment

WEEKS = 12


def in_scope(queryset: QuerySet, organisation: Organisation | None, learner_field="learner"):
    if organisation is None:
        return queryset
    return queryset.filter(
        **{f"{learner_field}__profile__organisation__path__startswith": organisation.path}
    )


def scoped_totals(totals: QuerySet, organisation: Organisation | None) -> QuerySet:
    """Point totals of the subtree, by the county/street/community column they are filed under
    (an equality on ``PointTotal``'s indexes instead of a join to the profiles)."""
    if organisation is None:
        return totals
    column = {1: "county_id", 2: "street_id", 3: "community_id"}[organisation.depth]
    return totals.filter(**{column: organisation.pk})


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, oldest first, this week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def month_starts(today: date, months: int = 12) -> list[date]:
    """First days of the last ``months`` months, oldest first, this month last."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


@dataclass
class WeekActivity:
    week: date
    active_learners: int = 0
    lessons: int = 0
    practice_answers: int = 0
    average_mock_score: float | None = None


def _week_index(field: str, weeks: list[date], *, dates: bool) -> Case:
    """The index in ``weeks`` of the week a row falls in, as plain SQL comparisons.

    (``TruncWeek`` would be a Python function called per row on SQLite, with time zone
    conversion: a hundred times slower over a quarter's ledger.)
    """
    bounds = weeks if dates else [_midnight(week) for week in weeks]
    return Case(
        *[
            When(**{f"{field}__gte": bound}, then=Value(index))
            for index, bound in reversed(list(enumerate(bounds)))
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _by_week(
    queryset: QuerySet, field: str, weeks: list[date], *, dates: bool = False, **aggregate
) -> dict[date, dict]:
    rows = (
        queryset.annotate(week=_week_index(field, weeks, dates=dates))
        .values("week")
        .annotate(**aggregate)
        .order_by()
    )
    return {weeks[row.pop("week")]: row for row in rows if row["week"] >= 0}


def _counts_in_ranges(queryset: QuerySet, field: str, bounds: list[datetime]) -> list[int]:
    """Rows of ``queryset`` in each range [bound, next bound) (the last one open), in one query
    of one COUNT subquery per range: each counts a stretch of ``field``'s index, where grouping
    the rows by a CASE over the bounds would evaluate it for every one of a million rows."""
    ends = [*bounds[1:], None]
    counts = {}
    for index, (start, end) in enumerate(zip(bounds, ends, strict=True)):
        part = queryset.filter(**{f"{field}__gte": start})
        if end is not None:
            part = part.filter(**{f"{field}__lt": end})
        # COUNT as a plain function: Django then adds no GROUP BY, and the subquery is a scalar.
        counted = part.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        counts[f"range{index}"] = Subquery(counted, output_field=IntegerField())
    # Any one row carries the subqueries (with no organisation there is no learner either).
    row = Organisation.objects.annotate(**counts).values(*counts).order_by()[:1]
    found = next(iter(row), {})
    return [found.get(f"range{index}") or 0 for index in range(len(bounds))]


def weekly_activity(
    organisation: Organisation | None, *, now: datetime | None = None
) -> list[WeekActivity]:
    """Active learners (who earned points that week, log-ins included: their weekly points
    total exists), lessons completed, practice answers (mock exam answers, which the exam
    also files as practice records, are the mock score's) and the average mock score in
    percent, per week (4 queries)."""
    weeks = week_starts(timezone.localtime(now or timezone.now()).date())
    start = _midnight(weeks[0])
    active = dict(
        scoped_totals(PointTotal.objects.filter(period=PointPeriod.WEEK), organisation)
        .filter(period_start__in=weeks)
        .values_list("period_start")
        .annotate(n=Count("pk"))
        .values_list("period_start", "n")
        .order_by()
    )
    lessons = _counts_in_ranges(
        in_scope(LessonCompletion.objects.all(), organisation),
        "completed_at",
        [_midnight(week) for week in weeks],
    )
    practice: dict[date, int] = {}
    for day, n in (
        in_scope(
            PracticeAnswer.objects.filter(local_date__gte=weeks[0]).exclude(
                mode=PracticeAnswer.Mode.EXAM
            ),
            organisation,
        )
        .values_list("local_date")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        week = day - timedelta(days=day.weekday())
        practice[week] = practice.get(week, 0) + n
    mocks = _by_week(
        in_scope(
            Attempt.objects.filter(
                state=Attempt.State.FINISHED, finished_at__gte=start, max_score__gt=0
            ),
            organisation,
        ),
        "finished_at",
        weeks,
        n=Avg(F("score") * 100.0 / F("max_score"), output_field=FloatField()),
    )
    return [
        WeekActivity(
            week=week,
            active_learners=active.get(week, 0),
            lessons=lessons[index],
            practice_answers=practice.get(week, 0),
            average_mock_score=(
                round(mocks[week]["n"], 1) if mocks.get(week, {}).get("n") is not None else None
            ),
        )
        for index, week in enumerate(weeks)
    ]


@dataclass
class WeakPoint:
    """A chapter or knowledge point with practice and mock accuracy (answers right / answers)."""

    name: str
    practice_answers: int = 0
    practice_right: int = 0
    mock_answers: int = 0
    mock_right: int = 0

    @property
    def answers(self) -> int:
        return self.practice_answers + self.mock_answers

    @staticmethod
    def _percent(right: int, total: int) -> float | None:
        return round(100 * right / total, 1) if total else None

    @property
    def accuracy(self) -> float | None:
        return self._percent(self.practice_right + self.mock_right, self.answers)

    @property
    def practice_accuracy(self) -> float | None:
        return self._percent(self.practice_right, self.practice_answers)

    @property
    def mock_accuracy(self) -> float | None:
        return self._percent(self.mock_right, self.mock_answers)


def weakest(organisation: Organisation | None, *, limit: int = 10) -> dict[str, list[WeakPoint]]:
    """The ``limit`` chapters (``"chapter"``) and knowledge points (``"knowledge_point"``) with
    the lowest accuracy across the subtree's practice and mock answers (3 queries).

    One pass over each kind of answer, counted per question (the scans are the cost: a
    million rows at 100,000 learners); the few hundred questions' chapters and knowledge
    points are then read once and the counts added up per chapter and per point in Python,
    instead of joining every answer to its question and tags twice.
    """
    practice = (
        in_scope(PracticeAnswer.objects.exclude(mode=PracticeAnswer.Mode.EXAM), organisation)
        .values_list("question_id")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .order_by()
    )
    mock = (
        # Graded items: set when an attempt is submitted (only case essays wait for marking),
        # so the (question, correct) index alone answers, without the attempts' state.
        in_scope(
            AttemptQuestion.objects.filter(correct__isnull=False), organisation, "attempt__learner"
        )
        .values_list("question_id")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .order_by()
    )
    counts = {"practice": list(practice), "mock": list(mock)}
    asked = {row[0] for rows in counts.values() for row in rows}
    chapters: dict[int, list[str]] = {}
    points: dict[int, list[str]] = {}
    for question_id, chapter, tag in Question.objects.filter(pk__in=asked).values_list(
        "pk", "chapter", "tagged_items__tag__name"
    ):
        chapters[question_id] = [chapter] if chapter else []
        if tag:
            points.setdefault(question_id, []).append(tag)
    found = {}
    for by, names_of in (("chapter", chapters), ("knowledge_point", points)):
        named: dict[str, WeakPoint] = {}
        for kind, rows in counts.items():
            for question_id, n, right in rows:
                for name in names_of.get(question_id, []):
                    point = named.setdefault(name, WeakPoint(name))
                    if kind == "practice":
                        point.practice_answers += n
                        point.practice_right += right
                    else:
                        point.mock_answers += n
                        point.mock_right += right
        found[by] = _lowest(named.values(), limit)
    return found


def _lowest(points, limit: int) -> list[WeakPoint]:
    minimum = getattr(settings, "REPORTS_WEAK_MIN_ANSWERS", 10)
    ranked = [point for point in points if point.answers >= minimum]
    ranked.sort(key=lambda point: (point.accuracy, -point.answers, point.name))
    return ranked[:limit]


@dataclass
class SessionAttendance:
    session_id: int
    title: str
    starts_at: datetime
    enrolled: int
    attended: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.attended / self.enrolled, 1) if self.enrolled else None


def attendance(
    organisation: Organisation | None, *, now: datetime | None = None, limit: int = 10
) -> list[SessionAttendance]:
    """The latest sessions that have started, with the subtree's enrolments and check-ins."""
    rows = (
        in_scope(
            SessionEnrolment.objects.filter(session__starts_at__lte=now or timezone.now()),
            organisation,
        )
        .values("session_id", "session__title", "session__starts_at")
        .annotate(enrolled=Count("pk"), attended=Count("pk", filter=Q(attended_at__isnull=False)))
        .order_by("-session__starts_at", "session_id")[:limit]
    )
    return [
        SessionAttendance(
            row["session_id"],
            row["session__title"],
            row["session__starts_at"],
            row["enrolled"],
            row["attended"],
        )
        for row in rows
    ]


@dataclass
class TopLearner:
    rank: int
    name: str
    organisation: str
    points: int


def top_learners(
    organisation: Organisation | None, *, now: datetime | None = None, limit: int = 10
) -> list[TopLearner]:
    """This month's highest scorers of the subtree (competition rank, one indexed query)."""
    start = period_starts(now)[PointPeriod.MONTH]
    rows = (
        scoped_totals(
            PointTotal.objects.filter(period=PointPeriod.MONTH, period_start=start), organisation
        )
        .filter(points__gt=0)
        .order_by("-points", "learner_id")
        .values_list("learner__name", "community__name", "points")[:limit]
    )
    ranked: list[TopLearner] = []
    for index, (name, community, points) in enumerate(rows):
        tied = ranked and ranked[-1].points == points
        ranked.append(
            TopLearner(ranked[-1].rank if tied else index + 1, name, community or "", points)
        )
    return ranked


def organisation_ranking(
    organisation: Organisation | None, *, now: datetime | None = None
) -> list[RankedOrganisation]:
    """The children of ``organisation`` with their prefecture-wide rank among their level by
    this month's average points per member (``learning.points.leaderboards``, cached)."""
    depth = organisation.depth + 1 if organisation else 1
    level = {1: "county", 2: "street", 3: "community"}.get(depth)
    if level is None:
        return []
    ranking = leaderboards.organisation_ranking(period=PointPeriod.MONTH, level=level, now=now)
    if organisation is None:
        return ranking
    return [item for item in ranking if item.organisation.path.startswith(organisation.path)]
