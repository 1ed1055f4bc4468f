"""Sending queued messages, delivery receipts and opt-outs: the delivery guarantees.

- A message is claimed (queued -> sending) in a transaction that locks the rows it takes
  and skips rows another worker holds (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL;
  SQLite's IMMEDIATE transactions serialise the claim), so two workers never send one
  message.
- Provider trouble is retried with exponential backoff, never inside quiet hours, up to
  ``SMS_MAX_ATTEMPTS``; then the message is failed and shows in the admin. Every retry sends
  the same idempotency key, so a send that timed out but did reach the provider is not
  delivered twice.
- Numbers that replied T/TD/退订 get nothing: queued messages to them are suppressed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from learning.models import (
    ReminderPreference,
    SmsMessage,
    SmsOptOut,
    SmsStatus,
    SuppressReason,
)
from learning.sms import get_backend
from learning.sms.backends import BaseSmsBackend, SmsError
from learning.sms.quiet_hours import DEFAULT_WINDOW, first_allowed, windows_for

logger = logging.getLogger(__name__)

#: Messages one worker claims at a time.
CLAIM_CHUNK = 50

OPT_OUT_WORDS = {"T", "TD", "退订"}
OPT_IN_WORDS = {"订阅"}


def max_attempts() -> int:
    return getattr(settings, "SMS_MAX_ATTEMPTS", 5)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: 1, 2, 4, 8... minutes, capped."""
    base = getattr(settings, "SMS_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "SMS_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def opted_out_phones(phones) -> set[str]:
    return set(
        SmsOptOut.objects.filter(phone__in=list(phones), opted_out=True).values_list(
            "phone", flat=True
        )
    )


def enqueue_send(keys: list[str]) -> None:
    """Hand these messages to a worker (call after the transaction that created them)."""
    from learning.task_queue import enqueue

    enqueue("learning.tasks.send_messages", keys, task_name="短信发送批次")


def release_stale(*, now: datetime) -> int:
    """Put back messages whose worker died mid-send; their retry reuses the same key."""
    stale = getattr(settings, "SMS_SENDING_STALE_SECONDS", 600)
    return SmsMessage.objects.filter(
        status=SmsStatus.SENDING, sending_at__lt=now - timedelta(seconds=stale)
    ).update(status=SmsStatus.QUEUED, next_attempt_at=now)


def claim(*, now: datetime, keys: list[str] | None = None, limit: int = 500) -> list[SmsMessage]:
    """Take up to ``limit`` due queued messages for this worker (queued -> sending)."""
    with transaction.atomic():
        due = SmsMessage.objects.filter(status=SmsStatus.QUEUED, next_attempt_at__lte=now)
        if keys is not None:
            due = due.filter(key__in=keys)
        ids = list(
            due.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        SmsMessage.objects.filter(pk__in=ids, status=SmsStatus.QUEUED).update(
            status=SmsStatus.SENDING, sending_at=now, attempts=F("attempts") + 1
        )
    return list(SmsMessage.objects.filter(pk__in=ids, status=SmsStatus.SENDING))


def _suppress(message: SmsMessage, reason: str) -> None:
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.SUPPRESSED, reason=reason)


def deliver(message: SmsMessage, *, backend: BaseSmsBackend, now: datetime) -> str:
    """Send one claimed message; returns the status it ends in."""
    if SmsOptOut.objects.filter(phone=message.phone, opted_out=True).exists():
        _suppress(message, SuppressReason.OPTED_OUT)
        return SmsStatus.SUPPRESSED
    if message.kind and message.learner_id:
        # The learner may have turned this reminder off while it waited out quiet hours.
        preference = ReminderPreference.objects.filter(user_id=message.learner_id).first()
        if preference is not None and not preference.wants(message.kind):
            _suppress(message, SuppressReason.PREFERENCE)
            return SmsStatus.SUPPRESSED
    try:
        result = backend.send(message)
    except SmsError as exc:
        return _failed_attempt(message, error=str(exc), retryable=exc.retryable, now=now)
    except Exception as exc:  # a bug or an unexpected library error: retry, keep the trace
        logger.exception("SMS backend crashed on message %s", message.pk)
        return _failed_attempt(message, error=repr(exc), retryable=True, now=now)
    status = SmsStatus.DELIVERED if result.delivered else SmsStatus.SENT
    # A receipt may have arrived already (status delivered/failed): never step back from it.
    updated = SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING).update(
        status=status,
        sent_at=now,
        delivered_at=now if result.delivered else None,
        provider_message_id=result.provider_message_id,
        last_error="",
    )
    if not updated:
        SmsMessage.objects.filter(pk=message.pk, provider_message_id="").update(
            provider_message_id=result.provider_message_id, sent_at=now
        )
    return status


def _failed_attempt(message: SmsMessage, *, error: str, retryable: bool, now: datetime) -> str:
    if retryable and message.attempts < max_attempts():
        start, end = windows_for([message.learner_id]).get(message.learner_id, DEFAULT_WINDOW)
        retry_at = first_allowed(now + backoff(message.attempts), start, end)
        SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING).update(
            status=SmsStatus.QUEUED, next_attempt_at=retry_at, last_error=error[:300]
        )
        return SmsStatus.QUEUED
    SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING).update(
        status=SmsStatus.FAILED, failed_at=now, last_error=error[:300]
    )
    logger.warning("SMS %s failed after %s attempts: %s", message.pk, message.attempts, error)
    return SmsStatus.FAILED


