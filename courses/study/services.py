"""Enrolment and progress: enrol, visit a lesson, complete lessons and courses.

Completion is where points are earned, so it is written to be safe under double clicks and
parallel requests: a lesson is completed once (unique constraint), the learner's enrolment row
is locked while the course's completion is decided, and the points ledger's keys
(``lesson:<id>``, ``course:<id>``) make every award happen at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import (
    CheckResult,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
)
from courses.study.selectors import LearnerProgress
from learning.models import Organisation, PointAction, User
from learning.points.ledger import award


@dataclass
class CompletionResult:
    #: Points for the lesson plus, when this finished the course, the course's points.
    points_awarded: int = 0
    lesson_newly_completed: bool = False
    course_completed: bool = False


def course_of(lesson: LessonPage) -> CoursePage:
    """The course a lesson belongs to (its parent page), in one query."""
    return CoursePage.objects.get(path=lesson.path[: -CoursePage.steplen])


def enrol(*, learner: User, course: CoursePage, by: User | None = None) -> Enrolment:
    """Enrol a learner in a course; enrolling again returns the existing enrolment."""
    enrolment, _created = Enrolment.objects.get_or_create(
        learner=learner, course=course, defaults={"enrolled_by": by}
    )
    if _created:
        _figures_changed()
    return enrolment


def _figures_changed() -> None:
    from courses.reports.snapshot import figures_changed

    figures_changed()


@transaction.atomic
def enrol_organisation(*, organisation: Organisation, course: CoursePage, by: User) -> int:
    """Enrol every active learner of ``organisation`` and all organisations below it.

    Returns how many learners were newly enrolled; those already enrolled are left alone.
    """
    learners = User.objects.filter(
        is_active=True, profile__organisation__path__startswith=organisation.path
    ).exclude(course_enrolments__course=course)
    created = Enrolment.objects.bulk_create(
        [Enrolment(learner=learner, course=course, enrolled_by=by) for learner in learners],
        ignore_conflicts=True,
    )
    if created:
        _figures_changed()
    return len(created)


@transaction.atomic
def enrol_learners(*, learner_ids: list[int], course: CoursePage, by: User) -> int:
    """Enrol chosen learners (an organiser acting on a report); returns how many are new."""
    already = set(
        Enrolment.objects.filter(course=course, learner_id__in=learner_ids).values_list(
            "learner_id", flat=True
        )
    )
    created = Enrolment.objects.bulk_create(
        [
            Enrolment(learner_id=learner_id, course=course, enrolled_by=by)
            for learner_id in learner_ids
            if learner_id not in already
        ],
        ignore_conflicts=True,
    )
    if created:
        _figures_changed()
    return len(created)


#: A learner reloading or revisiting the same lesson within this time is not written again.
VISIT_REFRESH = timedelta(minutes=5)


def record_visit(
    *,
    learner: User,
    lesson: LessonPage,
    course: CoursePage | None = None,
    now: datetime | None = None,
    progress: LearnerProgress | None = None,
) -> bool:
    """Remember the lesson as where the learner left off (继续学习), if they are enrolled.

    Visiting does not enrol: browsing a course is free, only enrolling puts it on the
    learner's list. A revisit of the same lesson within ``VISIT_REFRESH`` writes nothing: the
    place to continue is the same, and a write per page view would cost every view.
    ``progress`` is the learner's progress in the lesson's course as the lesson page has just
    read it (``courses.study.selectors.learner_progress``): its enrolment spares a second read.
    """
    now = now or timezone.now()
    if progress is not None:
        enrolment = progress.enrolment
    else:
        enrolments = Enrolment.objects.filter(learner=learner)
        if course is not None:
            enrolments = enrolments.filter(course=course)
        else:
            enrolments = enrolments.filter(course__path=lesson.path[: -LessonPage.steplen])
        # A read first: on SQLite even an UPDATE that changes nothing takes the database's
        # write lock, and most views are revisits.
        enrolment = enrolments.only("pk", "last_lesson_id", "last_visited_at").first()
    if enrolment is None:
        return False
    visited = enrolment.last_visited_at
    if enrolment.last_lesson_id == lesson.pk and visited and visited >= now - VISIT_REFRESH:
        return False
    return bool(
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_visited_at=now)
    )


class LessonIncomplete(Exception):
    """The lesson's knowledge checks or drills are not done yet (``outstanding`` lists them)."""

    def __init__(self, outstanding):
        self.outstanding = outstanding
        super().__init__(
            _("请先完成本课时的学习活动：%(list)s")
            % {"list": _("；").join(o.label for o in outstanding)}
        )


