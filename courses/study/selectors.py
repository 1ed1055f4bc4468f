"""Reads for the catalogue, course and lesson pages, the API and the lecturer hook.

Every listing here runs a fixed number of queries however many courses or lessons there are:
lecturers and cover renditions are prefetched, lesson counts are a subquery, and a learner's
progress is one grouped query per page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page

from courses.models import (
    COVER_CARD,
    COVER_HEADER,
    Category,
    CheckResult,
    CourseIndexPage,
    CourseLecturer,
    CourseLevel,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
)
from exams.models import Option
from learning.platform import page_cache, raw_sql
from learning.platform.ids import parse_id
from lecturers.models import LecturerPage


@dataclass
class Progress:
    """How far a learner is in a course."""

    completed: int
    total: int
    enrolled: bool = False
    finished: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def _lesson_count(course: str = "") -> Subquery:
    """Live lessons under each course; ``course`` is the lookup prefix to the course page."""
    children = (
        Page.objects.filter(
            live=True,
            depth=OuterRef(f"{course}depth") + 1,
            path__startswith=OuterRef(f"{course}path"),
            content_type__model="lessonpage",
            content_type__app_label="courses",
        )
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(children, output_field=IntegerField()), 0)


def courses(
    *,
    index: Page | None = None,
    category: str = "",
    level: str = "",
    lecturer: int | str | None = None,
    q: str = "",
) -> QuerySet[CoursePage]:
    """Live courses with lecturers, cover renditions and ``lesson_count``; filters optional.

    With ``q`` the courses are ordered by relevance (title matches first), otherwise in the
    catalogue's order.
    """
    queryset = CoursePage.objects.live()
    if index is not None:
        queryset = queryset.child_of(index)
    if category in Category.values:
        queryset = queryset.filter(category=category)
    if level in CourseLevel.values:
        queryset = queryset.filter(level=level)
    lecturer_id = parse_id(str(lecturer or ""))
    if lecturer_id is not None:
        queryset = queryset.filter(course_lecturers__lecturer_id=lecturer_id)
    queryset = queryset.select_related("cover").prefetch_related(
        Prefetch(
            "course_lecturers",
            queryset=CourseLecturer.objects.select_related("lecturer").order_by("sort_order"),
        ),
        Prefetch("cover", queryset=get_image_model().objects.prefetch_renditions(COVER_CARD)),
    )
    queryset = queryset.annotate(lesson_count=_lesson_count())
    if q.strip():
        from courses.search.selectors import ranked_ids

        ids = ranked_ids(queryset, q)
        return _in_order(queryset.filter(pk__in=ids), ids)
    return queryset.order_by("path")


def _in_order(queryset: QuerySet, ids: list[int]) -> QuerySet:
    if not ids:
        return queryset.none()
    return queryset.order_by(Case(*[When(pk=pk, then=pos) for pos, pk in enumerate(ids)]))


def progress_for(user, course_ids: Iterable[int], totals: Mapping[int, int]) -> dict[int, Progress]:
    """Progress of ``user`` in each course (one query), for display next to a listing."""
    course_ids = list(course_ids)
    if not getattr(user, "is_authenticated", False) or not course_ids:
        return {pk: Progress(completed=0, total=totals.get(pk, 0)) for pk in course_ids}
    done: dict[int, int] = {}
    enrolments: dict[int, bool] = {}
    with connection.cursor() as cursor:
        cursor.execute(_progress_sql(len(course_ids)), [user.pk, *course_ids, user.pk, *course_ids])
        for course_id, enrolment, value in cursor.fetchall():
            if enrolment:
                enrolments[course_id] = bool(value)
            else:
                done[course_id] = value
    return {
        pk: Progress(
            completed=done.get(pk, 0),
            total=totals.get(pk, 0),
            enrolled=pk in enrolments,
            finished=enrolments.get(pk, False),
        )
        for pk in course_ids
    }


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "courses: progress in 12 listed
# courses"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.740 / 0.114 (15.3x);
# PostgreSQL 2.345 / 0.201 (11.7x).
@functools.lru_cache(maxsize=128)
def _progress_sql(courses: int) -> str:
    """Rows ``(course, 1, finished)`` of the learner's enrolments and ``(course, 0, lessons)``
    of their completed live lessons, for ``courses`` course ids.

    Hand-written (``learning.platform.raw_sql``): every course listing of a logged-in learner runs it,
    and compiling the two querysets it replaces cost more than the reads themselves.
    """
    col = raw_sql.column
    enrolment, completion = Enrolment, LessonCompletion
    ids = ", ".join(["%s"] * courses)
    return (
        f"SELECT e.{col(enrolment, 'course')}, 1, "  # noqa: S608 - names and placeholders
        f"CASE WHEN e.{col(enrolment, 'completed_at')} IS NULL THEN 0 ELSE 1 END "
        f"FROM {raw_sql.table(enrolment)} e WHERE e.{col(enrolment, 'learner')} = %s "
        f"AND e.{col(enrolment, 'course')} IN ({ids}) "
        f"UNION ALL SELECT c.{col(completion, 'course')}, 0, COUNT(*) "
        f"FROM {raw_sql.table(completion)} c "
        f"JOIN {raw_sql.table(Page)} p ON p.{col(Page, 'id')} = c.{col(completion, 'lesson')} "
        f"WHERE c.{col(completion, 'learner')} = %s AND c.{col(completion, 'course')} IN ({ids}) "
        f"AND p.{col(Page, 'live')} GROUP BY c.{col(completion, 'course')}"
    )


def catalogue_context(*, index: CourseIndexPage, request) -> dict:
    params = request.GET
    category = params.get("category", "")
    level = params.get("level", "")
    lecturer = params.get("lecturer", "")
    q = params.get("q", "").strip()[:100]
    page = Paginator(
        courses(index=index, category=category, level=level, lecturer=lecturer, q=q),
        index.per_page,
    ).get_page(params.get("page"))
    items = list(page.object_list)
    progress = progress_for(
        request.user, [c.pk for c in items], {c.pk: c.lesson_count for c in items}
    )
    for course in items:
        course.progress = progress[course.pk]
    filters = {"category": category, "level": level, "lecturer": lecturer, "q": q}
    return {
        "courses": items,
        "page_obj": page,
        "filters": filters,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
        "categories": Category.choices,
        "levels": CourseLevel.choices,
        "lecturers": LecturerPage.objects.live()
        .filter(course_links__page__live=True)
        .distinct()
        .order_by("title")
        .only("pk", "title"),
        "continue_learning": continue_learning(request.user),
    }


def lessons_of(course: CoursePage) -> QuerySet[LessonPage]:
    """The course's live lessons in order, without their bodies."""
    return (
        LessonPage.objects.live()
        .child_of(course)
        .order_by("path")
        .defer("body", "search_description")
    )


