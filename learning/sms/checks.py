"""System checks for the SMS settings: a gateway without an address or key fails at deploy."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def sms_http_backend_is_configured(app_configs, **kwargs):
    if getattr(settings, "SMS_BACKEND", "") != "http":
        return []
    missing = [name for name in ("SMS_HTTP_URL", "SMS_HTTP_KEY") if not getattr(settings, name, "")]
    if not missing:
        return []
    return [
        checks.Error(
            f"SMS_BACKEND is 'http' but {', '.join(missing)} is not set.",
            hint="Set them in the environment, or choose another SMS_BACKEND.",
            id="learning.E101",
        )
    ]


@checks.register(checks.Tags.security)
def sms_webhook_secret_is_set(app_configs, **kwargs):
    """Receipts and replies only come from a real gateway, so only the http backend needs it."""
    if getattr(settings, "SMS_BACKEND", "") != "http" or getattr(
        settings, "SMS_WEBHOOK_SECRET", ""
    ):
        return []
    return [
        checks.Warning(
            "SMS_WEBHOOK_SECRET is not set: the SMS webhooks refuse every request (403).",
            id="learning.W101",
        )
    ]


#: backend -> the settings it cannot work without
PROVIDER_SETTINGS = {
    "aliyun": ("ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET", "SMS_SIGN_NAME"),
    "tencent": (
        "TENCENT_SECRET_ID",
        "TENCENT_SECRET_KEY",
        "TENCENT_SMS_SDK_APP_ID",
        "SMS_SIGN_NAME",
    ),
}


@checks.register(checks.Tags.compatibility)
def sms_provider_is_configured(app_configs, **kwargs):
    """A provider backend without its credentials, or with kinds it has no template for."""
    backend = getattr(settings, "SMS_BACKEND", "")
    if backend not in PROVIDER_SETTINGS:
        return []
    problems = []
    missing = [name for name in PROVIDER_SETTINGS[backend] if not getattr(settings, name, "")]
    if missing:
        problems.append(
            checks.Error(
                f"SMS_BACKEND is '{backend}' but {', '.join(missing)} is not set.",
                hint="Set them in the environment (docs/deploy.md, 短信服务商).",
                id="learning.E102",
            )
        )
    from django.db import DatabaseError

    from learning.sms.templates import missing_codes

    try:
        kinds = missing_codes(backend)
    except DatabaseError:  # before the first migrate
        kinds = []
    if kinds:
        problems.append(
            checks.Warning(
                f"No {backend} template code for: {', '.join(kinds)}; these are not sent.",
                hint="Enter the approved codes in the admin (短信提醒 > 短信模板).",
                id="learning.W102",
            )
        )
    return problems