def send_due(
    *, now: datetime | None = None, keys: list[str] | None = None, limit: int = 500
) -> dict[str, int]:
    """Claim and send due messages (all of them, or only ``keys``); counts by end status.

    Claims a few at a time and stops after ``SMS_SEND_BUDGET_SECONDS``, well inside the
    task timeout: a slow provider then leaves the rest queued for the next sweep instead of
    a killed task leaving a thousand messages stuck in "sending".
    """
    now = now or timezone.now()
    if keys is None:
        release_stale(now=now)
    backend = get_backend()
    deadline = monotonic() + getattr(settings, "SMS_SEND_BUDGET_SECONDS", 60)
    counts: dict[str, int] = {}
    remaining = limit
    while remaining > 0 and monotonic() < deadline:
        claimed = claim(now=now, keys=keys, limit=min(CLAIM_CHUNK, remaining))
        if not claimed:
            break
        remaining -= len(claimed)
        for message in claimed:
            status = deliver(message, backend=backend, now=now)
            counts[status] = counts.get(status, 0) + 1
    return counts


RECEIPT_STATUSES = {"delivered": SmsStatus.DELIVERED, "failed": SmsStatus.FAILED}


@transaction.atomic
def apply_receipt(
    *,
    provider_message_id: str = "",
    key: str = "",
    status: str,
    error: str = "",
    at: datetime | None = None,
) -> SmsMessage | None:
    """Record a provider's delivery receipt; None when no such message exists."""
    at = at or timezone.now()
    messages = SmsMessage.objects.select_for_update()
    message = None
    if key:
        message = messages.filter(key=key).first()
    if message is None and provider_message_id:
        message = messages.filter(provider_message_id=provider_message_id).first()
    if message is None:
        return None
    new_status = RECEIPT_STATUSES[status]
    if message.status in (SmsStatus.DELIVERED, SmsStatus.SUPPRESSED):
        return message  # final; a late or repeated receipt changes nothing
    message.status = new_status
    if provider_message_id and not message.provider_message_id:
        message.provider_message_id = provider_message_id
    if new_status == SmsStatus.DELIVERED:
        message.delivered_at = at
        message.sent_at = message.sent_at or at
    else:
        message.failed_at = at
        message.last_error = (error or "undelivered")[:300]
    message.save()
    return message


@transaction.atomic
def set_opt_out(*, phone: str, opted_out: bool, at: datetime | None = None, text: str = "") -> bool:
    """Opt a number out (or back in); an older word than the one on record is ignored.

    Returns whether the record changed. Opting out also suppresses what is still queued.
    """
    at = at or timezone.now()
    record = SmsOptOut.objects.select_for_update().filter(phone=phone).first()
    if record is not None and record.changed_at > at:
        return False
    SmsOptOut.objects.update_or_create(
        phone=phone, defaults={"opted_out": opted_out, "changed_at": at, "text": text[:100]}
    )
    if opted_out:
        SmsMessage.objects.filter(phone=phone, status=SmsStatus.QUEUED).update(
            status=SmsStatus.SUPPRESSED, reason=SuppressReason.OPTED_OUT
        )
    return True


def handle_inbound(*, phone: str, text: str, received_at: datetime | None = None) -> str:
    """A learner's reply: T, TD or 退订 opts out, 订阅 opts back in; anything else is ignored."""
    word = text.strip().upper()
    if word in OPT_OUT_WORDS:
        set_opt_out(phone=phone, opted_out=True, at=received_at, text=text)
        return "opted_out"
    if word in OPT_IN_WORDS:
        set_opt_out(phone=phone, opted_out=False, at=received_at, text=text)
        return "opted_in"
    return "ignored"


@transaction.atomic
def queue(
    *,
    phone: str,
    body: str,
    key: str,
    context: dict | None = None,
    learner=None,
    kind: str = "",
    rule=None,
    now: datetime | None = None,
) -> SmsMessage:
    """Queue one message outside the reminder rules; idempotent per ``key``.

    The text gets the signature and the opt-out line; quiet hours and opt-outs apply as for
    reminders. The send is enqueued once the transaction commits.
    """
    from learning.sms.text import compose, segment_count

    now = now or timezone.now()
    existing = SmsMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    start, end = DEFAULT_WINDOW
    if learner is not None:
        start, end = windows_for([learner.pk]).get(learner.pk, DEFAULT_WINDOW)
    send_at = first_allowed(now, start, end)
    text = compose(body, context or {})
    status, reason = SmsStatus.QUEUED, ""
    if opted_out_phones([phone]):
        status, reason = SmsStatus.SUPPRESSED, SuppressReason.OPTED_OUT
    message = SmsMessage.objects.create(
        phone=phone,
        learner=learner,
        text=text,
        segments=segment_count(text),
        key=key,
        kind=kind,
        rule=rule,
        status=status,
        reason=reason,
        send_date=timezone.localtime(send_at).date(),
        next_attempt_at=send_at,
        created_at=now,
    )
    if status == SmsStatus.QUEUED and send_at <= now:
        transaction.on_commit(lambda: enqueue_send([key]))
    return message
