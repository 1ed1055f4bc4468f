"""Courses API (API.md): catalogue, course detail, enrolment, lessons and completion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel, Field

from courses.models import COVER_CARD, CoursePage, LessonPage
from courses.study import selectors, services
from courses.study.checks import CheckError, answer_check
from courses.study.drills import DrillError, choose
from learning.platform import page_cache
from learning.platform import ready_json as api_json
from learning.platform.ids import Id
from learning.platform.pagination import PageQuery, window

router = Router(tags=["courses"])


# Built from dicts: plain pydantic models, not ninja Schemas, whose per-field lookup through
# Django's template variables (DjangoGetter) cost more than building the items.
class NamedRef(BaseModel):
    id: int
    name: str


class CourseOut(BaseModel):
    id: int
    title: str
    category: str
    category_label: str
    level: str
    level_label: str
    subject: str
    summary: str
    lecturers: list[NamedRef]
    lesson_count: int
    #: Percentage of the course's lessons the learner has completed (0-100).
    progress: int
    enrolled: bool
    completed: bool
    url: str
    cover_url: str | None


class LessonRef(Schema):
    id: int
    title: str
    duration_minutes: int
    completed: bool


class CourseDetailOut(CourseOut):
    objectives: list[str]
    estimated_hours: float
    requires_passing_checks: bool
    #: The lesson "continue learning" (继续学习) opens.
    resume_lesson_id: int | None
    lessons: list[LessonRef]


class EnrolOut(Schema):
    enrolled: bool


class BlockOut(Schema):
    type: str
    value: Any
    id: str | None = None


class LessonOut(Schema):
    id: int
    title: str
    course_id: int
    summary: str
    duration_minutes: int
    body: list[BlockOut]
    completed: bool
    previous_lesson_id: int | None
    next_lesson_id: int | None


class CompleteOut(Schema):
    completed: bool
    points_awarded: int
    course_completed: bool


class CheckOut(Schema):
    question_id: int
    correct: bool
    correct_answer: list[str] | dict | str
    explanation: str
    feedback: dict[str, str]
    points_awarded: int
    course_completed: bool


class DrillChoiceIn(Schema):
    block_id: str = Field(max_length=64)
    step: int = Field(ge=1, le=100)
    choice: int = Field(ge=0, le=100)


class DrillOut(Schema):
    """The drill as the learner may see it: feedback and the recommended choices only for the
    steps already chosen; ``score`` and ``debrief`` once every step is done."""

    block_id: str
    title: str
    steps: list[dict[str, Any]]
    step_count: int
    answered: int
    finished: bool
    score: int | None = None
    debrief: str | None = None


class CheckAnswerIn(Schema):
    question_id: Id
    answer: list[str] | str


def _lecturers(course: CoursePage) -> list[dict]:
    return [{"id": lecturer.pk, "name": lecturer.title} for lecturer in course.lecturer_pages()]


def _course_item(course: CoursePage, progress: selectors.Progress) -> dict:
    return {**_course_card(course), **_progress_fields(progress)}


def _progress_fields(progress: selectors.Progress) -> dict:
    return {
        "progress": progress.percent,
        "enrolled": progress.enrolled,
        "completed": progress.finished,
    }


def _course_card(course: CoursePage) -> dict:
    """What every learner sees of a course in a listing (no progress)."""
    return {
        "id": course.pk,
        "title": course.title,
        "category": course.category,
        "category_label": course.get_category_display(),
        "level": course.level,
        "level_label": course.get_level_display(),
        "subject": course.subject,
        "summary": course.summary,
        "lecturers": _lecturers(course),
        "lesson_count": course.lesson_count,
        "url": course.url,
        "cover_url": course.cover.get_rendition(COVER_CARD).url if course.cover_id else None,
    }


def _live_course(course_id: int) -> CoursePage:
    course = selectors.courses().filter(pk=course_id).first()
    if course is None:
        raise Http404
    return course


def _live_lesson(lesson_id: int) -> LessonPage:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not CoursePage.objects.live().filter(path=lesson.path[: -LessonPage.steplen]).exists():
        raise Http404
    return lesson


@dataclass(frozen=True)
class _CardJSON:
    """A course card as the catalogue API writes it, cut around the learner's own members
    (``progress``, ``enrolled``, ``completed``): kept per content version, spliced per request."""

    id: int
    lesson_count: int
    head: str
    tail: str

    @classmethod
    def of(cls, course: CoursePage) -> _CardJSON:
        none = selectors.Progress(completed=0, total=0)
        item = CourseOut.model_validate(_course_item(course, none)).model_dump()
        head, tail = api_json.around(item, "progress", "completed")
        return cls(id=course.pk, lesson_count=course.lesson_count, head=head, tail=tail)

    def render(self, progress: selectors.Progress) -> str:
        return f"{self.head}{api_json.members(_progress_fields(progress))}{self.tail}"


class PagedCourseOut(Schema):
    items: list[CourseOut]
    count: int


@router.get("/courses", response=PagedCourseOut)
def list_courses(
    request,
    *,
    category: str = "",
    level: str = "",
    q: str = "",
    pagination: Query[PageQuery],
):
    # Answered as ready JSON (learning.platform.ready_json): the cards as every learner sees them are
    # kept per content version, and only the page's progress (one query) is written anew.
    q = q[:100]
    cards = page_cache.shared(
        "api-course-cards",
        lambda: [_CardJSON.of(c) for c in selectors.courses(category=category, level=level, q=q)],
        category,
        level,
        q,
        request=request,
    )
    shown = window(pagination).of(cards)
    progress = selectors.progress_for(
        request.auth, [c.id for c in shown], {c.id: c.lesson_count for c in shown}
    )
    items = ", ".join(card.render(progress[card.id]) for card in shown)
    return api_json.response(f'{{"items": [{items}], "count": {len(cards)}}}')


@router.get("/courses/{course_id}", response=CourseDetailOut)
def course_detail(request, course_id: Id):
    course = _live_course(course_id)
    context = selectors.course_context(course=course, user=request.auth, request=request)
    item = _course_item(course, context["progress"])
    resume = context["resume_lesson"]
    return {
        **item,
        "objectives": course.objective_list(),
        "estimated_hours": float(course.estimated_hours),
        "requires_passing_checks": course.requires_passing_checks,
        "resume_lesson_id": resume.pk if resume else None,
        "lessons": [
            {
                "id": lesson.pk,
                "title": lesson.title,
                "duration_minutes": lesson.duration_minutes,
                "completed": lesson.completed,
            }
            for lesson in context["lessons"]
        ],
    }


@router.post("/courses/{course_id}/enrol", response=EnrolOut)
def enrol(request, course_id: Id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    services.enrol(learner=request.auth, course=course)
    return {"enrolled": True}


@router.get("/lessons/{lesson_id}", response=LessonOut)
def lesson_detail(request, lesson_id: Id):
    lesson = _live_lesson(lesson_id)
    context = selectors.lesson_context(lesson=lesson, user=request.auth)
    services.record_visit(learner=request.auth, lesson=lesson)
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "course_id": context["course"].pk,
        "summary": lesson.summary,
        "duration_minutes": lesson.duration_minutes,
        "body": lesson.body.stream_block.get_api_representation(lesson.body),
        "completed": context["completed"],
        "previous_lesson_id": context["previous_lesson"].pk if context["previous_lesson"] else None,
        "next_lesson_id": context["next_lesson"].pk if context["next_lesson"] else None,
    }


@router.post("/lessons/{lesson_id}/complete", response=CompleteOut)
def complete_lesson(request, lesson_id: Id):
    lesson = _live_lesson(lesson_id)
    try:
        result = services.complete_lesson(learner=request.auth, lesson=lesson)
    except services.LessonIncomplete as error:
        raise HttpError(409, str(error)) from error
    return {
        "completed": True,
        "points_awarded": result.points_awarded,
        "course_completed": result.course_completed,
    }


@router.post("/lessons/{lesson_id}/check", response=CheckOut)
def check_answer(request, lesson_id: Id, payload: CheckAnswerIn):
    """Answer one knowledge-check question of the lesson; returns the feedback."""
    lesson = _live_lesson(lesson_id)
    try:
        return answer_check(
            learner=request.auth,
            lesson=lesson,
            question_id=payload.question_id,
            answer=payload.answer,
        ).as_dict()
    except CheckError as error:
        raise HttpError(422, str(error)) from error


@router.post("/lessons/{lesson_id}/drill", response=DrillOut)
def drill_choice(request, lesson_id: Id, payload: DrillChoiceIn):
    """Choose at one step of a lesson's drill (模拟演练); returns that step's feedback."""
    lesson = _live_lesson(lesson_id)
    try:
        return choose(
            learner=request.auth,
            lesson=lesson,
            block_id=payload.block_id,
            step=payload.step,
            choice=payload.choice,
        ).as_dict()
    except DrillError as error:
        raise HttpError(422, str(error)) from error
