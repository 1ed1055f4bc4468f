"""Demo study shaped for the organisers' reports (DEMO_LOADERS, after the courses' loader).

The demo organiser (13800000002, prefecture-wide) should open a dashboard where every figure
means something: in each community some candidates have finished the required hours and some
have not, lessons and practice answers are spread over the last twelve weeks, and some
chapters are clearly harder than others. The roster workers (phones 139…) cannot log in, so
their study is written as rows dated in the past (the points history is
``learning.points.demo``'s, mock exams ``exams.papers.demo``'s); the demo learner's own
story (``courses.demo.catalogue``) is left alone. Idempotent: a second run finds the backdated lessons
and adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage
from exams.bank.versions import current_version, practice_questions
from exams.models import PracticeAnswer, QuestionType
from learning.models import LearnerProfile

ROSTER_PHONES = "139"
WEEKS = 12
#: How a community's candidates split: finished the required hours, part-way, not started.
SHARES = [(0.35, 0.75), (0.15, 0.35)]
MAX_PRACTICE = 60


def load(*, stdout=None) -> None:
    now = timezone.now()
    start = now - timedelta(weeks=WEEKS)
    roster = list(
        LearnerProfile.objects.filter(user__phone__startswith=ROSTER_PHONES)
        .select_related("organisation")
        .order_by("pk")
    )
    if not roster or _loaded(now):
        return
    rng = random.Random(9)  # noqa: S311 - demo data
    lessons, completions = _courses(rng, roster, start, now)
    answers = _practice(rng, roster, start, now)
    if stdout is not None:
        stdout.write(
            _("统计演示：课时完成 %(lessons)s 条、课程完成 %(courses)s 门，练习 %(answers)s 题")
            % {"lessons": lessons, "courses": completions, "answers": answers}
        )


def _loaded(now: datetime) -> bool:
    """Whether a run already wrote its backdated rows (nothing else dates roster study in the
    past: mock exams report their answers to the book as ``EXAM``)."""
    past = now - timedelta(weeks=2)
    roster = {"learner__phone__startswith": ROSTER_PHONES}
    return (
        LessonCompletion.objects.filter(completed_at__lt=past, **roster).exists()
        or PracticeAnswer.objects.filter(answered_at__lt=past, **roster)
        .exclude(mode=PracticeAnswer.Mode.EXAM)
        .exists()
    )


def _moment(rng: random.Random, start: datetime, now: datetime) -> datetime:
    return start + (now - start) * rng.random()


def _courses(
    rng: random.Random, roster: list[LearnerProfile], start: datetime, now: datetime
) -> tuple[int, int]:
    """Each candidate finishes courses up to the required hours, part of them, or nothing, in
    proportions that differ by community; other workers finish one or two for interest."""
    courses = list(CoursePage.objects.live().order_by("path"))
    lessons = {
        course.pk: list(LessonPage.objects.child_of(course).live().order_by("path"))
        for course in courses
    }
    existing = {
        (e.learner_id, e.course_id): e
        for e in Enrolment.objects.filter(learner_id__in=[p.user_id for p in roster])
    }
    keen = {}
    rows: list[LessonCompletion] = []
    finished = 0
    for profile in roster:
        trained_share, partial_share = keen.setdefault(
            profile.organisation_id, [rng.uniform(*bounds) for bounds in SHARES]
        )
        draw = rng.random()
        if profile.exam_level:
            target = (
                12 if draw < trained_share else 4 if draw < trained_share + partial_share else 0
            )
        else:
            target = rng.choice([0, 0, 2, 5])
        hours = 0
        for course in rng.sample(courses, len(courses)):
            if hours >= target:
                break
            enrolment = existing.get((profile.user_id, course.pk)) or Enrolment(
                learner_id=profile.user_id, course=course
            )
            moment = _moment(rng, start, now - timedelta(days=3))
            for lesson in lessons[course.pk]:
                moment = min(now, moment + timedelta(hours=rng.randint(2, 60)))
                rows.append(
                    LessonCompletion(
                        learner_id=profile.user_id,
                        lesson=lesson,
                        course=course,
                        completed_at=moment,
                    )
                )
            enrolment.last_lesson = lessons[course.pk][-1] if lessons[course.pk] else None
            enrolment.last_visited_at = enrolment.completed_at = moment
            enrolment.save()
            hours += course.estimated_hours
            finished += 1
    LessonCompletion.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows), finished


def _practice(
    rng: random.Random, roster: list[LearnerProfile], start: datetime, now: datetime
) -> int:
    """Chapter and daily practice over the twelve weeks; each chapter has its difficulty, so
    the weakest chapters and knowledge points stand out on the dashboard."""
    questions = list(
        practice_questions()
        .filter(type__in=[QuestionType.SINGLE, QuestionType.MULTIPLE])
        .prefetch_related("options")
        .order_by("pk")
    )
    if not questions:
        return 0
    versions = {question.pk: current_version(question).pk for question in questions}
    chapters = sorted({question.chapter for question in questions})
    difficulty = {chapter: rng.uniform(0, 0.35) for chapter in chapters}
    rows: list[PracticeAnswer] = []
    for profile in roster:
        ability = rng.uniform(0.55, 0.95)
        for _n in range(rng.randint(0, MAX_PRACTICE)):
            question = rng.choice(questions)
            keys = [option.key for option in question.options.all()]
            right = [option.key for option in question.options.all() if option.is_correct]
            correct = rng.random() < ability - difficulty[question.chapter]
            wrong = [key for key in keys if key not in right][:1] or right
            moment = _moment(rng, start, now)
            rows.append(
                PracticeAnswer(
                    learner_id=profile.user_id,
                    question=question,
                    version_id=versions[question.pk],
                    mode=rng.choice([PracticeAnswer.Mode.CHAPTER, PracticeAnswer.Mode.DAILY]),
                    answer=right if correct else wrong,
                    correct=correct,
                    local_date=timezone.localtime(moment).date(),
                    answered_at=moment,
                )
            )
    PracticeAnswer.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
