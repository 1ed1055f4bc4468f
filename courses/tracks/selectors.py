"""Training tracks (培训方案, the programme's 分级分层): which track a learner follows, how far
they are along it, and how many of each track's learners have finished it.

A learner's track is the most specific one matching their roster entry (岗位类别, 等级,
报考级别): a track naming all three criteria beats one naming two, and so on; among equally
specific tracks the lower ``sort_order`` wins. Every learner has at most one track, so the
organisers' coverage per track adds up to the learners of the scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from courses.models import NOT_SITTING, CoursePage, Enrolment, TrackCourse, TrainingTrack
from courses.reports.coverage import scoped_profiles
from learning.models import LearnerProfile, Organisation, User


def matches(track: TrainingTrack, *, post_type: str, grade: int | None, exam_level: str) -> bool:
    if track.post_types and post_type not in track.post_types:
        return False
    if track.exam_levels and (exam_level or NOT_SITTING) not in track.exam_levels:
        return False
    if track.grade_min is not None and (grade is None or grade < track.grade_min):
        return False
    return not (track.grade_max is not None and (grade is None or grade > track.grade_max))


def specificity(track: TrainingTrack) -> int:
    """How many of the three criteria the track sets."""
    grades = track.grade_min is not None or track.grade_max is not None
    return bool(track.post_types) + grades + bool(track.exam_levels)


def ranked(tracks: list[TrainingTrack]) -> list[TrainingTrack]:
    """Most specific first, then by ``sort_order``: the first match is the learner's track."""
    return sorted(tracks, key=lambda t: (-specificity(t), t.sort_order, t.pk))


def track_of(
    tracks: list[TrainingTrack], *, post_type: str, grade: int | None, exam_level: str
) -> TrainingTrack | None:
    """``tracks`` as given by :func:`ranked`."""
    return next(
        (t for t in tracks if matches(t, post_type=post_type, grade=grade, exam_level=exam_level)),
        None,
    )


def all_tracks() -> list[TrainingTrack]:
    return ranked(list(TrainingTrack.objects.prefetch_related("track_courses__course")))


@dataclass
class LearnerTrack:
    """What the learner's home page shows: their track, its courses and which are done."""

    track: TrainingTrack
    courses: list[tuple[CoursePage, bool]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for _course, completed in self.courses if completed)

    @property
    def total(self) -> int:
        return len(self.courses)

    @property
    def next_course(self) -> CoursePage | None:
        return next((course for course, completed in self.courses if not completed), None)


def learner_track(user: User, profile: LearnerProfile | None) -> LearnerTrack | None:
    """The track meant for ``user`` with their progress (two queries), or None.

    The tracks come with their courses in one query over the track-course links (a track
    without courses has nothing to show), the learner's completions in a second.
    """
    if profile is None:
        return None
    links = list(
        TrackCourse.objects.select_related("track", "course").order_by("track_id", "sort_order")
    )
    courses_of: dict[int, list[CoursePage]] = {}
    tracks: dict[int, TrainingTrack] = {}
    for link in links:
        tracks[link.track_id] = link.track
        if link.course.live:
            courses_of.setdefault(link.track_id, []).append(link.course)
    track = track_of(
        ranked(list(tracks.values())),
        post_type=profile.post_type,
        grade=profile.grade,
        exam_level=profile.exam_level,
    )
    if track is None:
        return None
    courses = courses_of.get(track.pk, [])
    completed = set(
        Enrolment.objects.filter(
            learner=user, course__in=courses, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return LearnerTrack(track, [(course, course.pk in completed) for course in courses])


@dataclass
class TrackRow:
    """One line of the coverage per track; ``track`` None gathers learners of no track."""

    track: TrainingTrack | None
    learners: int = 0
    finished: int = 0

    @property
    def finished_percent(self) -> float | None:
        return round(100 * self.finished / self.learners, 1) if self.learners else None

    @property
    def name(self) -> str:
        return self.track.name if self.track else ""


def coverage_by_track(organisation: Organisation | None) -> list[TrackRow]:
    """Learners of the subtree per track and how many finished every course of it (3 queries).

    Assigning a track is a rule over three fields, done in Python over one row per learner
    (a few hundred thousand tuples at the largest scale, well under a second).
    """
    tracks = all_tracks()
    course_sets = {t.pk: {link.course_id for link in t.track_courses.all()} for t in tracks}
    profiles = scoped_profiles(organisation).values_list(
        "user_id", "post_type", "grade", "exam_level"
    )
    rows = {t.pk: TrackRow(t) for t in tracks}
    rows[None] = TrackRow(None)
    members: dict[int | None, list[int]] = {key: [] for key in rows}
    for user_id, post_type, grade, exam_level in profiles:
        track = track_of(tracks, post_type=post_type, grade=grade, exam_level=exam_level)
        members[track.pk if track else None].append(user_id)
    every_course = set().union(*course_sets.values()) if course_sets else set()
    completed: dict[int, set[int]] = {}
    for learner_id, course_id in Enrolment.objects.filter(
        course_id__in=every_course,
        completed_at__isnull=False,
        learner__profile__in=scoped_profiles(organisation),
    ).values_list("learner_id", "course_id"):
        completed.setdefault(learner_id, set()).add(course_id)
    for key, users in members.items():
        row = rows[key]
        row.learners = len(users)
        wanted = course_sets.get(key)
        if wanted:
            row.finished = sum(1 for user in users if wanted <= completed.get(user, set()))
    return [rows[t.pk] for t in sorted(tracks, key=lambda t: (t.sort_order, t.pk))] + [rows[None]]
