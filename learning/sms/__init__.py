"""Text messages (短信): backends, texts and delivery.

``settings.SMS_BACKEND`` names the backend: ``console``, ``locmem`` (tests; messages land in
:data:`outbox`), ``outbox`` (the default: stored in the database and readable in the admin),
``http`` (a signed JSON gateway), ``aliyun`` or ``tencent`` (the providers' template sends,
:mod:`learning.sms.aliyun`, :mod:`learning.sms.tencent`), or a dotted path to a
``BaseSmsBackend`` subclass.

A sibling of ``learning.reminders``, not inside it: log-in codes (``learning.accounts.sms_codes``)
send through it too, and ``SMS_BACKEND`` may name a dotted path into this package, so its
paths stay. Inside: ``delivery`` (the queue, retries, quiet hours, caps), the backends
(``backends``, ``aliyun``, ``tencent``), ``text``/``templates`` (what is sent), provider
``callbacks``/``webhooks``/``signing``/``replies`` and ``api`` (the webhook endpoints).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from learning.sms.backends import (
    BACKENDS,
    BaseSmsBackend,
    HaltSmsError,
    PermanentSmsError,
    RetryableSmsError,
    SendResult,
    SmsError,
)

#: Messages "sent" by the locmem backend, for tests to inspect (cleared by tests).
outbox: list = []


def get_backend() -> BaseSmsBackend:
    name = getattr(settings, "SMS_BACKEND", "outbox") or "outbox"
    backend_class = BACKENDS.get(name) or name
    if isinstance(backend_class, str):
        backend_class = import_string(backend_class)
    return backend_class()


__all__ = [
    "BaseSmsBackend",
    "HaltSmsError",
    "PermanentSmsError",
    "RetryableSmsError",
    "SendResult",
    "SmsError",
    "get_backend",
    "outbox",
]
