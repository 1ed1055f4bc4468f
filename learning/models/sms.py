from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.phone import mask_phone, validate_phone


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")
    SUPPRESSED = "suppressed", _("未发送")


class SuppressReason(models.TextChoices):
    OPTED_OUT = "opted_out", _("已退订")
    DAILY_CAP = "daily_cap", _("超过每日条数上限")
    PREFERENCE = "preference", _("学员已关闭该提醒")


class SmsMessage(models.Model):
    """One text message (短信) to one number, from queueing to the provider's receipt.

    ``key`` is the idempotency key (learner + rule + period for reminders): the unique
    constraint makes a rule evaluated twice or a retried task create one row, and the key is
    sent to the provider so a send repeated after a timeout is not delivered twice.
    """

    #: Statuses in which a message counts towards the learner's daily cap.
    COUNTED = [SmsStatus.QUEUED, SmsStatus.SENDING, SmsStatus.SENT, SmsStatus.DELIVERED]

    phone = models.CharField(_("手机号"), max_length=11, validators=[validate_phone])
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_messages",
    )
    text = models.TextField(_("内容"))
    segments = models.PositiveSmallIntegerField(_("计费条数"), default=1)
    key = models.CharField(_("幂等键"), max_length=200, unique=True)
    kind = models.CharField(_("提醒类型"), max_length=32, blank=True, db_index=True)
    rule = models.ForeignKey(
        "learning.ReminderRule",
        verbose_name=_("提醒规则"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    period = models.CharField(_("周期"), max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=SmsStatus.choices, default=SmsStatus.QUEUED
    )
    reason = models.CharField(
        _("未发送原因"), max_length=16, choices=SuppressReason.choices, blank=True
    )
    #: The local day the message is (or was) due, for the per-learner daily cap.
    send_date = models.DateField(_("发送日期"))
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    provider_message_id = models.CharField(_("服务商消息号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sending_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信记录")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["send_date", "learner"]),
            models.Index(fields=["rule", "period"]),
            models.Index(fields=["provider_message_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.masked_phone} {self.get_status_display()}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SmsOptOut(models.Model):
    """A number that replied T/TD/退订 (or 订阅 again): the latest word wins."""

    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    opted_out = models.BooleanField(_("已退订"), default=True)
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)
    text = models.CharField(_("短信内容"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("短信退订")
        verbose_name_plural = _("短信退订")

    def __str__(self) -> str:
        return mask_phone(self.phone)
