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
