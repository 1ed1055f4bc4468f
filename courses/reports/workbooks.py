"""The reports as xlsx (openpyxl): the same tables the pages show, one sheet each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from learning.accounts.phone import mask_phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: (sheet title, header row, rows)
Sheet = tuple[str, Sequence[str], Iterable[Sequence]]


def phone_for(phone: str, *, full: bool) -> str:
    """The number as an export may show it: in full only with ``learning.export_phone_numbers``."""
    return phone if full else mask_phone(phone)


def build(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(value) for value in row])
        for index, header in enumerate(headers):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = max(10, 2 * len(str(header)) + 4)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "as_tuple"):  # Decimal: a number in the sheet, not text
        return float(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value


def response(sheets: list[Sheet], filename: str) -> HttpResponse:
    reply = HttpResponse(build(sheets), content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")
