"""Benchmark data of the courses app (`manage.py generate_load_data`, LOAD_DATA_GENERATORS).

Twelve published courses under the catalogue, each with a cover and two lecturers of the
benchmark pool; the first has 30 lessons, the others 5. The bench learner (the first
synthetic learner, see bench/run.py) is enrolled in the big course with 10 lessons done, so
logged-in pages show real progress. Idempotent: pages are found by slug, progress goes
through the app's idempotent services.
"""

from __future__ import annotations

import random
from datetime import timedelta
from io import BytesIO

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from courses.models import (
    Category,
    CourseLecturer,
    CourseLevel,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
)
from courses.study import services
from learning.load_data import PHONE_PREFIX, learners_to_fill
from learning.models import User
from learning.site.home_page import ensure_home_page
from lecturers.models import LecturerPage

SLUG_PREFIX = "bench-course-"
COURSES = 12
BIG_COURSE_LESSONS = 30
LESSONS = 5
DONE_LESSONS = 10
COVER_TITLE = "压测课程封面"


def generate(*, learners: int, seed: int, stdout=None, **options) -> None:
    index = services.ensure_course_index(home=ensure_home_page())
    lecturers = list(LecturerPage.objects.filter(slug__startswith="bench-lecturer-").order_by("pk"))
    cover = _cover()
    categories = Category.values
    created = 0
    for number in range(COURSES):
        slug = f"{SLUG_PREFIX}{number:02d}"
        if CoursePage.objects.child_of(index).filter(slug=slug).exists():
            continue
        course = CoursePage(
            title=f"压测课程 {number + 1:02d}：社区治理实务",
            slug=slug,
            category=categories[number % len(categories)],
            level=CourseLevel.GENERAL,
            subject="社区治理",
            summary="基准测试用课程：案例教学，随学随练。",
            objectives="掌握基本方法\n能处理常见问题",
            estimated_hours=2,
            cover=cover,
        )
        if lecturers:
            course.course_lecturers = [
                CourseLecturer(
                    lecturer=lecturers[(number + step) % len(lecturers)], sort_order=step
                )
                for step in range(2)
            ]
        _publish(index, course)
        for lesson in range(BIG_COURSE_LESSONS if number == 0 else LESSONS):
            _publish(
                course,
                LessonPage(
                    title=f"第 {lesson + 1} 课：工作方法与案例",
                    slug=f"lesson-{lesson + 1:02d}",
                    summary="本课要点与案例分析。",
                    duration_minutes=20,
                    body=[
                        ("rich_text", RichText("<p>社区工作者要先倾听，再行动。</p>" * 6)),
                        ("key_points", {"title": "要点", "points": ["倾听", "记录", "回访"]}),
                    ],
                ),
            )
        created += 1
    if stdout is not None:
        stdout.write(
            _("压测课程新增 %(created)s 门（共 %(courses)s 门，第一门 %(lessons)s 课）。")
            % {"created": created, "courses": COURSES, "lessons": BIG_COURSE_LESSONS}
        )
    enrolments, lessons = _study(random.Random(seed + 4), index)  # noqa: S311 - synthetic
    if stdout is not None:
        stdout.write(
            _("合成选课 %(enrolments)s 条、课时完成 %(lessons)s 条。")
            % {"enrolments": enrolments, "lessons": lessons}
        )
    _bench_learner_progress(index)


#: Report-shaped study (issue 9): each synthetic learner enrols in some of the small courses
#: (2 hours each; 5 completed make the 10 required hours) and finishes most of them over the
#: last ``STUDY_DAYS``, so about half the candidates count as trained.
ENROLMENT_CHOICES = [0, 1, 2, 3, 5, 5, 6, 7]
COMPLETE_CHANCE = 0.8
STUDY_DAYS = 120


def _study(rng: random.Random, index) -> tuple[int, int]:
    """Enrolments and lesson completions in courses 2–12 for the learners not yet done.

    Only the small courses: the big one is the bench learner's, and the mark a rerun tops up
    from is an enrolment in a small course (the last learner always gets one).
    """
    small = list(
        CoursePage.objects.child_of(index)
        .filter(slug__startswith=SLUG_PREFIX)
        .exclude(slug=f"{SLUG_PREFIX}00")
        .order_by("slug")
    )
    learners = learners_to_fill(Enrolment.objects.filter(course__in=small))
    if not small or not learners:
        return 0, 0
    lessons = {
        course.pk: list(
            LessonPage.objects.child_of(course).order_by("path").values_list("pk", flat=True)
        )
        for course in small
    }
    now = timezone.now()
    enrolments: list[Enrolment] = []
    completions: list[LessonCompletion] = []
    counts = [0, 0]
    for position, (user_id, _level, _path) in enumerate(learners):
        wanted = max(rng.choice(ENROLMENT_CHOICES), 1 if position == len(learners) - 1 else 0)
        for course in rng.sample(small, wanted):
            enrolled = now - timedelta(seconds=rng.randint(7 * 86400, STUDY_DAYS * 86400))
            ids = lessons[course.pk]
            done = len(ids) if rng.random() < COMPLETE_CHANCE else rng.randint(0, len(ids) - 1)
            moment = enrolled
            for lesson_id in ids[:done]:
                moment = min(now, moment + timedelta(seconds=rng.randint(600, 5 * 86400)))
                completions.append(
                    LessonCompletion(
                        learner_id=user_id, lesson_id=lesson_id, course=course, completed_at=moment
                    )
                )
            enrolments.append(
                Enrolment(
                    learner_id=user_id,
                    course=course,
                    last_lesson_id=ids[done - 1] if done else None,
                    last_visited_at=moment if done else None,
                    completed_at=moment if done == len(ids) else None,
                )
            )
        if len(completions) >= 20_000 or position == len(learners) - 1:
            Enrolment.objects.bulk_create(enrolments, batch_size=5000)
            LessonCompletion.objects.bulk_create(completions, batch_size=5000)
            counts[0] += len(enrolments)
            counts[1] += len(completions)
            enrolments, completions = [], []
    return counts[0], counts[1]


def big_course() -> CoursePage | None:
    return CoursePage.objects.filter(slug=f"{SLUG_PREFIX}00").live().first()


def _publish(parent, page) -> None:
    parent.add_child(instance=page)
    page.save_revision().publish()


def _cover():
    from PIL import Image

    image_model = get_image_model()
    existing = image_model.objects.filter(title=COVER_TITLE).first()
    if existing is not None:
        return existing
    buffer = BytesIO()
    Image.new("RGB", (960, 540), (178, 34, 34)).save(buffer, "PNG")
    return image_model.objects.create(
        title=COVER_TITLE, file=ImageFile(buffer, name="bench-cover.png")
    )


def _bench_learner_progress(index) -> None:
    learner = User.objects.filter(phone__startswith=PHONE_PREFIX).order_by("pk").first()
    course = big_course()
    if learner is None or course is None:
        return
    services.enrol(learner=learner, course=course)
    for lesson in LessonPage.objects.child_of(course).live().order_by("path")[:DONE_LESSONS]:
        services.complete_lesson(learner=learner, lesson=lesson, require_activities=False)
