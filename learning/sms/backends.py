"""SMS backends, chosen by ``settings.SMS_BACKEND`` the way Django chooses email backends.

Each backend's ``send(message)`` returns a :class:`SendResult` or raises
:class:`RetryableSmsError` (try again later: timeouts, throttling, provider outages) or
:class:`PermanentSmsError` (never going to work: a bad number, rejected content).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import requests
from django.conf import settings

from learning.sms import signing

if TYPE_CHECKING:
    from learning.models import SmsMessage


class SmsError(Exception):
    retryable = False


class RetryableSmsError(SmsError):
    retryable = True


class PermanentSmsError(SmsError):
    retryable = False


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""
    #: True when the backend knows the message arrived (no receipt will follow).
    delivered: bool = False


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> SendResult:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Prints each message (development)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> SendResult:
        self.stream.write(
            f"SMS to {message.masked_phone} [{message.key}] ({message.segments}):\n{message.text}\n"
        )
        self.stream.flush()
        return SendResult(provider_message_id=f"console-{message.pk}", delivered=True)


class LocmemBackend(BaseSmsBackend):
    """Keeps messages in ``learning.sms.outbox`` (tests)."""

    def send(self, message: SmsMessage) -> SendResult:
        from learning import sms

        sms.outbox.append(message)
        return SendResult(provider_message_id=f"locmem-{message.pk}", delivered=True)


class OutboxBackend(BaseSmsBackend):
    """The default: the message row itself is the outbox, read in the Wagtail admin."""

    def send(self, message: SmsMessage) -> SendResult:
        return SendResult(provider_message_id=f"outbox-{message.pk}", delivered=True)


class HttpBackend(BaseSmsBackend):
    """A JSON SMS gateway.

    The request carries the message's idempotency key (in the body and the
    ``Idempotency-Key`` header), so when a send times out and is retried the provider
    recognises the repeat and does not deliver it twice. The raw body is signed with
    ``SMS_HTTP_KEY`` (``X-Signature``). Delivery receipts arrive later on
    ``/api/v1/sms/receipts``.
    """

    #: Provider error codes worth trying again later; any other code is permanent.
    RETRYABLE_CODES = frozenset(
        {"RATE_LIMITED", "THROTTLED", "SYSTEM_BUSY", "TIMEOUT", "INSUFFICIENT_BALANCE"}
    )
    #: Codes meaning the provider already has this idempotency key: the send succeeded.
    DUPLICATE_CODES = frozenset({"DUPLICATE"})
    #: HTTP statuses worth trying again later (besides any 5xx).
    RETRYABLE_STATUSES = frozenset({408, 425, 429})

    def __init__(
        self, url: str | None = None, key: str | None = None, timeout: float | None = None
    ):
        self.url = url or settings.SMS_HTTP_URL
        self.key = key if key is not None else settings.SMS_HTTP_KEY
        self.timeout = timeout or getattr(settings, "SMS_HTTP_TIMEOUT", 5)

    def send(self, message: SmsMessage) -> SendResult:
        if not self.url:
            raise PermanentSmsError("SMS_HTTP_URL is not set")
        body = json.dumps(
            {
                "idempotency_key": message.key,
                "phone": message.phone,
                "text": message.text,
                "segments": message.segments,
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            signing.HEADER: signing.sign(body, self.key),
        }
        try:
            response = requests.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.Timeout as exc:
            raise RetryableSmsError(f"timeout after {self.timeout}s") from exc
        except requests.RequestException as exc:
            raise RetryableSmsError(f"connection error: {exc.__class__.__name__}") from exc
        return self._result(response)

    def _result(self, response: requests.Response) -> SendResult:
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        code = str(payload.get("code") or "").upper()
        provider_id = str(payload.get("message_id") or "")
        detail = f"HTTP {response.status_code} {code} {payload.get('message', '')}".strip()
        if code in self.DUPLICATE_CODES:
            return SendResult(provider_message_id=provider_id)
        if response.ok and code in ("", "OK"):
            return SendResult(provider_message_id=provider_id)
        if code in self.RETRYABLE_CODES:
            raise RetryableSmsError(detail)
        if not code and (
            response.status_code >= 500 or response.status_code in self.RETRYABLE_STATUSES
        ):
            raise RetryableSmsError(detail)
        raise PermanentSmsError(detail)


BACKENDS = {
    "console": ConsoleBackend,
    "locmem": LocmemBackend,
    "outbox": OutboxBackend,
    "http": HttpBackend,
}
