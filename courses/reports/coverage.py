"""Training coverage (培训覆盖) and certificates (持证) per organisation.

A candidate (报考人员) is a learner with an exam level. A candidate is *trained* when the
courses they completed add up to ``settings.TRAINING_REQUIRED_HOURS`` estimated hours and
include every course in ``settings.TRAINING_REQUIRED_COURSES``; *sat* when they finished a
mock exam; *passed* when one of those was passed. All of it is computed per learner with
correlated subqueries and counted per organisation by ``GROUP BY`` on a prefix of the
organisation's materialised path: one query for the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr, TruncMonth

from courses.models import Enrolment
from exams.models import Attempt
from learning.models import LearnerProfile, Organisation


def required_hours() -> Decimal:
    return Decimal(str(getattr(settings, "TRAINING_REQUIRED_HOURS", 10)))


def required_courses() -> list[int]:
    return list(getattr(settings, "TRAINING_REQUIRED_COURSES", []))


def _per_learner_sum(queryset: QuerySet, field: str, output) -> Coalesce:
    rows = queryset.filter(learner=OuterRef("user_id")).values("learner").annotate(n=Sum(field))
    return Coalesce(Subquery(rows.values("n"), output_field=output), Value(0), output_field=output)


def with_training_status(profiles: QuerySet[LearnerProfile]) -> QuerySet[LearnerProfile]:
    """Annotate ``hours``, ``required_done``, ``sat`` and ``passed`` (see :func:`trained_q`)."""
    completed = Enrolment.objects.filter(completed_at__isnull=False)
    finished = Attempt.objects.filter(learner=OuterRef("user_id"), state=Attempt.State.FINISHED)
    return profiles.annotate(
        hours=_per_learner_sum(
            completed,
            "course__estimated_hours",
            DecimalField(max_digits=8, decimal_places=1),
        ),
        required_done=_per_learner_sum(
            completed.filter(course_id__in=required_courses()).annotate(one=Value(1)),
            "one",
            IntegerField(),
        ),
        sat=Exists(finished),
        passed=Exists(finished.filter(passed=True)),
    )


def candidate_q() -> Q:
    return ~Q(exam_level="")


def trained_q() -> Q:
    """On a queryset from :func:`with_training_status`: the candidate counts as trained."""
    return (
        candidate_q()
        & Q(hours__gte=required_hours())
        & Q(required_done__gte=len(required_courses()))
    )


def scoped_profiles(organisation: Organisation | None) -> QuerySet[LearnerProfile]:
    profiles = LearnerProfile.objects.filter(user__is_active=True)
    if organisation is not None:
        profiles = profiles.filter(organisation__path__startswith=organisation.path)
    return profiles


@dataclass
class CoverageRow:
    """One organisation's figures; ``organisation`` is None for the total line."""

    organisation: Organisation | None
    learners: int = 0
    candidates: int = 0
    trained: int = 0
    sat: int = 0
    passed: int = 0
    holders: int = 0
    residents: int = 0

    @property
    def trained_percent(self) -> float | None:
        return round(100 * self.trained / self.candidates, 1) if self.candidates else None

    @property
    def holders_per_10k(self) -> float | None:
        """Certificate holders per 10,000 residents (the staffing standard's measure)."""
        return round(10000 * self.holders / self.residents, 2) if self.residents else None

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation else ""


def children_of(organisation: Organisation | None) -> list[Organisation]:
    if organisation is None:
        return list(Organisation.get_root_nodes())
    return list(organisation.get_children())


def _counts() -> dict:
    return {
        "learners": Count("pk"),
        "candidates": Count("pk", filter=candidate_q()),
        "trained": Count("pk", filter=trained_q()),
        "sat": Count("pk", filter=candidate_q() & Q(sat=True)),
        "passed": Count("pk", filter=candidate_q() & Q(passed=True)),
        "holders": Count("pk", filter=~Q(certificate_level="")),
    }


def totals(organisation: Organisation | None) -> CoverageRow:
    """The subtree's figures in one line (one query; residents are not counted)."""
    # values().annotate() rather than aggregate(): aggregate() wraps annotated querysets in a
    # subquery, and PostgreSQL then cannot see the ``sat``/``passed`` columns its filters use.
    rows = (
        with_training_status(scoped_profiles(organisation))
        .annotate(everyone=Value(1))
        .values("everyone")
        .annotate(**_counts())
        .values(*_counts())
        .order_by()
    )
    return CoverageRow(organisation, **next(iter(rows), {}))


def coverage(organisation: Organisation | None) -> tuple[list[CoverageRow], CoverageRow]:
    """One row per child organisation (counties for the prefecture) and the total (3 queries).

    A community has no children: its table is its single total line.
    """
    children = children_of(organisation)
    depth = organisation.depth + 1 if organisation else 1
    prefix = Substr("organisation__path", 1, Organisation.steplen * depth)
    counts = (
        with_training_status(scoped_profiles(organisation))
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(**_counts())
        .order_by()
    )
    by_prefix = {row.pop("prefix"): row for row in counts}
    residents = _residents_by_prefix(organisation, depth)
    rows = []
    total = CoverageRow(organisation)
    for child in children:
        row = CoverageRow(child, **by_prefix.get(child.path, {}))
        row.residents = residents.get(child.path, 0)
        rows.append(row)
    for field in ("learners", "candidates", "trained", "sat", "passed", "holders"):
        setattr(total, field, sum(row.get(field, 0) for row in by_prefix.values()))
    total.residents = sum(residents.values())
    return rows, total


def _residents_by_prefix(organisation: Organisation | None, depth: int) -> dict[str, int]:
    """Residents of the communities below each child (a community counts its own)."""
    communities = Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    if organisation is not None:
        communities = communities.filter(path__startswith=organisation.path)
    rows = (
        communities.annotate(prefix=Substr("path", 1, Organisation.steplen * depth))
        .values("prefix")
        .annotate(n=Coalesce(Sum("residents"), 0))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def certificate_trend(organisation: Organisation | None, *, months: list[date]) -> list[int]:
    """Certificate holders at the end of each month (``months`` are first days), 2 queries."""
    holders = scoped_profiles(organisation).exclude(certificate_level="")
    start = months[0]
    before = holders.filter(certificate_date__lt=start).count()
    added = dict(
        holders.filter(certificate_date__gte=start)
        .annotate(month=TruncMonth("certificate_date"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    trend, running = [], before
    for month in months:
        running += added.get(month, 0)
        trend.append(running)
    return trend


def candidates(organisation: Organisation | None, *, status: str) -> QuerySet[LearnerProfile]:
    """Candidates of the subtree by status: ``untrained``, ``trained``, ``not_sat``, ``all``."""
    profiles = with_training_status(scoped_profiles(organisation)).filter(candidate_q())
    if status == "untrained":
        profiles = profiles.exclude(trained_q())
    elif status == "trained":
        profiles = profiles.filter(trained_q())
    elif status == "not_sat":
        profiles = profiles.filter(sat=False)
    return profiles.select_related("user", "organisation").order_by("organisation__path", "pk")
