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
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from courses.demo.content import COURSES
from courses.demo.quizzes import QUIZZES
from courses.models import CourseLecturer, CoursePage, LessonPage, TrackCourse, TrainingTrack
from courses.study import services
from exams.bank.services import create_question
from exams.models import Question, QuestionBank, QuestionType
from learning.models import Organisation, User
from learning.site.home_page import ensure_home_page
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
    _tracks(index)
    if stdout is not None:
        stdout.write(
            _("课程 %(courses)s 门（新建 %(created)s 门）")
            % {"courses": CoursePage.objects.count(), "created": created}
        )


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


#: The bank the courses' own knowledge-check questions are kept in (practice, not exams).
QUIZ_BANK = "课程随堂测验题"


def _check_questions(subject: str, key: str) -> list[Question]:
    """The course's own quiz questions (:mod:`courses.demo.quizzes`), created once."""
    root = QuestionBank.objects.filter(name=QUIZ_BANK, depth=1).first()
    if root is None:
        root = QuestionBank.add_root(name=QUIZ_BANK, description="示例课程随堂测验所用的题目")
    questions = []
    for stem, options, explanation, basis, chapter in QUIZZES.get(key, []):
        html = f"<p>{stem}</p>"
        question = Question.objects.filter(bank=root, stem=html).first()
        if question is None:
            question = create_question(
                bank=root,
                type=QuestionType.SINGLE,
                stem=html,
                options=options,
                explanation=f"<p>{explanation}</p><p>依据：{basis}</p>",
                subject=subject,
                level="junior",
                chapter=chapter,
                source=basis,
                difficulty=2,
            )
        questions.append(question)
    return questions


#: The programme's 分级分层: (name, description, post types, grades, exam levels, course slugs).
TRACKS = [
    (
        "正职：社区书记、主任履职培训",
        "面向社区党组织书记、居委会主任，侧重基层治理、党建引领和依法履职。",
        ["head"],
        (None, None),
        [],
        ["jiceng-zhili-lilun", "shequ-dangwu-shiwu", "wangge-zhili", "fagui-zhengce-bizhi"],
    ),
    (
        "副职：社区治理骨干培训",
        "面向社区副书记、副主任，侧重网格治理、志愿服务和矛盾调解。",
        ["deputy"],
        (None, None),
        [],
        ["shequ-dangwu-shiwu", "wangge-zhili", "zhiyuan-fuwu-zuzhi", "linli-jiufen-tiaojie"],
    ),
    (
        "一般工作人员：初级社工备考",
        "报考助理社会工作师的社区工作者：先学价值伦理，再学实务方法。",
        ["staff"],
        (None, None),
        ["junior"],
        ["shegong-jiazhi-lunli", "linli-jiufen-tiaojie", "zhiyuan-fuwu-zuzhi"],
    ),
    (
        "一般工作人员：中级社工备考",
        "报考社会工作师的社区工作者：法规政策与专门领域实务。",
        ["staff"],
        (None, None),
        ["intermediate"],
        ["fagui-zhengce-bizhi", "dujv-laoren-guanai", "shegong-jiazhi-lunli"],
    ),
    (
        "新入职人员基础培训（1—6 级）",
        "等级 1—6 级、暂不报考的社区工作者：基层治理和日常工作的基本功。",
        [],
        (1, 6),
        ["none"],
        ["jiceng-zhili-lilun", "wangge-zhili", "linli-jiufen-tiaojie"],
    ),
]


def _tracks(index) -> None:
    """The demo's training tracks, made once (found by name)."""
    courses = {course.slug: course for course in CoursePage.objects.child_of(index)}
    for order, (name, description, posts, grades, levels, slugs) in enumerate(TRACKS):
        if TrainingTrack.objects.filter(name=name).exists():
            continue
        track = TrainingTrack(
            name=name,
            description=description,
            post_types=posts,
            grade_min=grades[0],
            grade_max=grades[1],
            exam_levels=levels,
            sort_order=order,
        )
        track.track_courses = [
            TrackCourse(course=courses[slug], sort_order=n)
            for n, slug in enumerate(slugs)
            if slug in courses
        ]
        track.save()


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
            services.complete_lesson(learner=learner, lesson=lesson, require_activities=False)
        for lesson in LessonPage.objects.child_of(courses["linli-jiufen-tiaojie"])[:2]:
            services.complete_lesson(learner=learner, lesson=lesson, require_activities=False)
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
            services.complete_lesson(learner=colleague, lesson=lesson, require_activities=False)
