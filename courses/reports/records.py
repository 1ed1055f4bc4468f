"""Study records (学习档案): what each learner did in a period, as evidence for appraisals
(平时考核, 年度考核).

:func:`study_records` builds the summary of any set of learners with one grouped query per
measure (a whole community's records in eight queries); :func:`record_details` adds the
lists one learner's printable page shows, and their ranks in community, street and county.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, Max, Q, QuerySet, Sum
from django.utils import timezone

from courses.models import Enrolment, LessonCompletion
from exams.models import Attempt, PracticeAnswer
from learning.models import LearnerProfile, LedgerEntry, Organisation
from lecturers.models import Enrolment as SessionEnrolment


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The exclusive end: midnight after ``end``."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def q(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.since, f"{field_name}__lt": self.until})


def default_period(today: date | None = None) -> Period:
    """This calendar year up to today (the annual appraisal's period)."""
    today = today or timezone.localdate()
    return Period(date(today.year, 1, 1), today)


@dataclass
class StudyRecord:
    profile: LearnerProfile
    courses_enrolled: int = 0
    courses_completed: int = 0
    hours: Decimal = Decimal(0)
    lessons: int = 0
    sessions_attended: int = 0
    practice_answers: int = 0
    practice_right: int = 0
    mock_attempts: int = 0
    mock_passed: int = 0
    mock_best: float | None = None
    mock_average: float | None = None
    points: int = 0
    community_rank: int | None = None
    ranks: dict[str, int] = field(default_factory=dict)
    courses: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    sessions: list = field(default_factory=list)

    @property
    def practice_accuracy(self) -> float | None:
        if not self.practice_answers:
            return None
        return round(100 * self.practice_right / self.practice_answers, 1)


def _grouped(queryset: QuerySet, **aggregate) -> dict[int, dict]:
    rows = queryset.values("learner_id").annotate(**aggregate).order_by()
    return {row.pop("learner_id"): row for row in rows}


def study_records(profiles: QuerySet[LearnerProfile], period: Period) -> list[StudyRecord]:
    """One record per learner of ``profiles`` (8 queries whatever their number)."""
    profiles = list(
        profiles.select_related("user", "organisation").order_by("organisation__path", "pk")
    )
    ids = [profile.user_id for profile in profiles]
    courses = _grouped(
        Enrolment.objects.filter(learner_id__in=ids, enrolled_at__lt=period.until),
        enrolled=Count("pk"),
        completed=Count("pk", filter=period.q("completed_at")),
        hours=Sum("course__estimated_hours", filter=period.q("completed_at")),
    )
    lessons = _grouped(
        LessonCompletion.objects.filter(period.q("completed_at"), learner_id__in=ids),
        n=Count("pk"),
    )
    sessions = _grouped(
        SessionEnrolment.objects.filter(period.q("attended_at"), learner_id__in=ids),
        n=Count("pk"),
    )
    practice = _grouped(
        PracticeAnswer.objects.filter(
            learner_id__in=ids, local_date__gte=period.start, local_date__lte=period.end
        ).exclude(mode=PracticeAnswer.Mode.EXAM),
        n=Count("pk"),
        right=Count("pk", filter=Q(correct=True)),
    )
    percent = F("score") * 100.0 / F("max_score")
    mocks = _grouped(
        Attempt.objects.filter(
            period.q("finished_at"),
            learner_id__in=ids,
            state=Attempt.State.FINISHED,
            max_score__gt=0,
        ),
        n=Count("pk"),
        passed=Count("pk", filter=Q(passed=True)),
        best=Max(percent, output_field=FloatField()),
        average=Avg(percent, output_field=FloatField()),
    )
    points = _grouped(
        LedgerEntry.objects.filter(period.q("created_at"), learner_id__in=ids), n=Sum("points")
    )
    records = []
    for profile in profiles:
        uid = profile.user_id
        course = courses.get(uid, {})
        mock = mocks.get(uid, {})
        records.append(
            StudyRecord(
                profile=profile,
                courses_enrolled=course.get("enrolled", 0),
                courses_completed=course.get("completed", 0),
                hours=course.get("hours") or Decimal(0),
                lessons=lessons.get(uid, {}).get("n", 0),
                sessions_attended=sessions.get(uid, {}).get("n", 0),
                practice_answers=practice.get(uid, {}).get("n", 0),
                practice_right=practice.get(uid, {}).get("right", 0),
                mock_attempts=mock.get("n", 0),
                mock_passed=mock.get("passed", 0),
                mock_best=round(mock["best"], 1) if mock.get("best") is not None else None,
                mock_average=(
                    round(mock["average"], 1) if mock.get("average") is not None else None
                ),
                points=points.get(uid, {}).get("n") or 0,
            )
        )
    _rank_within_communities(records)
    return records


def _rank_within_communities(records: list[StudyRecord]) -> None:
    """Competition rank by period points among the records of the same community."""
    by_community: dict[int, list[int]] = {}
    for record in records:
        by_community.setdefault(record.profile.organisation_id, []).append(record.points)
    for record in records:
        others = by_community[record.profile.organisation_id]
        record.community_rank = 1 + sum(1 for points in others if points > record.points)


def rank_in(organisation: Organisation, points: int, period: Period) -> int:
    """1 + how many learners of the subtree earned more points in the period (one query)."""
    ahead = (
        LedgerEntry.objects.filter(
            period.q("created_at"),
            learner__profile__organisation__path__startswith=organisation.path,
        )
        .values("learner_id")
        .annotate(n=Sum("points"))
        .filter(n__gt=points)
        .order_by()
        .count()
    )
    return 1 + ahead


def record_details(profile: LearnerProfile, period: Period) -> StudyRecord:
    """One learner's record with course, mock and session lists and three ranks (16 queries)."""
    record = study_records(LearnerProfile.objects.filter(pk=profile.pk), period)[0]
    uid = profile.user_id
    record.courses = list(
        Enrolment.objects.filter(learner_id=uid, enrolled_at__lt=period.until)
        .select_related("course")
        .order_by("enrolled_at")
    )
    record.attempts = list(
        Attempt.objects.filter(
            period.q("finished_at"), learner_id=uid, state=Attempt.State.FINISHED
        )
        .select_related("paper")
        .order_by("finished_at")
    )
    record.sessions = list(
        SessionEnrolment.objects.filter(period.q("attended_at"), learner_id=uid)
        .select_related("session")
        .order_by("attended_at")
    )
    ancestors = {node.kind: node for node in profile.organisation.get_ancestors()}
    ancestors[profile.organisation.kind] = profile.organisation
    for kind in (Organisation.Kind.COMMUNITY, Organisation.Kind.STREET, Organisation.Kind.COUNTY):
        if kind in ancestors:
            record.ranks[str(kind.label)] = rank_in(ancestors[kind], record.points, period)
    return record
