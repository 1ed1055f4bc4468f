from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.accounts.phone import mask_phone, validate_phone


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
    #: The template variables (``{"name": "李晓梅", ...}``): what a provider backend sends
    #: with the kind's template code instead of ``text``.
    params = models.JSONField(_("模板变量"), default=dict, blank=True, db_default={})
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
    #: The backend that took the message (``aliyun``, ``tencent``, ``outbox``...).
    provider = models.CharField(_("服务商"), max_length=16, blank=True, db_default="")
    #: The carrier's status code from the delivery receipt (DELIVERED, DELIVRD, MK:0001...).
    carrier_code = models.CharField(_("运营商状态码"), max_length=60, blank=True, db_default="")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sending_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    #: The claim of the worker sending it (state ``sending``): a token only that worker knows
    #: and the moment its lease runs out. A worker killed mid-send leaves the row in
    #: ``sending``; once the lease has expired the sweep takes it back
    #: (:func:`learning.sms.delivery.recover_expired`), and a late answer of the old worker,
    #: whose token no longer matches, changes nothing.
    #: The last try ended without knowing whether the provider took the message (a timeout,
    #: a dead worker): before sending again, the provider is asked (``find_sent``).
    outcome_unknown = models.BooleanField(_("上次结果未知"), default=False, db_default=False)
    claim_token = models.CharField(_("领取令牌"), max_length=32, blank=True, db_default="")
    lease_expires_at = models.DateTimeField(_("领取到期"), null=True, blank=True)
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
            models.Index(fields=["phone", "sent_at"]),
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


class WebhookNonce(models.Model):
    """A nonce (随机串) of a signed SMS webhook request, kept while its timestamp is fresh.

    The unique constraint is what stops a replay: of two requests with one nonce, even
    arriving at the same instant on two web servers, only one insert succeeds. Rows older
    than the accepted clock skew are pruned by a scheduled task; a replay of them is refused
    by its stale timestamp instead.
    """

    nonce = models.CharField(_("随机串"), max_length=100, unique=True)
    #: The request's signed ``X-Timestamp``.
    signed_at = models.DateTimeField(_("签名时间"), db_index=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)

    class Meta:
        verbose_name = _("回调随机串")
        verbose_name_plural = _("回调随机串")

    def __str__(self) -> str:
        return self.nonce


class SmsProviderAlert(models.Model):
    """The provider refused to send anything (bad credentials, balance used up...): sending
    stopped and waits for an organiser to fix it. Shown on the admin home page until a
    send succeeds again (then ``resolved_at`` is set)."""

    provider = models.CharField(_("服务商"), max_length=16)
    code = models.CharField(_("错误码"), max_length=80)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    first_at = models.DateTimeField(_("首次出现"), default=timezone.now)
    last_at = models.DateTimeField(_("最近出现"), default=timezone.now)
    occurrences = models.PositiveIntegerField(_("次数"), default=1)
    resolved_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信服务告警")
        verbose_name_plural = _("短信服务告警")
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "code"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_sms_alert_per_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.code}"
