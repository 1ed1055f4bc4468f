"""SMS backends, chosen by ``settings.SMS_BACKEND`` the way Django chooses email backends.

Each backend's ``send(message)`` returns a :class:`SendResult` or raises
:class:`RetryableSmsError` (try again later: timeouts, throttling, provider outages),
:class:`PermanentSmsError` (never going to work for this number: a bad number, rejected
content) or :class:`HaltSmsError` (the provider will send nothing at all: bad credentials,
balance used up; the batch stops and organisers are alerted). ``send_many`` sends several
messages in as few provider calls as the provider allows, with one outcome per message.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import requests
from django.conf import settings

from learning.sms import signing

if TYPE_CHECKING:
    from learning.models import SmsMessage
    from learning.sms.templates import ProviderTemplate


class SmsError(Exception):
    retryable = False
    #: The provider refuses every message: stop sending, alert the organisers.
    halts = False

    def __init__(self, message: str = "", *, code: str = "", outcome_unknown: bool = False):
        super().__init__(message)
        #: The provider's error code, when it gave one.
        self.code = code
        #: The request may have reached the provider (a timeout): ask before sending again.
        self.outcome_unknown = outcome_unknown


class RetryableSmsError(SmsError):
    retryable = True


class PermanentSmsError(SmsError):
    retryable = False


class HaltSmsError(RetryableSmsError):
    halts = True


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""
    #: True when the backend knows the message arrived (no receipt will follow).
    delivered: bool = False


@dataclass(frozen=True)
class Outgoing:
    """A claimed message on its way out, with its provider template (provider backends)."""

    message: SmsMessage
    template: ProviderTemplate | None = None


@dataclass(frozen=True)
class Receipt:
    """A delivery report for one message, from a callback or a status query."""

    status: str  # "delivered" or "failed"
    provider_message_id: str = ""
    phone: str = ""
    key: str = ""
    carrier_code: str = ""
    error: str = ""
    at: datetime | None = None


class BaseSmsBackend:
    #: The provider whose template codes this backend sends ("" renders the text itself).
    provider = ""
    #: Messages per ``send_many`` call.
    batch_size = 1
    #: Whether the provider's per-number limits (``SMS_RATE_LIMITS``) apply before sending.
    rate_limited = False

    def send(self, message: SmsMessage) -> SendResult:
        raise NotImplementedError

    def send_many(self, outgoing: list[Outgoing]) -> list[SendResult | SmsError]:
        """One outcome per message; a :class:`HaltSmsError` stops the batch (raised)."""
        outcomes: list[SendResult | SmsError] = []
        for item in outgoing:
            try:
                outcomes.append(self.send(item.message))
            except HaltSmsError:
                raise
            except SmsError as exc:
                outcomes.append(exc)
        return outcomes

    def find_sent(self, message: SmsMessage) -> SendResult | None:
        """Whether the provider already took this message (its last try ended unknown)."""
        return None

    def query_status(self, messages: list[SmsMessage]) -> list[Receipt]:
        """Delivery reports the provider has for these sent messages (status fallback)."""
        return []


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

    #: Provider error codes that will never work for this message: the number fails at once.
    PERMANENT_CODES = frozenset(
        {"INVALID_PHONE", "BLACKLISTED", "CONTENT_REJECTED", "SIGNATURE_INVALID", "UNAUTHORIZED"}
    )
    #: Codes of provider trouble, retried later whatever the HTTP status says.
    RETRYABLE_CODES = frozenset(
        {"RATE_LIMITED", "THROTTLED", "SYSTEM_BUSY", "TIMEOUT", "INSUFFICIENT_BALANCE"}
    )
    #: Codes meaning the provider already has this idempotency key: the send succeeded.
    DUPLICATE_CODES = frozenset({"DUPLICATE"})
    #: HTTP statuses of a client error that is still worth trying again later.
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
            raise RetryableSmsError(f"timeout after {self.timeout}s", outcome_unknown=True) from exc
        except requests.RequestException as exc:
            raise RetryableSmsError(f"connection error: {exc.__class__.__name__}") from exc
        return self._result(response)

    def _result(self, response: requests.Response) -> SendResult:
        """Success, or the error to raise: permanent only when the provider says so.

        A code we know to be final, or a 4xx refusal of the request itself (other than a
        timeout or throttling status), fails the number. Everything else, including a 5xx
        with an error code we have never seen and an answer that is not JSON, is provider
        trouble: retried with backoff up to ``SMS_MAX_ATTEMPTS``, then failed.
        """
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
        status = response.status_code
        if code in self.RETRYABLE_CODES:
            raise RetryableSmsError(detail)
        if code in self.PERMANENT_CODES or (
            400 <= status < 500 and status not in self.RETRYABLE_STATUSES
        ):
            raise PermanentSmsError(detail)
        raise RetryableSmsError(detail)


BACKENDS = {
    "console": ConsoleBackend,
    "locmem": LocmemBackend,
    "outbox": OutboxBackend,
    "http": HttpBackend,
    "aliyun": "learning.sms.aliyun.AliyunBackend",
    "tencent": "learning.sms.tencent.TencentBackend",
}
