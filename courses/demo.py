"""Demo content of the courses app: the catalogue at ``/courses/`` with eight courses across
every category, case studies, a drill and knowledge checks from the demo question bank, cover
images drawn with Pillow, and demo learners enrolled with some progress.

Runs after the lecturer pool's and the question bank's loaders (it links their lecturers and
questions when they are there). Idempotent: pages are found by slug, everything else goes
through the app's idempotent services.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from courses import services
from courses.demo_content import COURSES
from courses.models import CourseLecturer, CoursePage, LessonPage
from exams.models import Question, QuestionType
from learning.models import Organisation, User
from learning.sites import ensure_home_page
from lecturers.models import LecturerPage

DEMO_LEARNER_PHONE = "13800000001"
ORGANISER_PHONE = "13800000002"
LECTURER_PHONE = "13800000003"

#: Fonts tried for the cover's caption; covers are drawn without text if none is installed.
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


def load(*, stdout=None) -> None:
    index = services.ensure_course_index(home=ensure_home_page())
    author = User.objects.filter(phone=LECTURER_PHONE).first()
    created = 0
    for spec in COURSES:
        if not CoursePage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            _create_course(index=index, spec=spec, author=author)
            created += 1
    _enrol_demo_learners(index)
    if stdout is not None:
        stdout.write(f"课程 {CoursePage.objects.count()} 门（新建 {created} 门）")


def _create_course(*, index, spec: dict, author: User | None) -> CoursePage:
    # Courses the lecturer account teaches are owned by it, so it can edit them in the admin.
    owner = author if "chen-jing" in spec["lecturers"] else None
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        category=spec["category"],
        level=spec["level"],
        subject=spec["subject"],
        summary=spec["summary"],
        objectives="\n".join(spec["objectives"]),
        estimated_hours=spec["hours"],
        completion_points=spec["points"],
        requires_passing_checks=spec.get("requires_checks", False),
        cover=_cover(spec),
    )
    lecturers = {p.slug: p for p in LecturerPage.objects.filter(slug__in=spec["lecturers"])}
    course.course_lecturers = [
        CourseLecturer(lecturer=lecturers[slug], sort_order=order)
        for order, slug in enumerate(spec["lecturers"])
        if slug in lecturers
    ]
    _publish(parent=index, page=course, owner=owner)
    for lesson in spec["lessons"]:
        page = LessonPage(
            title=lesson["title"],
            slug=lesson["slug"],
            summary=lesson["summary"],
            duration_minutes=lesson["minutes"],
            body=_body(lesson["body"]),
        )
        _publish(parent=course, page=page, owner=owner)
    return course


def _publish(*, parent, page, owner: User | None) -> None:
    page.owner = owner
    parent.add_child(instance=page)
    page.save_revision(user=owner).publish()


def _body(parts) -> list[tuple[str, object]]:
    blocks = []
    for kind, content in parts:
        if kind == "text":
            blocks.append(("rich_text", RichText("".join(f"<p>{p}</p>" for p in content))))
        elif kind == "points":
            blocks.append(("key_points", {"title": "要点", "points": content}))
        elif kind == "case":
            blocks.append(("case_study", {**content, "analysis": RichText(content["analysis"])}))
        elif kind == "drill":
            blocks.append(("drill", content))
        elif kind == "check":
            questions = _check_questions(*content)
            if questions:
                blocks.append(("knowledge_check", {"title": "随堂测验", "questions": questions}))
    return blocks


def _check_questions(subject: str, word: str, count: int = 2) -> list[Question]:
    """Demo bank questions of the subject whose stem mentions ``word`` (else any of it)."""
    candidates = Question.objects.filter(
        parent__isnull=True,
        is_outdated=False,
        subject=subject,
        type__in=[QuestionType.SINGLE, QuestionType.TRUE_FALSE],
    ).order_by("pk")
    return list(candidates.filter(stem__contains=word)[:count]) or list(candidates[:count])


def _cover(spec: dict):
    from PIL import Image, ImageDraw, ImageFont

    title = f"课程封面：{spec['title']}"
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width, height = 960, 540
    red, green, blue = spec["colour"]
    canvas = Image.new("RGB", (width, height), spec["colour"])
    draw = ImageDraw.Draw(canvas)
    for step in range(12):  # soft concentric rings in a lighter shade
        radius = 520 - step * 40
        shade = tuple(min(255, c + 10 + step * 6) for c in (red, green, blue))
        draw.ellipse((width - radius, -radius // 2, width + radius, radius), fill=shade)
    font_path = next((path for path in CJK_FONTS if Path(path).exists()), None)
    if font_path:
        draw.text((56, height - 170), spec["subject"], font=ImageFont.truetype(font_path, 44))
        draw.text((56, height - 110), "社工学堂", font=ImageFont.truetype(font_path, 30))
    buffer = BytesIO()
    canvas.save(buffer, "PNG")
    return image_model.objects.create(
        title=title, file=ImageFile(buffer, name=f"cover-{spec['slug']}.png")
    )


def _enrol_demo_learners(index) -> None:
    courses = {course.slug: course for course in CoursePage.objects.child_of(index)}
    learner = User.objects.filter(phone=DEMO_LEARNER_PHONE).first()
    if learner is not None:
        # The demo learner has finished one course and is half-way through the mediation one.
        for slug in ("wangge-zhili", "linli-jiufen-tiaojie", "shegong-jiazhi-lunli"):
            services.enrol(learner=learner, course=courses[slug])
        for lesson in LessonPage.objects.child_of(courses["wangge-zhili"]):
            services.complete_lesson(learner=learner, lesson=lesson)
        for lesson in LessonPage.objects.child_of(courses["linli-jiufen-tiaojie"])[:2]:
            services.complete_lesson(learner=learner, lesson=lesson)
    organiser = User.objects.filter(phone=ORGANISER_PHONE).first()
    street = Organisation.objects.filter(name="城关镇").first()
    if organiser is None or street is None:
        return
    # The street office enrolled all its community workers in the mediation course.
    course = courses["linli-jiufen-tiaojie"]
    services.enrol_organisation(organisation=street, course=course, by=organiser)
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    colleagues = User.objects.filter(course_enrolments__course=course).order_by("pk")[:24]
    for number, colleague in enumerate(colleagues):
        for lesson in lessons[: number % (len(lessons) + 1)]:
            services.complete_lesson(learner=colleague, lesson=lesson)
