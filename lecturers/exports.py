"""The xlsx roster (签到表) organisers download for a session."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from learning.accounts.phone import mask_phone
from lecturers.models import Enrolment, TrainingSession


def headers() -> list[str]:
    return [_("姓名"), _("手机号"), _("社区"), _("报名时间"), _("签到时间"), _("是否签到")]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def roster_workbook(
    *, session: TrainingSession, enrolments: list[Enrolment], full_phones: bool
) -> bytes:
    """One sheet, one row per enrolment; phones are masked unless ``full_phones``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("签到表")
    sheet.append([session.title])
    sheet.append([f"{_local(session.starts_at)} {session.venue}"])
    sheet.append(headers())
    for enrolment in enrolments:
        learner = enrolment.learner
        profile = getattr(learner, "profile", None)
        sheet.append(
            [
                learner.name,
                learner.phone if full_phones else mask_phone(learner.phone),
                profile.organisation.name if profile else "",
                _local(enrolment.created_at),
                _local(enrolment.attended_at),
                _("是") if enrolment.attended_at else _("否"),
            ]
        )
    for column, width in zip("ABCDEF", (12, 16, 18, 18, 18, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
