"""Roster import (花名册导入): learners from the organisers' spreadsheets.

Street offices keep their candidates in Excel with the columns 姓名, 手机号, 县市, 街镇, 社区,
岗位类别, 等级, 报考级别. An import is all or nothing: every row is checked first, and one bad
row refuses the whole file with row numbers and reasons, so a half-imported roster never has
to be untangled. Re-importing a corrected file updates people (matched by phone) instead of
duplicating them.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.accounts.organisations import communities_for
from learning.accounts.phone import normalise_phone
from learning.accounts.xlsx_rows import XlsxError, read_rows
from learning.models import LearnerProfile, Organisation, User
from learning.models.profiles import ExamLevel, PostType
from learning.platform.input_guard import has_control_characters
from learning.platform.raw_sql import custom_plans, insert_rows, update_rows
from learning.points.ledger import move_totals_of
from learning.study_events import announce_figures_changed

COLUMNS = ["姓名", "手机号", "县市", "街镇", "社区", "岗位类别", "等级", "报考级别"]
REQUIRED = ["姓名", "手机号", "县市", "街镇", "社区"]
#: The longest text each column may hold (its model field's length).
_LENGTHS = {
    "姓名": User._meta.get_field("name").max_length,
    **dict.fromkeys(["县市", "街镇", "社区"], Organisation._meta.get_field("name").max_length),
}

_POST_TYPES = {str(label): value for value, label in PostType.choices}
_POST_TYPES.update({"一般": PostType.STAFF, "工作人员": PostType.STAFF})
_LEVELS = {str(label): value for value, label in ExamLevel.choices}
_LEVELS.update({"助理社会工作师": ExamLevel.JUNIOR, "社会工作师": ExamLevel.INTERMEDIATE})


class RosterFileError(Exception):
    """The file cannot be read as a roster at all (format, encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class RosterRow:
    row: int
    name: str
    phone: str
    county: str
    street: str
    community: str
    post_type: str
    grade: int | None
    exam_level: str


@dataclass
class RosterReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(path_or_file, filename: str | None = None) -> list[dict[str, str]]:
    """Rows of an ``.xlsx`` or ``.csv`` file as dicts keyed by the header row."""
    name = filename or str(path_or_file)
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path_or_file)
    if suffix == ".csv":
        return _read_csv(path_or_file)
    raise RosterFileError(_("只支持 .xlsx 或 .csv 文件。"))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_xlsx(source) -> list[dict[str, str]]:
    try:
        rows = read_rows(source)
    except XlsxError as exc:
        raise RosterFileError(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
    return _to_dicts([[_cell(v) for v in row] for row in rows])


def _read_csv(source) -> list[dict[str, str]]:
    raw = source.read() if hasattr(source, "read") else Path(source).read_bytes()
    if isinstance(raw, str):
        text = raw
    else:
        # Excel on Chinese Windows saves CSV as GBK; everything else is UTF-8.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterFileError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"))
    return _to_dicts([[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))])


def _to_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    if not rows:
        raise RosterFileError(_("文件是空的。"))
    header = rows[0]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise RosterFileError(_("缺少必需的列：%(columns)s") % {"columns": "、".join(missing)})
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def parse_rows(records: list[dict[str, str]]) -> tuple[list[RosterRow], list[RowError]]:
    """Check every record; returns the good rows and the errors (row numbers as in Excel)."""
    rows, errors, seen = [], [], {}
    for index, record in enumerate(records, start=2):
        if not any((value or "").strip() for value in record.values()):
            continue  # trailing blank lines are common in exported sheets
        try:
            row = _parse_row(index, record)
        except ValidationError as exc:
            errors.extend(RowError(index, message) for message in exc.messages)
            continue
        if row.phone in seen:
            errors.append(
                RowError(
                    index,
                    _("手机号 %(phone)s 与第 %(other)d 行重复。")
                    % {"phone": row.phone, "other": seen[row.phone]},
                )
            )
            continue
        seen[row.phone] = index
        rows.append(row)
    return rows, errors


