"""Enrolment (报名) and check-in (签到) of offline training sessions.

Seats are counted with the session row locked (``select_for_update``), so parallel
enrolments for the last seat serialise on it and never overbook; the unique
(session, learner) constraint makes a double click harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images.models import AbstractImage
from wagtail.models import Page

from learning.models import NoticeKind, PointAction, User
from learning.points.ledger import award
from learning.sms.delivery import queue
from lecturers import selectors
from lecturers.models import Enrolment, LecturerIndexPage, LecturerPage, TrainingSession


class TrainingError(Exception):
    """A request the session's rules refuse; ``status`` is the matching HTTP status."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SessionFull(TrainingError):
    pass


class NotEligible(TrainingError):
    status = 403


class SessionClosed(TrainingError):
    pass


class WrongCode(TrainingError):
    status = 400


class NotEnrolled(TrainingError):
    status = 403


@dataclass(frozen=True)
class CheckInResult:
    enrolment: Enrolment
    points_awarded: int
    first_time: bool


@transaction.atomic
def enrol(*, session: TrainingSession, learner: User, now: datetime | None = None) -> Enrolment:
    """Give ``learner`` a seat in ``session``; enrolling again returns the existing seat."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    existing = Enrolment.objects.filter(session=session, learner=learner).first()
    if existing is not None:
        return existing
    if session.starts_at <= now:
        raise SessionClosed(_("培训已经开始或结束，不能再报名。"))
    if not selectors.is_eligible(session=session, learner=learner):
        raise NotEligible(_("这场培训不面向您所在的社区。"))
    if Enrolment.objects.filter(session=session).count() >= session.capacity:
        raise SessionFull(_("名额已满。"))
    try:
        with transaction.atomic():
            return Enrolment.objects.create(session=session, learner=learner, created_at=now)
    except IntegrityError:
        # The same learner's parallel request took the seat first; it is theirs.
        return Enrolment.objects.get(session=session, learner=learner)


@transaction.atomic
def cancel_enrolment(
    *, session: TrainingSession, learner: User, now: datetime | None = None
) -> bool:
    """Give the seat back before the session starts; returns whether there was one."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    enrolment = Enrolment.objects.filter(session=session, learner=learner).first()
    if enrolment is None:
        return False
    if session.starts_at <= now:
        raise SessionClosed(_("培训已经开始，不能取消报名。"))
    enrolment.delete()
    return True


def codes_match(given: str, expected: str) -> bool:
    return given.strip().upper() == expected.upper()


@transaction.atomic
def check_in(
    *, session: TrainingSession, learner: User, code: str, now: datetime | None = None
) -> CheckInResult:
    """Record attendance with the code read out at the session, and award its points once.

    Valid from half an hour before the start until the end; the window is checked before
    the code so the code cannot be probed outside it.
    """
    now = now or timezone.now()
    if not session.check_in_open(now):
        raise SessionClosed(_("不在签到时间内（开始前 30 分钟至结束）。"))
    if not codes_match(code, session.check_in_code):
        raise WrongCode(_("签到码不正确。"))
    enrolment = (
        Enrolment.objects.select_for_update().filter(session=session, learner=learner).first()
    )
    if enrolment is None:
        raise NotEnrolled(_("您没有报名这场培训。"))
    first_time = enrolment.attended_at is None
    if first_time:
        enrolment.attended_at = now
        enrolment.save(update_fields=["attended_at"])
    points = award(
        learner=learner,
        action=PointAction.SESSION_ATTENDED,
        key=f"session:{session.pk}",
        note=session.title,
        now=now,
    )
    if first_time:
        # The 培训签到通知 text (its template: learning.sms.text); once per learner and session.
        queue(
            phone=learner.phone,
            key=f"checkin:{session.pk}:{learner.pk}",
            kind=NoticeKind.CHECKIN_NOTICE,
            context={"name": learner.name, "session_title": session.title, "points": points},
            learner=learner,
            now=now,
        )
    return CheckInResult(enrolment=enrolment, points_awarded=points, first_time=first_time)


@transaction.atomic
def ensure_lecturer_index(*, home: Page, title: str | None = None) -> LecturerIndexPage:
    """The directory under the home page at slug ``lecturers`` (``/lecturers/``)."""
    index = LecturerIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=LecturerIndexPage(
                title=title or _("讲师团"),
                slug="lecturers",
                intro=_("党校讲师、业务骨干、优秀社区书记、高校教授和资深社工组成的讲师团。"),
            )
        )
        index.save_revision().publish()
    return index


@transaction.atomic
def save_lecturer(
    *,
    index: LecturerIndexPage,
    name: str,
    lecturer_type: str,
    slug: str,
    position: str = "",
    organisation: str = "",
    intro: str = "",
    bio: str = "",
    expertise: list[str] | None = None,
    photo: AbstractImage | None = None,
    user: User | None = None,
) -> LecturerPage:
    """Create or update (by slug) a published lecturer page; used by imports and the demo."""
    page = LecturerPage.objects.child_of(index).filter(slug=slug).first()
    fields = {
        "title": name,
        "lecturer_type": lecturer_type,
        "position": position,
        "organisation": organisation,
        "intro": intro,
        "bio": bio,
        "photo": photo,
        "user": user,
    }
    if page is None:
        page = index.add_child(instance=LecturerPage(slug=slug, **fields))
    else:
        for field, value in fields.items():
            setattr(page, field, value)
    page.expertise.set(expertise or [])
    page.save_revision().publish()
    page.refresh_from_db()
    return page
