"""JSON API of the lecturer pool and offline sessions (API.md: lecturers, trainings)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from wagtail.rich_text import expand_db_html

from lecturers import selectors, services
from lecturers.models import PHOTO_CARD, PHOTO_DETAIL, LecturerPage, TrainingSession

router = Router(tags=["lecturers"])


class LecturerOut(Schema):
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


class CourseOut(Schema):
    id: int
    title: str
    url: str


class NamedRef(Schema):
    id: int
    name: str


class TrainingOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    lecturer: str
    lecturers: list[NamedRef]
    capacity: int
    enrolled: int
    my_enrolment: bool
    attended: bool
    description: str


class LecturerDetailOut(LecturerOut):
    bio: str
    courses: list[CourseOut]
    upcoming_sessions: list[TrainingOut]


class EnrolOut(Schema):
    enrolled: bool
    enrolled_count: int


class CheckInIn(Schema):
    code: str


class CheckInOut(Schema):
    attended: bool
    points_awarded: int


def _photo_url(request, lecturer: LecturerPage, spec: str) -> str | None:
    if lecturer.photo is None:
        return None
    return request.build_absolute_uri(lecturer.photo.get_rendition(spec).url)


def _lecturer(request, lecturer: LecturerPage, spec: str = PHOTO_CARD) -> dict:
    return {
        "id": lecturer.pk,
        "name": lecturer.title,
        "type": lecturer.lecturer_type,
        "type_label": lecturer.get_lecturer_type_display(),
        "title": lecturer.position,
        "organisation": lecturer.organisation,
        "intro": lecturer.intro,
        "photo_url": _photo_url(request, lecturer, spec),
        "expertise": lecturer.expertise_names(),
        "url": lecturer.get_url(request) or "",
    }


def _training(session: TrainingSession) -> dict:
    lecturers = list(session.lecturers.all())
    return {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue,
        "lecturer": "、".join(lecturer.title for lecturer in lecturers),
        "lecturers": [{"id": lecturer.pk, "name": lecturer.title} for lecturer in lecturers],
        "capacity": session.capacity,
        "enrolled": session.enrolled_count,
        "my_enrolment": getattr(session, "my_enrolment", False),
        "attended": getattr(session, "attended", False),
        "description": session.description,
    }


def _raise(error: services.TrainingError):
    raise HttpError(error.status, error.message) from None


@router.get("/lecturers", response=list[LecturerOut])
@paginate(PageNumberPagination)
def list_lecturers(request, type: str = "", q: str = "", expertise: str = ""):  # noqa: A002
    """The lecturer pool; ``type`` is a lecturer type code, ``q`` part of a name."""
    pages = selectors.lecturers(lecturer_type=type, expertise=expertise, q=q[:50])
    return [_lecturer(request, lecturer) for lecturer in pages]


@router.get("/lecturers/{lecturer_id}", response=LecturerDetailOut)
def lecturer_detail(request, lecturer_id: int):
    """One lecturer with the biography, courses taught and upcoming sessions."""
    lecturer = selectors.lecturers().filter(pk=lecturer_id).first()
    if lecturer is None:
        raise Http404
    sessions = selectors.sessions_for(request.auth).filter(lecturers=lecturer)
    return {
        **_lecturer(request, lecturer, PHOTO_DETAIL),
        "bio": expand_db_html(lecturer.bio),
        "courses": selectors.courses_taught(lecturer),
        "upcoming_sessions": [_training(session) for session in sessions],
    }


@router.get("/trainings", response=list[TrainingOut])
@paginate(PageNumberPagination)
def list_trainings(request, include_past: bool = False):
    """Offline sessions open to me (upcoming unless ``include_past``), with my enrolment."""
    sessions = selectors.sessions_for(request.auth, include_past=include_past)
    return [_training(session) for session in sessions]


def _session(training_id: int) -> TrainingSession:
    return get_object_or_404(TrainingSession, pk=training_id)


@router.post("/trainings/{training_id}/enrol", response=EnrolOut)
def enrol(request, training_id: int):
    """Take a seat; enrolling again is harmless. 409 when full or already started."""
    session = _session(training_id)
    try:
        services.enrol(session=session, learner=request.auth)
    except services.TrainingError as error:
        _raise(error)
    return {"enrolled": True, "enrolled_count": session.enrolments.count()}


@router.post("/trainings/{training_id}/cancel", response=EnrolOut)
def cancel(request, training_id: int):
    """Give the seat back (before the session starts)."""
    session = _session(training_id)
    try:
        services.cancel_enrolment(session=session, learner=request.auth)
    except services.TrainingError as error:
        _raise(error)
    return {"enrolled": False, "enrolled_count": session.enrolments.count()}


@router.post("/trainings/{training_id}/check-in", response=CheckInOut)
def check_in(request, training_id: int, payload: CheckInIn):
    """Check in with the code shown at the session: 400 wrong code, 409 outside its time."""
    session = _session(training_id)
    try:
        result = services.check_in(session=session, learner=request.auth, code=payload.code)
    except services.TrainingError as error:
        _raise(error)
    return {"attended": True, "points_awarded": result.points_awarded}
