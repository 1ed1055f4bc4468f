"""Read-side queries of the lecturer pool and training sessions (pages, API, admin)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from taggit.models import Tag
from wagtail import hooks
from wagtail.images import get_image_model

from learning.accounts.selectors import learner_profile
from learning.models import Organisation, User
from lecturers.models import (
    PHOTO_SPECS,
    Enrolment,
    LecturerIndexPage,
    LecturerPage,
    LecturerType,
    TrainingSession,
)

#: Name of the hook through which the courses app lists a lecturer's courses. Each function
#: registered for it takes a ``LecturerPage`` and returns ``[{"id", "title", "url"}, ...]``.
LECTURER_COURSES_HOOK = "lecturer_courses"


def live_lecturers(
    *,
    index: LecturerIndexPage | None = None,
    lecturer_type: str = "",
    expertise: str = "",
    q: str = "",
) -> QuerySet[LecturerPage]:
    """Live lecturers with photo renditions and expertise prefetched: a constant number of
    queries however many lecturers there are."""
    Rendition = get_image_model().get_rendition_model()
    pages = (
        LecturerPage.objects.live()
        .select_related("photo")
        .prefetch_related(
            "tagged_items__tag",
            Prefetch(
                "photo__renditions", queryset=Rendition.objects.filter(filter_spec__in=PHOTO_SPECS)
            ),
        )
        .order_by("path")
    )
    if index is not None:
        pages = pages.child_of(index)
    if lecturer_type:
        pages = pages.filter(lecturer_type=lecturer_type)
    if expertise:
        pages = pages.filter(tagged_items__tag__name=expertise)
    if q.strip():
        pages = pages.filter(title__icontains=q.strip())
    return pages


def expertise_tags() -> QuerySet[Tag]:
    """Expertise tags in use on live lecturer pages, most used first."""
    return (
        Tag.objects.filter(lecturers_lecturerexpertise_items__content_object__live=True)
        .annotate(uses=Count("lecturers_lecturerexpertise_items"))
        .order_by("-uses", "name")
    )


def directory_context(*, index: LecturerIndexPage, params: Mapping[str, str]) -> dict:
    """Template context of the directory: one page of lecturers and the filter choices."""
    lecturer_type = params.get("type", "")
    if lecturer_type not in LecturerType.values:
        lecturer_type = ""
    filters = {
        "type": lecturer_type,
        "expertise": params.get("expertise", "")[:100],
        "q": params.get("q", "")[:50],
    }
    pages = live_lecturers(
        index=index,
        lecturer_type=filters["type"],
        expertise=filters["expertise"],
        q=filters["q"],
    )
    paginator = Paginator(pages, LecturerIndexPage.per_page)
    return {
        "lecturers": paginator.get_page(params.get("page")),
        "lecturer_types": LecturerType.choices,
        "expertise_tags": expertise_tags()[:30],
        "filters": filters,
    }


def courses_taught(lecturer: LecturerPage) -> list[dict]:
    """The lecturer's courses as ``{"id", "title", "url"}``, from the ``lecturer_courses`` hook.

    The courses app references lecturers, so it fills this in; the lecturer pool never
    imports it (DESIGN.md's dependency direction).
    """
    courses: list[dict] = []
    for fn in hooks.get_hooks(LECTURER_COURSES_HOOK):
        courses.extend(fn(lecturer))
    return courses


def upcoming_sessions_of(lecturer: LecturerPage, *, now: datetime | None = None):
    now = now or timezone.now()
    return list(
        lecturer.training_sessions.filter(ends_at__gte=now)
        .with_enrolled_count()
        .order_by("starts_at")[:10]
    )


def learner_organisation(user: User) -> Organisation | None:
    profile = learner_profile(user) if user.is_authenticated else None
    return profile.organisation if profile is not None else None


def is_eligible(*, session: TrainingSession, learner: User) -> bool:
    """Open sessions admit everyone; targeted ones admit learners in a target's subtree."""
    sessions = TrainingSession.objects.filter(pk=session.pk)
    if sessions.eligible_for(None).exists():
        return True
    organisation = learner_organisation(learner)
    return organisation is not None and sessions.eligible_for(organisation).exists()


def sessions_for(
    user: User, *, now: datetime | None = None, include_past: bool = False
) -> QuerySet[TrainingSession]:
    """Sessions shown to ``user``: learners see those open to their community (and any they
    enrolled in); others see all. Annotated with seats taken and the user's own enrolment."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.with_enrolled_count().with_lecturers()
    if not include_past:
        sessions = sessions.filter(ends_at__gte=now)
    if not user.is_authenticated:
        return sessions.order_by("starts_at")
    mine = Enrolment.objects.filter(session=OuterRef("pk"), learner=user)
    sessions = sessions.annotate(
        my_enrolment=Exists(mine), attended=Exists(mine.filter(attended_at__isnull=False))
    )
    organisation = learner_organisation(user)
    if organisation is not None:
        eligible = TrainingSession.objects.eligible_for(organisation).values("pk")
        sessions = sessions.filter(Q(pk__in=eligible) | Q(my_enrolment=True))
    return sessions.order_by("starts_at")


def roster(session: TrainingSession, *, scope: Organisation | None = None) -> QuerySet[Enrolment]:
    """The session's enrolments with learners and communities, limited to an organiser's
    subtree (``None``: everyone)."""
    enrolments = Enrolment.objects.filter(session=session).select_related(
        "learner", "learner__profile__organisation"
    )
    if scope is not None:
        enrolments = enrolments.filter(learner__profile__organisation__path__startswith=scope.path)
    return enrolments.order_by("learner__profile__organisation__path", "created_at")


def attendance_of(user: User, *, limit: int = 10) -> list[Enrolment]:
    """The learner's most recent attended sessions (their training record, 培训记录)."""
    if not user.is_authenticated:
        return []
    return list(
        Enrolment.objects.filter(learner=user, attended_at__isnull=False)
        .select_related("session")
        .order_by("-attended_at")[:limit]
    )


def my_upcoming_sessions(user: User, *, limit: int = 3) -> list[TrainingSession]:
    """Sessions the learner is enrolled in that have not ended, soonest first (one query)."""
    return list(
        TrainingSession.objects.filter(
            enrolments__learner=user, ends_at__gte=timezone.now()
        ).order_by("starts_at")[:limit]
    )