@dataclass(frozen=True)
class LearnerProgress:
    """What a course or lesson page shows of the learner, read in one query
    (:func:`learner_progress`)."""

    #: Their enrolment in the course, if any.
    enrolment: Enrolment | None = None
    #: The lessons completed: all of the course's, or only the one lesson asked about.
    completed_lesson_ids: frozenset[int] = field(default_factory=frozenset)
    #: The lesson's knowledge-check questions answered right (only when a lesson is asked about).
    passed_question_ids: frozenset[int] = field(default_factory=frozenset)


#: Kinds of row in :func:`learner_progress`'s query.
_ENROLMENT, _COMPLETION, _PASSED_CHECK = 0, 1, 2


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "courses: learner's progress on a
# course / a lesson page"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.074 / 0.121
# (8.9x), 1.597 / 0.113 (14.2x); PostgreSQL 1.328 / 0.220 (6.0x), 2.198 / 0.272 (8.1x).
@functools.cache
def _learner_progress_sql(*, for_lesson: bool) -> str:
    # Hand-written (learning.platform.raw_sql): the learner's pages read these on every view, and the
    # ORM spent longer composing the two or three reads than the database answered them. One
    # UNION of indexed reads; the enrolment's branch comes first so that its columns type the
    # others' NULLs on PostgreSQL.
    col, tbl = raw_sql.column, raw_sql.table
    padding = ", ".join(["NULL"] * len(Enrolment._meta.concrete_fields))
    enrolments = (
        f"SELECT {raw_sql.select_list(Enrolment, 'e')}, {_ENROLMENT}, NULL "  # noqa: S608 - names from the models
        f"FROM {tbl(Enrolment)} e "
        f"WHERE e.{col(Enrolment, 'learner')} = %s AND e.{col(Enrolment, 'course')} = %s"
    )
    completions = (
        f"SELECT {padding}, {_COMPLETION}, c.{col(LessonCompletion, 'lesson')} "  # noqa: S608 - names from the models
        f"FROM {tbl(LessonCompletion)} c WHERE c.{col(LessonCompletion, 'learner')} = %s "
        f"AND c.{col(LessonCompletion, 'lesson' if for_lesson else 'course')} = %s"
    )
    if not for_lesson:
        return f"{enrolments} UNION ALL {completions}"
    checks = (
        f"SELECT {padding}, {_PASSED_CHECK}, r.{col(CheckResult, 'question')} "  # noqa: S608 - names from the models
        f"FROM {tbl(CheckResult)} r WHERE r.{col(CheckResult, 'learner')} = %s "
        f"AND r.{col(CheckResult, 'lesson')} = %s AND r.{col(CheckResult, 'passed')}"
    )
    return f"{enrolments} UNION ALL {completions} UNION ALL {checks}"


