"""Shared fixtures: the Wagtail site, media in a temporary folder, and factories."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from learning.accounts.organisations import get_or_create_path
from learning.models import LearnerProfile, Organisation, User
from learning.platform import process_memo
from learning.site.home_page import ensure_home_page

PASSWORD = "correct-horse-9"
_phones = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test starts as a fresh process would: empty caches and no active language (a
    request with Accept-Language: en leaves English active on its thread, and a management
    command run later in the same worker would then print English)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    process_memo.clear_all()
    translation.deactivate()
    yield
    translation.deactivate()
    cache.clear()
    process_memo.clear_all()


@pytest.fixture
def home_page(db):
    return ensure_home_page()


@pytest.fixture
def community(db) -> Organisation:
    org, _ = get_or_create_path("清河县", "城关镇", "幸福里社区")
    return org


@pytest.fixture
def make_learner(db, community):
    def make(*, name: str = "张三", organisation: Organisation | None = None, **profile):
        phone = f"137{next(_phones):08d}"
        user = User.objects.create_user(phone=phone, name=name, password=PASSWORD)
        LearnerProfile.objects.create(user=user, organisation=organisation or community, **profile)
        return user

    return make


@pytest.fixture
def learner(make_learner) -> User:
    return make_learner(name="李晓梅", exam_level="junior")


@pytest.fixture
def token_for():
    from learning.accounts.services import issue_token
    from learning.points.ledger import record_daily_login

    def make(user: User) -> dict[str, str]:
        """Headers of a client that has already made today's first request (and so got
        its daily log-in points), so query counts measure the request under test only."""
        record_daily_login(user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user).token}"}

    return make


@pytest.fixture
def sms_outbox():
    """The locmem SMS backend's outbox, emptied before and after the test."""
    from learning import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def reminder_rule(db):
    """Factory for reminder rules that are due at any time of day unless told otherwise."""
    from datetime import time

    from learning.models import ReminderRule

    def make(kind: str, *, organisations=(), **fields):
        fields.setdefault("name", kind)
        fields.setdefault("send_time", time(0, 0))
        rule = ReminderRule.objects.create(kind=kind, **fields)
        rule.organisations.set(organisations)
        return rule

    return make


# --- lecturer pool (lecturers app) ---------------------------------------------------------


@pytest.fixture
def lecturer_index(home_page):
    from lecturers.services import ensure_lecturer_index

    return ensure_lecturer_index(home=home_page)


_lecturer_slugs = itertools.count(1)


@pytest.fixture
def make_lecturer(lecturer_index, django_capture_on_commit_callbacks):
    """A published LecturerPage; ``account=True`` links a new 讲师 user to it.

    Runs what waits for the commit (the photo renditions), as a real request would.
    """
    from lecturers.services import save_lecturer

    def make(*, name: str = "周明", lecturer_type: str = "party_school", account=False, **fields):
        user = None
        if account:
            user = User.objects.create_user(
                phone=f"136{next(_phones):08d}", name=name, password=PASSWORD
            )
        with django_capture_on_commit_callbacks(execute=True):
            return save_lecturer(
                index=lecturer_index,
                name=name,
                lecturer_type=lecturer_type,
                slug=f"lecturer-{next(_lecturer_slugs)}",
                user=user,
                **fields,
            )

    return make


@pytest.fixture
def make_session(db):
    """A TrainingSession starting ``starts_in`` from now (default: tomorrow), 2 hours long."""
    from datetime import timedelta

    from django.utils import timezone

    from lecturers.models import TrainingSession

    def make(*, starts_in=timedelta(days=1), hours: int = 2, capacity: int = 30, **fields):
        starts_at = fields.pop("starts_at", timezone.now() + starts_in)
        fields.setdefault("title", "社区治理专题集训")
        fields.setdefault("kind", TrainingSession.Kind.INTENSIVE)
        fields.setdefault("venue", "清河县委党校报告厅")
        return TrainingSession.objects.create(
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            capacity=capacity,
            **fields,
        )

    return make


@pytest.fixture
def bank(db):
    from exams.models import QuestionBank

    return QuestionBank.add_root(name="测试题库")


@pytest.fixture
def make_question(bank):
    """Create a question: ``make_question("single", options=[("甲", True), ("乙", False)])``."""
    from exams.bank.services import create_question, true_false_options

    def make(kind: str = "single", *, options=None, stem: str = "<p>题干</p>", **fields):
        defaults = {
            "single": [("助人自助", True), ("维护秩序", False), ("管理", False), ("推销", False)],
            "multiple": [("甲", True), ("乙", True), ("丙", True), ("丁", False), ("戊", False)],
            "true_false": true_false_options(True),
        }
        fields.setdefault("explanation", "<p>解析</p>")
        fields.setdefault("bank", bank)
        return create_question(
            type=kind,
            stem=stem,
            options=defaults.get(kind, []) if options is None else options,
            **fields,
        )

    return make


@pytest.fixture
def learner_client(client, learner):
    """A browser session logged in as ``learner`` (session auth, as the exam page uses)."""
    client.force_login(learner)
    return client


# --- courses (courses app) -----------------------------------------------------------------


@pytest.fixture
def course_index(home_page):
    from courses.models import CourseIndexPage

    index = CourseIndexPage.objects.first()
    if index is None:
        index = home_page.add_child(instance=CourseIndexPage(title="课程中心", slug="courses"))
    return index


_course_slugs = itertools.count(1)


def _paragraph(text: str) -> tuple[str, object]:
    from wagtail.rich_text import RichText

    return ("rich_text", RichText(f"<p>{text}</p>"))


@pytest.fixture
def make_course(course_index):
    """A live course with ``lessons`` live lessons (each one paragraph of ``lesson_text``)."""
    from courses.models import Category, CoursePage, LessonPage

    def make(
        title: str = "社区工作方法",
        *,
        lessons: int = 3,
        lesson_text: str = "本课时讲解社区走访。",
        **fields,
    ):
        fields.setdefault("category", Category.PRACTICE)
        course = course_index.add_child(
            instance=CoursePage(title=title, slug=f"course-{next(_course_slugs)}", **fields)
        )
        for number in range(1, lessons + 1):
            course.add_child(
                instance=LessonPage(
                    title=f"{title}（{number}）",
                    slug=f"lesson-{number}",
                    body=[_paragraph(lesson_text)],
                )
            )
        return course

    return make


@pytest.fixture
def make_checked_lesson(make_course, make_question):
    """A course of one lesson whose body ends with a knowledge check of ``questions``
    (default: one single-choice question whose right answer is A)."""
    from courses.models import LessonPage

    def make(*, questions=None, **course_fields):
        questions = questions or [make_question("single")]
        course = make_course(lessons=1, **course_fields)
        lesson = LessonPage.objects.child_of(course).get()
        lesson.body.append(("knowledge_check", {"title": "随堂测验", "questions": questions}))
        lesson.save()
        return lesson

    return make


@pytest.fixture
def make_image(db):
    """A small PNG in Wagtail's image library, drawn with Pillow."""
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    def make(title: str = "封面", size=(640, 360), colour=(179, 38, 30)):
        buffer = BytesIO()
        PILImage.new("RGB", size, colour).save(buffer, "PNG")
        return get_image_model().objects.create(
            title=title, file=ImageFile(buffer, name=f"{title}.png")
        )

    return make
