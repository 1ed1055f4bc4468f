"""Text messages (短信): backends, texts and delivery.

``settings.SMS_BACKEND`` names the backend: ``console``, ``locmem`` (tests; messages land in
:data:`outbox`), ``outbox`` (the default: stored in the database and readable in the admin)
or ``http`` (a signed JSON gateway), or a dotted path to a ``BaseSmsBackend`` subclass.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from learning.sms.backends import (
    BACKENDS,
    BaseSmsBackend,
    PermanentSmsError,
    RetryableSmsError,
    SendResult,
    SmsError,
)

#: Messages "sent" by the locmem backend, for tests to inspect (cleared by tests).
outbox: list = []


def get_backend() -> BaseSmsBackend:
    name = getattr(settings, "SMS_BACKEND", "outbox") or "outbox"
    backend_class = BACKENDS.get(name) or import_string(name)
    return backend_class()


__all__ = [
    "BaseSmsBackend",
    "PermanentSmsError",
    "RetryableSmsError",
    "SendResult",
    "SmsError",
    "get_backend",
    "outbox",
]
