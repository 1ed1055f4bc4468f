"""Message texts: the signature, the opt-out line, placeholders and SMS segment counting.

Chinese SMS are counted in characters: up to 70 fit one message; a longer text is split into
parts of 67 (each part carries a header). The signature 【社工学堂】 and the opt-out line
回T退订 are part of what the provider bills, so they are counted too. Verification codes
(log-in, password reset) carry no opt-out line: they are sent only when the learner asks.

Every placeholder has a longest value (carriers also cap each template variable): values
are cut to it, so the longest expansion of a template, shown in the admin, is a real bound.
"""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from learning.models import NoticeKind, ReminderKind

SIGNATURE = "【社工学堂】"
OPT_OUT_LINE = "回T退订"
SINGLE_SEGMENT = 70
MULTI_SEGMENT = 67

#: Every placeholder: its meaning, a typical value (the preview) and its longest value.
PLACEHOLDERS: dict[str, tuple[str, str, int]] = {
    "name": (_("学员姓名"), "李晓梅", 10),
    "days": (_("未学习天数"), "7", 3),
    "paper_title": (_("试卷名称"), "2026年初级社会工作实务模拟卷", 30),
    "paper_time": (_("开放或截止时间"), "11月28日 20:00", 12),
    "exam_date": (_("考试日期"), "2027年6月13日", 11),
    "days_left": (_("距考试天数"), "30", 3),
    "rank": (_("排名"), "12", 6),
    "points": (_("积分"), "86", 6),
    "session_title": (_("培训名称"), "社区治理专题培训", 30),
    "session_time": (_("培训时间"), "明天 09:00", 12),
    "venue": (_("地点"), "城关镇党群服务中心", 30),
    "code": (_("验证码"), "386214", 6),
    "minutes": (_("有效分钟数"), "5", 2),
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
    NoticeKind.CHECKIN_NOTICE: {"name", "session_title", "points"},
    NoticeKind.LOGIN_CODE: {"code", "minutes"},
    NoticeKind.RESET_CODE: {"code", "minutes"},
    ReminderKind.CONTEST: {"name", "paper_title", "paper_time"},
}

#: Kinds sent only because the learner asked for them, at once: no opt-out line, no quiet
#: hours, no daily cap, and a reply T does not stop them.
CODE_KINDS = frozenset({NoticeKind.LOGIN_CODE, NoticeKind.RESET_CODE})

#: The texts every installation starts with (organisers edit them in the admin).
DEFAULT_TEMPLATES: dict[str, str] = {
    ReminderKind.INACTIVITY: "{name}您好，您已{days}天没有学习了，备考贵在坚持，今天抽空学一课吧。",
    ReminderKind.DAILY_PRACTICE: "{name}您好，今天的每日一练已更新，花十分钟做一做，巩固知识点。",
    ReminderKind.PAPER_OPENING: "{name}您好，模拟考试《{paper_title}》将于{paper_time}开放，请按时参加。",
    ReminderKind.PAPER_CLOSING: "{name}您好，模拟考试《{paper_title}》将于{paper_time}截止，您还未参加，请抓紧时间。",
    ReminderKind.SESSION_TOMORROW: "{name}您好，您报名的{session_title}将于{session_time}在{venue}举行，请准时签到。",
    ReminderKind.EXAM_COUNTDOWN: "{name}您好，距{exam_date}考试还有{days_left}天，按计划复习，祝您顺利通过！",
    ReminderKind.WEEKLY_RANK: "{name}您好，上周您获得{points}积分，排名第{rank}位，继续加油！",
    NoticeKind.CHECKIN_NOTICE: "{name}您好，您已在{session_title}签到成功，获得{points}积分，感谢参加！",
    NoticeKind.LOGIN_CODE: "您的登录验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
    NoticeKind.RESET_CODE: "您正在重置社工学堂密码，验证码为{code}，{minutes}分钟内有效，请勿告诉他人。",
    ReminderKind.CONTEST: "{name}您好，您报名的模考大赛《{paper_title}》将于{paper_time}准时开考，请提前登录。",
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


def signature(sign_name: str = "") -> str:
    """The signature as it opens every text: 【社工学堂】, or the approved one configured."""
    return f"【{sign_name or getattr(settings, 'SMS_SIGN_NAME', '') or SIGNATURE[1:-1]}】"


def suffix(kind: str = "") -> str:
    """What closes the text: the opt-out line, except on verification codes."""
    return "" if kind in CODE_KINDS else OPT_OUT_LINE


def compose(body: str, context: dict, *, kind: str = "", sign_name: str = "") -> str:
    """The full text as sent: signature, filled-in body, opt-out line."""
    return f"{signature(sign_name)}{render(body, context).strip()}{suffix(kind)}"


def variables(body: str) -> list[str]:
    """The body's placeholders in order of first appearance (Tencent numbers them so)."""
    names: list[str] = []
    for name in _PLACEHOLDER.findall(body):
        if name not in names:
            names.append(name)
    return names


def template_params(kind: str, context: dict) -> dict[str, str]:
    """The kind's variables from ``context`` as the provider gets them: strings, each cut to
    its longest value (missing ones empty)."""
    names = KIND_PLACEHOLDERS.get(kind, ())
    return {name: str(context.get(name, ""))[: PLACEHOLDERS[name][2]] for name in sorted(names)}


def longest_expansion(body: str, kind: str, *, sign_name: str = "") -> str:
    """The longest text the template can produce: every placeholder at its longest value."""
    longest = {name: "字" * spec[2] for name, spec in PLACEHOLDERS.items()}
    return compose(body, longest, kind=kind, sign_name=sign_name)


def preview(body: str, kind: str, *, sign_name: str = "") -> str:
    """The text with typical values, as a learner would read it."""
    typical = {name: spec[1] for name, spec in PLACEHOLDERS.items()}
    return compose(body, typical, kind=kind, sign_name=sign_name)
