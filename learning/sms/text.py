"""Message texts: the signature, the opt-out line, placeholders and SMS segment counting.

Chinese SMS are counted in characters: up to 70 fit one message; a longer text is split into
parts of 67 (each part carries a header). The signature 【社工学堂】 and the opt-out line
回T退订 are part of what the provider bills, so they are counted too.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext_lazy as _

from learning.models import ReminderKind

SIGNATURE = "【社工学堂】"
OPT_OUT_LINE = "回T退订"
SINGLE_SEGMENT = 70
MULTI_SEGMENT = 67

#: Every placeholder, its meaning and a typical value (for length estimates in the admin).
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "name": (_("学员姓名"), "李晓梅"),
    "days": (_("未学习天数"), "7"),
    "paper_title": (_("试卷名称"), "2026年初级社会工作实务模拟卷"),
    "paper_time": (_("开放或截止时间"), "11月28日 20:00"),
    "exam_date": (_("考试日期"), "2027年6月13日"),
    "days_left": (_("距考试天数"), "30"),
    "rank": (_("排名"), "12"),
    "points": (_("积分"), "86"),
    "session_title": (_("培训名称"), "社区治理专题培训"),
    "session_time": (_("培训时间"), "明天 09:00"),
    "venue": (_("地点"), "城关镇党群服务中心"),
}

#: Which placeholders each kind may use (its data provides them).
KIND_PLACEHOLDERS: dict[str, set[str]] = {
    ReminderKind.INACTIVITY: {"name", "days"},
    ReminderKind.DAILY_PRACTICE: {"name"},
    ReminderKind.PAPER_OPENING: {"name", "paper_title", "paper_time"},
    ReminderKind.PAPER_CLOSING: {"name", "paper_title", "paper_time"},
    ReminderKind.SESSION_TOMORROW: {"name", "session_title", "session_time", "venue"},
    ReminderKind.EXAM_COUNTDOWN: {"name", "exam_date", "days_left"},
    ReminderKind.WEEKLY_RANK: {"name", "rank", "points"},
}

#: The texts every installation starts with (organisers edit them in the admin).
DEFAULT_TEMPLATES: dict[str, str] = {
    ReminderKind.INACTIVITY: "{name}您好，您已{days}天没有学习了，备考贵在坚持，今天抽空学一课吧。",
    ReminderKind.DAILY_PRACTICE: "{name}您好，今天的每日一练已更新，花十分钟做一做，巩固知识点。",
    ReminderKind.PAPER_OPENING: "{name}您好，模拟考试《{paper_title}》将于{paper_time}开放，请按时参加。",
    ReminderKind.PAPER_CLOSING: "{name}您好，模拟考试《{paper_title}》将于{paper_time}截止，您还未参加，请抓紧时间。",
    ReminderKind.SESSION_TOMORROW: "{name}您好，您报名的{session_title}将于{session_time}在{venue}举行，请准时签到。",
    ReminderKind.EXAM_COUNTDOWN: "{name}您好，距{exam_date}考试还有{days_left}天，按计划复习，祝您顺利通过！",
    ReminderKind.WEEKLY_RANK: "{name}您好，上周您获得{points}积分，排名第{rank}位，继续加油！",
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def segment_count(text: str) -> int:
    """How many SMS the provider bills for ``text``: 70 characters, 67 per part beyond."""
    length = len(text)
    if length <= SINGLE_SEGMENT:
        return 1
    return math.ceil(length / MULTI_SEGMENT)


def placeholder_errors(body: str, kind: str) -> list[str]:
    """Problems with a template's placeholders; an empty list means it is usable."""
    errors = []
    allowed = KIND_PLACEHOLDERS.get(kind, set(PLACEHOLDERS))
    for name in _PLACEHOLDER.findall(body):
        if name not in allowed:
            errors.append(
                _("未知占位符 {%(name)s}，可用：%(allowed)s")
                % {"name": name, "allowed": "、".join(f"{{{n}}}" for n in sorted(allowed))}
            )
    if "{" in _PLACEHOLDER.sub("", body) or "}" in _PLACEHOLDER.sub("", body):
        errors.append(_("花括号不成对：占位符请写成 {name} 的形式。"))
    return errors


def render(body: str, context: dict) -> str:
    """The body with its placeholders filled in (unknown ones become empty)."""
    return _PLACEHOLDER.sub(lambda match: str(context.get(match.group(1), "")), body)


def compose(body: str, context: dict) -> str:
    """The full text as sent: signature, filled-in body, opt-out line."""
    return f"{SIGNATURE}{render(body, context).strip()}{OPT_OUT_LINE}"