def learner_progress(
    user, *, course: CoursePage, lesson: LessonPage | None = None
) -> LearnerProgress:
    """The learner's enrolment in ``course`` and the lessons of it they completed, in one query;
    with ``lesson``, only that lesson's completion, and its knowledge checks passed."""
    if not getattr(user, "is_authenticated", False):
        return LearnerProgress()
    if lesson is None:
        sql, params = _learner_progress_sql(for_lesson=False), [user.pk, course.pk] * 2
    else:
        sql = _learner_progress_sql(for_lesson=True)
        params = [user.pk, course.pk, user.pk, lesson.pk, user.pk, lesson.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    values = {_COMPLETION: set(), _PASSED_CHECK: set()}
    enrolment_rows = []
    for row in rows:
        if row[-2] == _ENROLMENT:
            enrolment_rows.append(row)
        else:
            values[row[-2]].add(row[-1])
    enrolments = raw_sql.rows_to_instances(Enrolment, enrolment_rows)
    return LearnerProgress(
        enrolment=enrolments[0] if enrolments else None,
        completed_lesson_ids=frozenset(values[_COMPLETION]),
        passed_question_ids=frozenset(values[_PASSED_CHECK]),
    )


@dataclass
class LessonRow:
    """A lesson as its course page lists it, with the learner's own completion mark."""

    pk: int
    title: str
    url: str
    duration_minutes: int
    duration_label: str
    completed: bool = False


@dataclass(frozen=True)
class CourseOutline:
    """What a course page shows everyone alike: its lessons and its cover rendition."""

    lessons: tuple[tuple[int, str, str, int, str], ...]
    cover: dict | None


def course_outline(course: CoursePage, *, request=None) -> CourseOutline:
    """The course's outline, cached per content version (see ``learning.platform.page_cache.shared``):
    learners reopen a course page all day, and its 30 lesson pages need not be loaded for it."""

    def build() -> CourseOutline:
        lessons = tuple(
            (p.pk, p.title, p.url, p.duration_minutes, _("%(m)s 分钟") % {"m": p.duration_minutes})
            for p in lessons_of(course)
        )
        cover = None
        if course.cover_id:
            rendition = course.cover.get_rendition(COVER_HEADER)
            cover = {"url": rendition.url, "width": rendition.width, "height": rendition.height}
        return CourseOutline(lessons=lessons, cover=cover)

    return page_cache.shared("course-outline", build, course.pk, request=request)


def course_context(*, course: CoursePage, user, request=None) -> dict:
    outline = course_outline(course, request=request)
    progress = learner_progress(user, course=course)
    done, enrolment = progress.completed_lesson_ids, progress.enrolment
    lessons = [LessonRow(*row, completed=row[0] in done) for row in outline.lessons]
    resume = _resume_lesson(lessons, enrolment.last_lesson_id if enrolment else None)
    completed = sum(1 for lesson in lessons if lesson.completed)
    cover = outline.cover
    return {
        "lessons": lessons,
        "enrolment": enrolment,
        "resume_lesson": resume,
        "progress": Progress(
            completed=completed,
            total=len(lessons),
            enrolled=enrolment is not None,
            finished=enrolment is not None and enrolment.completed_at is not None,
        ),
        "cover": cover,
    }


def _resume_lesson(lessons: list[LessonRow], last_visited_id: int | None) -> LessonRow | None:
    """Where to continue (继续学习): the last lesson visited, or if that one is finished, the next
    unfinished lesson after it (else the first unfinished one)."""
    start = next((i for i, lesson in enumerate(lessons) if lesson.pk == last_visited_id), None)
    if start is not None:
        following = next((lesson for lesson in lessons[start:] if not lesson.completed), None)
        if following is not None:
            return following
    return next((lesson for lesson in lessons if not lesson.completed), None)


def lesson_context(
    *,
    lesson: LessonPage,
    user,
    course: CoursePage | None = None,
    request=None,
    progress: LearnerProgress | None = None,
):
    """The lesson's course, neighbours and position (from the cached outline) and the
    learner's completion and passed knowledge checks (``progress`` when already read with
    :func:`learner_progress` for this lesson)."""
    if course is None:
        course = CoursePage.objects.get(path=lesson.path[: -LessonPage.steplen])
    siblings = [LessonRow(*row) for row in course_outline(course, request=request).lessons]
    position = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), None)
    previous_lesson = next_lesson = None
    if position is not None:
        previous_lesson = siblings[position - 1] if position > 0 else None
        next_lesson = siblings[position + 1] if position + 1 < len(siblings) else None
    if progress is None:
        progress = learner_progress(user, course=course, lesson=lesson)
    return {
        "course": course,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "lesson_number": (position or 0) + 1,
        "lesson_total": len(siblings),
        "completed": lesson.pk in progress.completed_lesson_ids,
        "passed_question_ids": set(progress.passed_question_ids),
    }


