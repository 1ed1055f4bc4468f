"""Benchmark data of the courses app (`manage.py generate_load_data`, LOAD_DATA_GENERATORS).

Twelve published courses under the catalogue, each with a cover and two lecturers of the
benchmark pool; the first has 30 lessons, the others 5. The bench learner (the first
synthetic learner, see bench/run.py) is enrolled in the big course with 10 lessons done, so
logged-in pages show real progress. Idempotent: pages are found by slug, progress goes
through the app's idempotent services.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from courses import services
from courses.models import Category, CourseLecturer, CourseLevel, CoursePage, LessonPage
from learning.load_data import PHONE_PREFIX
from learning.models import User
from learning.sites import ensure_home_page
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
    _bench_learner_progress(index)
    if stdout is not None:
        stdout.write(
            f"压测课程新增 {created} 门（共 {COURSES} 门，第一门 {BIG_COURSE_LESSONS} 课）。"
        )


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
        services.complete_lesson(learner=learner, lesson=lesson)
