from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed log-in (a wrong password or text-message code), kept for the throttle's window
    (``learning.accounts.login_throttle``).

    Rows rather than counters: concurrent inserts never lose an update, and one indexed query
    reads the count and the latest failure of each scope (the phone number and address together,
    the address, the phone number). An attempt in progress holds a row too, so parallel attempts
    see each other.
    """

    #: The 11-digit number tried, or empty when what was typed is not a mobile number.
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    #: The client address (IPv6 as its /64), as ``learning.platform.client_address.address_key`` gives it.
    address = models.CharField(_("客户端地址"), max_length=64, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [
            models.Index(fields=["phone", "at"], name="login_failure_phone_at"),
            models.Index(fields=["address", "at"], name="login_failure_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.phone or '-'} {self.address or '-'} {self.at:%Y-%m-%d %H:%M:%S}"