def live_course_of(lesson: LessonPage, *, request=None) -> CoursePage | None:
    """The lesson's course if it is live, else None: Wagtail serves a live page under an
    unpublished parent, and a lesson goes with its course.

    Cached per content version (``learning.platform.page_cache.shared``): publishing, unpublishing,
    moving or deleting the course bumps it, so the next view asks again.
    """
    path = lesson.path[: -LessonPage.steplen]
    return page_cache.shared(
        "live-course",
        lambda: CoursePage.objects.live().filter(path=path).first(),
        path,
        request=request,
    )


def continue_learning(user, limit: int = 3) -> list[Enrolment]:
    """The learner's unfinished courses, most recently studied first, with the lesson to resume."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Enrolment.objects.filter(learner=user, completed_at__isnull=True, course__live=True)
        .select_related("course", "last_lesson")
        .order_by("-last_visited_at", "-enrolled_at")[:limit]
    )


def home_continue_learning(user, limit: int = 3) -> list[Enrolment]:
    """The home panel's unfinished courses with lesson totals and completions (one query)."""
    done = (
        LessonCompletion.objects.filter(
            learner=OuterRef("learner"), course=OuterRef("course"), lesson__live=True
        )
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolments = (
        Enrolment.objects.filter(learner=user, completed_at__isnull=True, course__live=True)
        .select_related("course", "last_lesson")
        .annotate(
            lesson_total=_lesson_count("course__"),
            lessons_done=Coalesce(Subquery(done, output_field=IntegerField()), 0),
        )
        .order_by("-last_visited_at", "-enrolled_at")[:limit]
    )
    for enrolment in enrolments:
        enrolment.progress = Progress(
            completed=enrolment.lessons_done, total=enrolment.lesson_total, enrolled=True
        )
    return list(enrolments)


def options_by_question(question_ids: list[int]) -> dict[int, list[dict]]:
    """Options of these questions as ``{"key", "text"}`` (no correctness), in one query."""
    grouped: dict[int, list[dict]] = {pk: [] for pk in question_ids}
    for option in Option.objects.filter(question_id__in=question_ids).order_by(
        "question_id", "sort_order", "key"
    ):
        grouped[option.question_id].append({"key": option.key, "text": option.text})
    return grouped


def courses_taught(lecturer: LecturerPage) -> list[dict]:
    """The lecturer's live courses for the lecturer pool's ``lecturer_courses`` hook."""
    return [
        {"id": course.pk, "title": course.title, "url": course.url}
        for course in CoursePage.objects.live()
        .filter(course_lecturers__lecturer=lecturer)
        .order_by("path")
        .distinct()
    ]