def _parse_row(index: int, record: dict[str, str]) -> RosterRow:
    get = lambda column: (record.get(column) or "").strip()  # noqa: E731
    if has_control_characters(list(record.values())):
        # PostgreSQL refuses NUL in text; the other controls are as surely not a name.
        raise ValidationError(_("含有不允许的控制字符（例如 NUL），请删除后再导入。"))
    problems = [_("%(column)s不能为空。") % {"column": c} for c in REQUIRED if not get(c)]
    problems += [
        _("%(column)s太长（最多 %(n)d 个字）。") % {"column": column, "n": length}
        for column, length in _LENGTHS.items()
        if len(get(column)) > length
    ]
    phone = ""
    if get("手机号"):
        try:
            phone = normalise_phone(get("手机号"))
        except ValidationError:
            problems.append(_("手机号“%(phone)s”无效。") % {"phone": get("手机号")})
    post_type = PostType.STAFF
    if get("岗位类别"):
        post_type = _POST_TYPES.get(get("岗位类别"))
        if post_type is None:
            problems.append(
                _("岗位类别“%(value)s”无效，应为正职、副职或一般工作人员。")
                % {"value": get("岗位类别")}
            )
    grade = None
    if get("等级"):
        digits = re.sub(r"[^0-9]", "", get("等级"))
        grade = int(digits) if digits else None
        if grade is None or not 1 <= grade <= 18:
            problems.append(_("等级“%(value)s”无效，应为 1 到 18。") % {"value": get("等级")})
    exam_level = ""
    if get("报考级别"):
        exam_level = _LEVELS.get(get("报考级别"))
        if exam_level is None:
            problems.append(
                _("报考级别“%(value)s”无效，应为初级、中级或高级。") % {"value": get("报考级别")}
            )
    if problems:
        raise ValidationError(problems)
    return RosterRow(
        row=index,
        name=get("姓名"),
        phone=phone,
        county=get("县市"),
        street=get("街镇"),
        community=get("社区"),
        post_type=post_type,
        grade=grade,
        exam_level=exam_level,
    )


def import_roster(records: list[dict[str, str]], *, dry_run: bool = False) -> RosterReport:
    """Validate all records, then create or update every learner in one transaction."""
    rows, errors = parse_rows(records)
    report = RosterReport(rows=len(rows) + len({e.row for e in errors}), dry_run=dry_run)
    if errors:
        report.errors = errors
        return report
    with transaction.atomic(), custom_plans():
        _apply(rows, report)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        announce_figures_changed(sender="roster")  # the dashboard's candidates and organisations
    return report


def _unusable_password() -> str:
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


#: Rows written per batch: each batch costs the same handful of queries (issue 21).
BATCH_SIZE = 1000
_PROFILE_FIELDS = ["organisation_id", "post_type", "grade", "exam_level"]


def _apply(rows: list[RosterRow], report: RosterReport) -> None:
    """Write the learners set-based: the organisations first (``communities_for``), then per
    batch one read of the users and profiles it names and one bulk write of each kind. No
    ``save()`` per row, so no signals: the one effect a profile's save had (points filed
    under the learner's new community) is done here for the batch."""
    communities, report.organisations_created = communities_for(
        {(row.county, row.street, row.community) for row in rows}
    )
    for start in range(0, len(rows), BATCH_SIZE):
        _apply_batch(rows[start : start + BATCH_SIZE], communities, report)


def _apply_batch(rows: list[RosterRow], communities: dict, report: RosterReport) -> None:
    # Plain values, not instances: building 1,000 of each cost more than reading them.
    users = {
        phone: (pk, name)
        for pk, phone, name in User.objects.filter(
            phone__in=[row.phone for row in rows]
        ).values_list("pk", "phone", "name")
    }
    profiles = {
        profile["user_id"]: profile
        for profile in LearnerProfile.objects.filter(
            user_id__in=[pk for pk, _name in users.values()]
        ).values("pk", "user_id", *_PROFILE_FIELDS)
    }
    by_phone = {row.phone: row for row in rows}
    renamed = [
        {"pk": pk, "name": by_phone[phone].name}
        for phone, (pk, name) in users.items()
        if name != by_phone[phone].name
    ]
    new_phones = [row.phone for row in rows if row.phone not in users]
    # Unusable passwords, as create_user without one (learners set theirs by text-message
    # code); make_password(None)'s random suffix cost a third of the import.
    insert_rows(
        User,
        [
            {"phone": phone, "name": by_phone[phone].name, "password": _unusable_password()}
            for phone in new_phones
        ],
    )
    update_rows(User, renamed, ["name"])
    if new_phones:
        users.update(
            (phone, (pk, None))
            for pk, phone in User.objects.filter(phone__in=new_phones).values_list("pk", "phone")
        )
    renamed_ids = {user["pk"] for user in renamed}
    created, changed, moved = [], [], {}
    now = timezone.now()
    for row in rows:
        user_id = users[row.phone][0]
        community = communities[row.county, row.street, row.community]
        values = {
            "organisation_id": community.pk,
            "post_type": row.post_type,
            "grade": row.grade,
            "exam_level": row.exam_level,
        }
        profile = profiles.get(user_id)
        if profile is None:
            created.append({"user_id": user_id, **values})
            continue
        if profile["organisation_id"] != community.pk:
            moved[user_id] = community
        if any(profile[name] != values[name] for name in _PROFILE_FIELDS):
            changed.append({"pk": profile["pk"], **values, "updated_at": now})
        elif user_id not in renamed_ids:
            report.unchanged += 1
            continue
        report.updated += 1
    insert_rows(LearnerProfile, created)
    update_rows(LearnerProfile, changed, [*_PROFILE_FIELDS, "updated_at"])
    move_totals_of(learners=moved)
    report.created += len(created)
