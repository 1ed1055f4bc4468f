"""The xlsx roster (签到表) organisers download for a session."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from learning.phone import mask_phone
from lecturers.models import Enrolment, TrainingSession

HEADERS = ["姓名", "手机号", "社区", "报名时间", "签到时间", "是否签到"]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def roster_workbook(
    *, session: TrainingSession, enrolments: list[Enrolment], full_phones: bool
) -> bytes:
    """One sheet, one row per enrolment; phones are masked unless ``full_phones``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "签到表"
    sheet.append([session.title])
    sheet.append([f"{_local(session.starts_at)} {session.venue}"])
    sheet.append(HEADERS)
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
                "是" if enrolment.attended_at else "否",
            ]
        )
    for column, width in zip("ABCDEF", (12, 16, 18, 18, 18, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
