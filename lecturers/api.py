"""JSON API of the lecturer pool and offline sessions (API.md: lecturers, trainings)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from wagtail.rich_text import expand_db_html

from learning.platform.ids import Id
from learning.platform.pagination import Pages
from lecturers import selectors, services
from lecturers.models import PHOTO_CARD, PHOTO_DETAIL, LecturerPage, TrainingSession

router = Router(tags=["lecturers"])


def photo_url(lecturer: LecturerPage, context, spec: str) -> str | None:
    if lecturer.photo is None:
        return None
    return context["request"].build_absolute_uri(lecturer.photo.get_rendition(spec).url)


class LecturerOut(Schema):
    """A lecturer; ``title`` is the position (职务/职称), ``name`` the page title."""

    id: int
    name: str
    type: str
    type_label: str
    title: str
    organisation: str
    intro: str
    photo_url: str | None
    expertise: list[str]
    url: str

    @staticmethod
    def resolve_name(obj: LecturerPage) -> str:
        return obj.title

    @staticmethod
    def resolve_type(obj: LecturerPage) -> str:
        return obj.lecturer_type

    @staticmethod
    def resolve_type_label(obj: LecturerPage) -> str:
        return obj.get_lecturer_type_display()

    @staticmethod
    def resolve_title(obj: LecturerPage) -> str:
        return obj.position

    @staticmethod
    def resolve_photo_url(obj: LecturerPage, context) -> str | None:
        return photo_url(obj, context, PHOTO_CARD)

    @staticmethod
    def resolve_expertise(obj: LecturerPage) -> list[str]:
        return obj.expertise_names()

    @staticmethod
    def resolve_url(obj: LecturerPage, context) -> str:
        return obj.get_url(context["request"]) or ""


class TaughtCourseOut(Schema):
    id: int
    title: str
    url: str


class TrainingLecturerOut(Schema):
    id: int
    name: str


class TrainingOut(Schema):
    """An offline session; ``lecturer`` joins the lecturers' names, ``lecturers`` lists them."""

    id: int
    title: str
    kind: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    lecturer: str
    lecturers: list[TrainingLecturerOut]
    capacity: int
    enrolled: int
    my_enrolment: bool
    attended: bool
    description: str

    @staticmethod
    def resolve_kind_label(obj: TrainingSession) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_lecturer(obj: TrainingSession) -> str:
        return obj.lecturer_names()

    @staticmethod
    def resolve_lecturers(obj: TrainingSession) -> list[dict]:
        return [{"id": page.pk, "name": page.title} for page in obj.lecturers.all()]

    @staticmethod
    def resolve_enrolled(obj: TrainingSession) -> int:
        return obj.enrolled_count

    @staticmethod
    def resolve_my_enrolment(obj: TrainingSession) -> bool:
        return getattr(obj, "my_enrolment", False)

    @staticmethod
    def resolve_attended(obj: TrainingSession) -> bool:
        return getattr(obj, "attended", False)


class LecturerDetailOut(LecturerOut):
    bio: str
    courses: list[TaughtCourseOut]
    upcoming_sessions: list[TrainingOut]

    @staticmethod
    def resolve_photo_url(obj: LecturerPage, context) -> str | None:
        return photo_url(obj, context, PHOTO_DETAIL)

    @staticmethod
    def resolve_bio(obj: LecturerPage) -> str:
        return expand_db_html(obj.bio)

    @staticmethod
    def resolve_courses(obj: LecturerPage) -> list[dict]:
        return selectors.courses_taught(obj)


class TrainingEnrolOut(Schema):
    enrolled: bool
    enrolled_count: int


class CheckInIn(Schema):
    code: str


class CheckInOut(Schema):
    attended: bool
    points_awarded: int


def _raise(error: services.TrainingError):
    raise HttpError(error.status, error.message) from None


@router.get("/lecturers", response=list[LecturerOut])
@paginate(Pages)
def list_lecturers(request, type: str = "", q: str = "", expertise: str = ""):
    """The lecturer pool; ``type`` is a lecturer type code, ``q`` part of a name."""
    return selectors.live_lecturers(lecturer_type=type, expertise=expertise, q=q[:50])


@router.get("/lecturers/{lecturer_id}", response=LecturerDetailOut)
def lecturer_detail(request, lecturer_id: Id):
    """One lecturer with the biography, courses taught and upcoming sessions."""
    lecturer = selectors.live_lecturers().filter(pk=lecturer_id).first()
    if lecturer is None:
        raise Http404
    lecturer.upcoming_sessions = selectors.sessions_for(request.auth).filter(lecturers=lecturer)
    return lecturer


@router.get("/trainings", response=list[TrainingOut])
@paginate(Pages)
def list_trainings(request, include_past: bool = False):
    """Offline sessions open to me (upcoming unless ``include_past``), with my enrolment."""
    return selectors.sessions_for(request.auth, include_past=include_past)


def _session(training_id: int) -> TrainingSession:
    return get_object_or_404(TrainingSession, pk=training_id)


@router.post("/trainings/{training_id}/enrol", response=TrainingEnrolOut)
def enrol(request, training_id: Id):
    """Take a seat; enrolling again is harmless. 409 when full or already started."""
    session = _session(training_id)
    try:
        services.enrol(session=session, learner=request.auth)
    except services.TrainingError as error:
        _raise(error)
    return {"enrolled": True, "enrolled_count": session.enrolments.count()}


@router.post("/trainings/{training_id}/cancel", response=TrainingEnrolOut)
def cancel(request, training_id: Id):
    """Give the seat back (before the session starts)."""
    session = _session(training_id)
    try:
        services.cancel_enrolment(session=session, learner=request.auth)
    except services.TrainingError as error:
        _raise(error)
    return {"enrolled": False, "enrolled_count": session.enrolments.count()}


@router.post("/trainings/{training_id}/check-in", response=CheckInOut)
def check_in(request, training_id: Id, payload: CheckInIn):
    """Check in with the code shown at the session: 400 wrong code, 409 outside its time."""
    session = _session(training_id)
    try:
        result = services.check_in(session=session, learner=request.auth, code=payload.code)
    except services.TrainingError as error:
        _raise(error)
    return {"attended": True, "points_awarded": result.points_awarded}
