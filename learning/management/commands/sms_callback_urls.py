from __future__ import annotations

from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learning.management.base import TranslatedCommand
from learning.sms.callbacks import callback_token

#: provider -> (console setting, callback kind)
CALLBACKS = {
    "aliyun": [
        (gettext_lazy("状态报告 SmsReport（HTTP批量推送）"), "report"),
        (gettext_lazy("上行短信 SmsUp"), "up"),
    ],
    "tencent": [
        (gettext_lazy("短信下发状态回调"), "status"),
        (gettext_lazy("短信回复回调"), "reply"),
    ],
}


class Command(TranslatedCommand):
    help = gettext_lazy(
        "列出在阿里云、腾讯云短信控制台填写的回调地址（含由 SMS_WEBHOOK_SECRET 生成的密钥）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base", required=True, help=gettext_lazy("站点地址，例如 https://xuetang.example.cn")
        )

    def handle(self, *args, base: str, **options):
        if not callback_token("aliyun"):
            raise CommandError(_("SMS_WEBHOOK_SECRET 未设置：回调地址需要它生成密钥。"))
        for provider, entries in CALLBACKS.items():
            self.stdout.write(provider)
            for label, kind in entries:
                path = reverse(
                    "api:sms_provider_callback",
                    kwargs={"provider": provider, "token": callback_token(provider), "kind": kind},
                )
                self.stdout.write(f"  {label}: {base.rstrip('/')}{path}")
