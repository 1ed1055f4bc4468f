from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation
from .profiles import ExamLevel


class ReminderKind(models.TextChoices):
    """The kinds of study reminder (学习提醒) a rule can send."""

    INACTIVITY = "inactivity", _("长时间未学习")
    DAILY_PRACTICE = "daily_practice", _("每日一练")
    PAPER_OPENING = "paper_opening", _("模拟考试即将开放")
    PAPER_CLOSING = "paper_closing", _("模拟考试即将截止")
    SESSION_TOMORROW = "session_tomorrow", _("明日线下培训")
    EXAM_COUNTDOWN = "exam_countdown", _("考试倒计时")
    WEEKLY_RANK = "weekly_rank", _("每周排名")
    CONTEST = "contest", _("模考大赛开考提醒")


class NoticeKind(models.TextChoices):
    """Messages that are not reminders: sent at once when something happens."""

    CHECKIN_NOTICE = "checkin_notice", _("培训签到通知")
    LOGIN_CODE = "login_code", _("登录验证码")
    RESET_CODE = "reset_code", _("重置密码验证码")


#: Every kind of text message, each with its own template.
MESSAGE_KINDS = [*ReminderKind.choices, *NoticeKind.choices]


def default_quiet_start() -> time:
    return time(21, 30)


def default_quiet_end() -> time:
    return time(8, 0)


def validate_countdown_days(value: str) -> None:
    try:
        days = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        days = []
    if not days or any(day < 0 for day in days):
        raise ValidationError(_("请填写以逗号分隔的天数，例如 30,7,1。"))


class MessageTemplate(models.Model):
    """The text of one message kind, with ``{placeholders}``, and its approved provider codes.

    Chinese carriers deliver application texts only as a template approved in advance (模板)
    under an approved signature (签名): the provider is sent the template's code and the
    values of its variables, never free text. ``body`` is what organisers edit and what the
    console, locmem and outbox backends render; the same body, written in each provider's
    variable syntax, is what is submitted for approval, and the code the provider gives back
    is entered here. A kind without a code for the active provider is not sent.

    The signature 【社工学堂】 and the opt-out line 回T退订 are added by the code, so no
    template can leave them out (and both count towards the message's length).
    """

    kind = models.CharField(_("短信类型"), max_length=32, choices=MESSAGE_KINDS, unique=True)
    body = models.TextField(_("短信正文"))
    aliyun_code = models.CharField(
        _("阿里云模板编号"),
        max_length=40,
        blank=True,
        help_text=_("阿里云短信控制台审核通过后的模板 CODE，例如 SMS_123456789。"),
    )
    tencent_code = models.CharField(
        _("腾讯云模板 ID"),
        max_length=40,
        blank=True,
        help_text=_("腾讯云短信控制台审核通过后的正文模板 ID，例如 1234567。"),
    )
    sign_name = models.CharField(
        _("短信签名"),
        max_length=20,
        blank=True,
        help_text=_("已审核通过的签名，不含【】；留空使用部署设置 SMS_SIGN_NAME。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def code_for(self, provider: str) -> str:
        """The approved template code at ``provider`` (``aliyun`` or ``tencent``), or ""."""
        return {"aliyun": self.aliyun_code, "tencent": self.tencent_code}.get(provider, "")


class ReminderRule(models.Model):
    """When to remind whom: a kind, its parameters and the learners it targets.

    No organisations means everyone; several mean any of their subtrees. No exam levels
    means every level. A rule sends at most once per learner and period (a day, a week, a
    countdown step, a paper...), from ``send_time`` local time on.
    """

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("提醒类型"), max_length=32, choices=ReminderKind.choices)
    active = models.BooleanField(_("启用"), default=True)
    priority = models.PositiveSmallIntegerField(
        _("优先级"),
        default=100,
        help_text=_("数字越小越先发送；学员当日条数达到上限时，优先级低的提醒不再发送。"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("面向机构"),
        blank=True,
        help_text=_("包含下级机构；留空表示全部学员。"),
    )
    exam_levels = models.JSONField(
        _("面向报考级别"), default=list, blank=True, help_text=_("留空表示全部级别。")
    )
    send_time = models.TimeField(
        _("发送时间"), default=time(9, 0), help_text=_("当天从这个时间起发送（本地时间）。")
    )
    inactive_days = models.PositiveSmallIntegerField(
        _("未学习天数"), default=7, help_text=_("仅用于“长时间未学习”：连续多少天没有学习记录。")
    )
    countdown_days = models.CharField(
        _("倒计时天数"),
        max_length=50,
        default="30,7,1",
        validators=[validate_countdown_days],
        help_text=_("仅用于“考试倒计时”：考前多少天提醒，以逗号分隔。"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("星期"),
        default=0,
        choices=[
            (0, _("星期一")),
            (1, _("星期二")),
            (2, _("星期三")),
            (3, _("星期四")),
            (4, _("星期五")),
            (5, _("星期六")),
            (6, _("星期日")),
        ],
        help_text=_("仅用于“每周排名”：每周哪一天发送上周排名。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        unknown = set(self.exam_levels or []) - set(ExamLevel.values)
        if unknown:
            raise ValidationError({"exam_levels": _("未知的报考级别。")})

    @property
    def countdown_list(self) -> list[int]:
        return sorted({int(part) for part in self.countdown_days.split(",") if part.strip()})


class ReminderPreference(models.Model):
    """A learner's own reminder settings; learners without a row get the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    enabled = models.BooleanField(_("接收短信提醒"), default=True)
    quiet_start = models.TimeField(_("免打扰开始"), default=default_quiet_start)
    quiet_end = models.TimeField(_("免打扰结束"), default=default_quiet_end)
    #: ``{"<kind>": false}`` for kinds the learner turned off; missing kinds are on.
    kinds = models.JSONField(_("提醒类型"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提醒偏好")
        verbose_name_plural = _("提醒偏好")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return self.enabled and self.kinds.get(kind, True) is not False