def complete_lesson(
    *,
    learner: User,
    lesson: LessonPage,
    now: datetime | None = None,
    require_activities: bool = True,
) -> CompletionResult:
    """Mark a lesson complete (enrolling the learner if needed) and finish the course if it was
    the last one. Repeats award nothing.

    Refused with :class:`LessonIncomplete` while the lesson's checks or drills are not done
    (``require_activities=False`` only for generated demo and benchmark histories).
    """
    from courses.study.activities import outstanding_activities

    now = now or timezone.now()
    course = course_of(lesson)
    result = CompletionResult()
    if (
        require_activities
        and not LessonCompletion.objects.filter(learner=learner, lesson=lesson).exists()
    ):
        outstanding = outstanding_activities(learner=learner, lesson=lesson, course=course)
        if outstanding:
            raise LessonIncomplete(outstanding)
    with transaction.atomic():
        enrolment = _locked_enrolment(learner=learner, course=course)
        enrolment.last_lesson = lesson
        enrolment.last_visited_at = now
        enrolment.save(update_fields=["last_lesson", "last_visited_at"])
        _completion, created = LessonCompletion.objects.get_or_create(
            learner=learner, lesson=lesson, defaults={"course": course, "completed_at": now}
        )
        if created:
            result.lesson_newly_completed = True
            _figures_changed()
            result.points_awarded += award(
                learner=learner,
                action=PointAction.LESSON_COMPLETED,
                key=f"lesson:{lesson.pk}",
                note=lesson.title,
                now=now,
            )
        course_points = _complete_course_if_done(enrolment=enrolment, course=course, now=now)
        if course_points is not None:
            result.course_completed = True
            result.points_awarded += course_points
    return result


def recheck_course(*, learner: User, course: CoursePage, now: datetime | None = None) -> int | None:
    """Finish the course if everything it requires is now done (after a knowledge check was
    passed); returns the points awarded, or ``None`` when it is not finished by this call."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = _locked_enrolment(learner=learner, course=course)
        return _complete_course_if_done(enrolment=enrolment, course=course, now=now)


def _locked_enrolment(*, learner: User, course: CoursePage) -> Enrolment:
    # Enrolling first makes the row exist; locking it serialises every completion of this
    # learner in this course, so two parallel "last lesson" requests decide completion once.
    enrolment = enrol(learner=learner, course=course)
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def _complete_course_if_done(
    *, enrolment: Enrolment, course: CoursePage, now: datetime
) -> int | None:
    if enrolment.completed_at is not None:
        return None
    lessons = LessonPage.objects.live().child_of(course)
    lesson_ids = set(lessons.values_list("pk", flat=True))
    if not lesson_ids:
        return None
    done = set(
        LessonCompletion.objects.filter(
            learner=enrolment.learner, lesson_id__in=lesson_ids
        ).values_list("lesson_id", flat=True)
    )
    if lesson_ids - done:
        return None
    if course.requires_passing_checks and not checks_passed(
        learner=enrolment.learner, lessons=list(lessons.only("pk", "body"))
    ):
        return None
    enrolment.completed_at = now
    enrolment.save(update_fields=["completed_at"])
    return award(
        learner=enrolment.learner,
        action=PointAction.COURSE_COMPLETED,
        key=f"course:{course.pk}",
        points=course.completion_points,
        note=course.title,
        now=now,
    )


def checks_passed(*, learner: User, lessons: list[LessonPage]) -> bool:
    """Whether every knowledge-check question of these lessons has been answered right."""
    required = {
        (lesson.pk, question_id)
        for lesson in lessons
        for question_id in lesson.check_question_ids()
    }
    if not required:
        return True
    passed = set(
        CheckResult.objects.filter(
            learner=learner, lesson_id__in=[lesson.pk for lesson in lessons], passed=True
        ).values_list("lesson_id", "question_id")
    )
    return required <= passed


def ensure_course_index(*, home: Page) -> CourseIndexPage:
    """The catalogue under the home page at slug ``courses`` (``/courses/``)."""
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(
                title=_("课程中心"),
                slug="courses",
                intro=_(
                    "政治理论、基础党务、治理服务和社工职业水平考试课程，案例教学，随时随地学习。"
                ),
            )
        )
        index.save_revision().publish()
    return index
