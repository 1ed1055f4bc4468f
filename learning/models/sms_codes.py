from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.accounts.phone import mask_phone


class SmsCodePurpose(models.TextChoices):
    LOGIN = "login", _("登录")
    RESET = "reset", _("重置密码")


class SmsCode(models.Model):
    """One request for a text-message code (短信验证码) and, for a number with an account,
    the code sent: only its HMAC is stored (``learning.accounts.sms_codes``).

    A request for a number without an account is recorded too (no code, nothing sent), so the
    limits per number and per address, and so the answers, are the same for every number.
    """

    phone = models.CharField(_("手机号"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=8, choices=SmsCodePurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sms_codes",
    )
    #: "<salt>$<HMAC-SHA256 hex>" of the code; empty when no code was sent.
    code_hash = models.CharField(_("验证码摘要"), max_length=100, blank=True)
    #: The requesting client's address (``learning.platform.client_address.address_key``).
    address = models.CharField(_("客户端地址"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    wrong_guesses = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="sms_code_phone_created"),
            models.Index(fields=["address", "created_at"], name="sms_code_address_created"),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class RateLimitLock(models.Model):
    """A row per limited key (a phone number, a client address) for requests of that key to
    queue on (``SELECT ... FOR UPDATE``) while they count and record, so two parallel
    requests cannot both see the last free slot."""

    key = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("限流锁")
        verbose_name_plural = _("限流锁")

    def __str__(self) -> str:
        return self.key
