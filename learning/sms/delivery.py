"""Sending queued messages, delivery receipts and opt-outs: the delivery guarantees.

- A message is claimed (queued -> sending) in a transaction that locks the rows it takes
  and skips rows another worker holds (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL;
  SQLite's IMMEDIATE transactions serialise the claim), so two workers never send one
  message. The claim is a lease: a token of the claiming worker and an expiry. A worker
  killed mid-send leaves its rows in ``sending``; the sweep takes them back once the lease
  has expired (:func:`recover_expired`) and sends them again with the same idempotency key,
  so the provider (or the outbox) delivers each message once. Every write of a sending
  worker names its token: a worker that was only slow, not dead, cannot overwrite the
  outcome of the worker that took the message over.
- Provider trouble is retried with exponential backoff, never inside quiet hours, up to
  ``SMS_MAX_ATTEMPTS``; then the message is failed and shows in the admin (the failed
  messages panel on the admin home page and the message log). Any failure the backend does
  not know to be permanent counts as trouble; a lease that expires counts as an attempt, so
  a message that kills its worker every time is failed too, not retried forever.
- Numbers that replied T/TD/退订 get nothing: queued messages to them are suppressed.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from learning.models import (
    MessageTemplate,
    ReminderPreference,
    SmsMessage,
    SmsOptOut,
    SmsStatus,
    SuppressReason,
)
from learning.sms import get_backend
from learning.sms.alerts import raise_alert, resolve_alerts
from learning.sms.backends import (
    BaseSmsBackend,
    Outgoing,
    Receipt,
    RetryableSmsError,
    SendResult,
    SmsError,
)
from learning.sms.quiet_hours import DEFAULT_WINDOW, first_allowed, windows_for
from learning.sms.rate_limits import NumberLimits
from learning.sms.replies import classify
from learning.sms.templates import provider_templates, template_for
from learning.sms.text import (
    CODE_KINDS,
    DEFAULT_TEMPLATES,
    compose,
    segment_count,
    template_params,
)

logger = logging.getLogger(__name__)

#: Messages one worker claims at a time.
CLAIM_CHUNK = 50


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
    from learning.platform.task_queue import enqueue

    enqueue("learning.tasks.send_messages", keys, task_name="短信发送批次")


def lease_seconds() -> int:
    """How long a claim holds: longer than a send task may run (its time budget, then the
    last provider call's timeout), so only a dead worker's claims expire."""
    return getattr(settings, "SMS_SENDING_STALE_SECONDS", 600)


INTERRUPTED = "发送中断（工作进程退出），已重新排队"
GAVE_UP = "发送多次中断，已停止重试"


def recover_expired(*, now: datetime) -> int:
    """Take back the messages of workers that died mid-send (their lease expired).

    Each goes back to the queue, due now, to be sent again with the same idempotency key;
    one whose tries are used up is failed instead. Returns how many were taken back.
    """
    expired = SmsMessage.objects.filter(status=SmsStatus.SENDING, lease_expires_at__lt=now)
    released = expired.filter(attempts__lt=max_attempts()).update(
        status=SmsStatus.QUEUED,
        next_attempt_at=now,
        claim_token="",
        lease_expires_at=None,
        last_error=INTERRUPTED,
        outcome_unknown=True,
    )
    given_up = expired.update(
        status=SmsStatus.FAILED,
        failed_at=now,
        claim_token="",
        lease_expires_at=None,
        last_error=GAVE_UP,
    )
    if given_up:
        logger.warning("SMS: %s messages failed after repeated interrupted sends", given_up)
    return released + given_up


def claim(*, now: datetime, keys: list[str] | None = None, limit: int = 500) -> list[SmsMessage]:
    """Take up to ``limit`` due queued messages for this worker (queued -> sending).

    The returned messages carry this claim's ``claim_token``.
    """
    token = secrets.token_hex(16)
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
            status=SmsStatus.SENDING,
            sending_at=now,
            attempts=F("attempts") + 1,
            claim_token=token,
            lease_expires_at=now + timedelta(seconds=lease_seconds()),
        )
    return list(SmsMessage.objects.filter(pk__in=ids, claim_token=token))


def _held(message: SmsMessage):
    """The message's row, as long as this worker's claim on it holds."""
    return SmsMessage.objects.filter(
        pk=message.pk, status=SmsStatus.SENDING, claim_token=message.claim_token
    )


def _suppress(message: SmsMessage, reason: str) -> None:
    _held(message).update(status=SmsStatus.SUPPRESSED, reason=reason, claim_token="")


def _suppressed_reason(message: SmsMessage, opted_out: set[str], preferences: dict) -> str:
    if message.kind in CODE_KINDS:
        return ""  # asked for just now by the learner: neither T nor a switch stops it
    if message.phone in opted_out:
        return SuppressReason.OPTED_OUT
    # The learner may have turned this reminder off while it waited out quiet hours.
    preference = preferences.get(message.learner_id)
    if message.kind and preference is not None and not preference.wants(message.kind):
        return SuppressReason.PREFERENCE
    return ""


def _release(messages: list[SmsMessage], *, at: datetime, error: str = "") -> None:
    """Put claimed messages back, due at ``at``, without counting this claim as a try."""
    for message in messages:
        _held(message).update(
            status=SmsStatus.QUEUED,
            next_attempt_at=at,
            attempts=F("attempts") - 1,
            claim_token="",
            lease_expires_at=None,
            **({"last_error": error[:300]} if error else {}),
        )


def deliver_chunk(
    messages: list[SmsMessage], *, backend: BaseSmsBackend, now: datetime
) -> tuple[dict[str, int], bool]:
    """Send claimed messages; returns counts by end status and whether the provider halted.

    In order: opt-outs and switched-off reminders are suppressed; messages over the
    provider's per-number limits wait; a kind without a template code for the provider is
    failed; a message whose last try ended unknown is looked up at the provider first;
    the rest go out in as few provider calls as the backend allows.
    """
    counts: Counter = Counter()
    opted_out = opted_out_phones(message.phone for message in messages)
    learners = {message.learner_id for message in messages if message.learner_id}
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=learners)}
    limits = NumberLimits([m.phone for m in messages], now=now) if backend.rate_limited else None
    known = provider_templates(backend.provider) if backend.provider else {}
    ready: list[Outgoing] = []
    for message in messages:
        reason = _suppressed_reason(message, opted_out, preferences)
        if reason:
            _suppress(message, reason)
            counts[SmsStatus.SUPPRESSED] += 1
            continue
        wait = limits.wait_until(message.phone) if limits is not None else None
        if wait is not None:
            _release([message], at=wait)
            counts["rate_limited"] += 1
            continue
        template = None
        if backend.provider:
            try:
                template = template_for(message.kind, backend.provider, known)
            except SmsError as exc:
                counts[_failed_attempt(message, error=str(exc), retryable=False, now=now)] += 1
                continue
        if message.outcome_unknown:
            found = _lookup(backend, message)
            if found is not None:
                counts[_sent(message, found, backend=backend, now=now)] += 1
                continue
        if limits is not None:
            limits.take(message.phone)
        ready.append(Outgoing(message=message, template=template))
    for start in range(0, len(ready), max(1, backend.batch_size)):
        group = ready[start : start + max(1, backend.batch_size)]
        try:
            outcomes = backend.send_many(group)
        except SmsError as exc:  # HaltSmsError: the provider takes nothing now
            _halt(backend, exc, [item.message for item in ready[start:]], now=now)
            counts["halted"] += len(ready) - start
            return dict(counts), True
        except Exception as exc:  # a bug or an unexpected library error: retry, keep the trace
            logger.exception("SMS backend crashed on messages %s", [i.message.pk for i in group])
            outcomes = [RetryableSmsError(repr(exc), outcome_unknown=True)] * len(group)
        for item, outcome in zip(group, outcomes, strict=True):
            if isinstance(outcome, SendResult):
                counts[_sent(item.message, outcome, backend=backend, now=now)] += 1
            else:
                counts[_failed(item.message, outcome, now=now)] += 1
        if backend.provider and any(isinstance(o, SendResult) for o in outcomes):
            resolve_alerts(provider=backend.provider, now=now)
    return dict(counts), False


def _lookup(backend: BaseSmsBackend, message: SmsMessage) -> SendResult | None:
    try:
        return backend.find_sent(message)
    except SmsError as exc:
        logger.warning("SMS %s: could not ask the provider about the last try: %s", message.pk, exc)
        return None


def _halt(backend: BaseSmsBackend, exc: SmsError, messages: list[SmsMessage], *, now) -> None:
    pause = timedelta(seconds=getattr(settings, "SMS_HALT_PAUSE_SECONDS", 600))
    provider = backend.provider or getattr(settings, "SMS_BACKEND", "")
    raise_alert(provider=provider, code=exc.code, message=str(exc), now=now)
    logger.error("SMS provider %s refuses to send (%s): sending paused", provider, exc)
    _release(messages, at=now + pause, error=str(exc))


def deliver(message: SmsMessage, *, backend: BaseSmsBackend, now: datetime) -> str:
    """Send one claimed message; returns the status it ends in."""
    counts, _halted = deliver_chunk([message], backend=backend, now=now)
    (status,) = counts
    return SmsStatus.QUEUED if status in ("rate_limited", "halted") else status


def _sent(message: SmsMessage, result: SendResult, *, backend: BaseSmsBackend, now) -> str:
    status = SmsStatus.DELIVERED if result.delivered else SmsStatus.SENT
    # A receipt may have arrived already (status delivered/failed): never step back from it.
    updated = _held(message).update(
        status=status,
        sent_at=now,
        delivered_at=now if result.delivered else None,
        provider_message_id=result.provider_message_id,
        provider=backend.provider or getattr(settings, "SMS_BACKEND", "")[:16],
        last_error="",
        outcome_unknown=False,
        claim_token="",
        lease_expires_at=None,
    )
    if not updated:
        # A receipt arrived first (delivered/failed), or the claim expired and another worker
        # took over: keep their status, only fill in the provider's id if still missing.
        SmsMessage.objects.filter(pk=message.pk, provider_message_id="").update(
            provider_message_id=result.provider_message_id, sent_at=now
        )
    return status


def _failed(message: SmsMessage, error: SmsError, *, now: datetime) -> str:
    return _failed_attempt(
        message,
        error=str(error),
        retryable=error.retryable,
        now=now,
        outcome_unknown=error.outcome_unknown,
    )


def _still_useful(message: SmsMessage, now: datetime) -> bool:
    """A verification code is not retried once its backoff would end after the code expired:
    a code arriving after that is only noise. Other messages always are (within their tries)."""
    if message.kind not in CODE_KINDS:
        return True
    valid = timedelta(seconds=getattr(settings, "SMS_CODE_VALID_SECONDS", 300))
    return now + backoff(message.attempts) < message.created_at + valid


def _failed_attempt(
    message: SmsMessage,
    *,
    error: str,
    retryable: bool,
    now: datetime,
    outcome_unknown: bool = False,
) -> str:
    if retryable and message.attempts < max_attempts() and _still_useful(message, now):
        start, end = windows_for([message.learner_id]).get(message.learner_id, DEFAULT_WINDOW)
        retry_at = now + backoff(message.attempts)
        if message.kind not in CODE_KINDS:
            retry_at = first_allowed(retry_at, start, end)
        _held(message).update(
            status=SmsStatus.QUEUED,
            next_attempt_at=retry_at,
            last_error=error[:300],
            outcome_unknown=outcome_unknown or message.outcome_unknown,
            claim_token="",
            lease_expires_at=None,
        )
        return SmsStatus.QUEUED
    _held(message).update(
        status=SmsStatus.FAILED,
        failed_at=now,
        last_error=error[:300],
        claim_token="",
        lease_expires_at=None,
    )
    logger.warning("SMS %s failed after %s attempts: %s", message.pk, message.attempts, error)
    return SmsStatus.FAILED


def send_due(
    *, now: datetime | None = None, keys: list[str] | None = None, limit: int = 500
) -> dict[str, int]:
    """Claim and send due messages (all of them, or only ``keys``); counts by end status.

    Claims a few at a time and stops after ``SMS_SEND_BUDGET_SECONDS``, well inside the
    task timeout: a slow provider then leaves the rest queued for the next sweep instead of
    a killed task leaving a thousand messages stuck in "sending". Stops as well when the
    provider refuses everything (the alert is raised, the rest waits).
    """
    now = now or timezone.now()
    if keys is None:
        recover_expired(now=now)
    backend = get_backend()
    deadline = monotonic() + getattr(settings, "SMS_SEND_BUDGET_SECONDS", 60)
    counts: Counter = Counter()
    remaining = limit
    while remaining > 0 and monotonic() < deadline:
        claimed = claim(now=now, keys=keys, limit=min(CLAIM_CHUNK, remaining))
        if not claimed:
            break
        remaining -= len(claimed)
        chunk_counts, halted = deliver_chunk(claimed, backend=backend, now=now)
        counts.update(chunk_counts)
        if halted:
            break
    return dict(counts)


RECEIPT_STATUSES = {"delivered": SmsStatus.DELIVERED, "failed": SmsStatus.FAILED}


@transaction.atomic
def apply_receipt(
    *,
    provider_message_id: str = "",
    key: str = "",
    phone: str = "",
    status: str,
    error: str = "",
    carrier_code: str = "",
    at: datetime | None = None,
) -> SmsMessage | None:
    """Record a provider's delivery receipt; None when no such message exists.

    Found by our key, or by the provider's id (with the number, since one Aliyun batch id
    covers every number of the batch). Delivered is final: a late or repeated receipt
    changes nothing.
    """
    at = at or timezone.now()
    messages = SmsMessage.objects.select_for_update()
    message = None
    if key:
        message = messages.filter(key=key).first()
    if message is None and provider_message_id:
        by_id = messages.filter(provider_message_id=provider_message_id)
        message = (by_id.filter(phone=phone) if phone else by_id).order_by("-pk").first()
    if message is None:
        return None
    new_status = RECEIPT_STATUSES[status]
    if message.status in (SmsStatus.DELIVERED, SmsStatus.SUPPRESSED):
        return message
    message.status = new_status
    if provider_message_id and not message.provider_message_id:
        message.provider_message_id = provider_message_id
    message.carrier_code = carrier_code[:60]
    if new_status == SmsStatus.DELIVERED:
        message.delivered_at = at
        message.sent_at = message.sent_at or at
    else:
        message.failed_at = at
        message.last_error = (error or carrier_code or "undelivered")[:300]
    message.save()
    return message


def apply_receipts(receipts: list[Receipt]) -> int:
    """Record each receipt (callbacks, status queries); returns how many found a message."""
    found = 0
    for receipt in receipts:
        message = apply_receipt(
            provider_message_id=receipt.provider_message_id,
            key=receipt.key,
            phone=receipt.phone,
            status=receipt.status,
            error=receipt.error,
            carrier_code=receipt.carrier_code,
            at=receipt.at,
        )
        found += message is not None
    return found


def query_statuses(*, now: datetime | None = None, limit: int = 200) -> int:
    """Ask the provider about sent messages without a receipt (lost or disabled callbacks).

    Messages sent more than ``SMS_STATUS_QUERY_AFTER_SECONDS`` ago and less than two days
    ago (the providers keep details that long), oldest first; returns receipts applied.
    """
    now = now or timezone.now()
    backend = get_backend()
    if not backend.provider:
        return 0
    after = timedelta(seconds=getattr(settings, "SMS_STATUS_QUERY_AFTER_SECONDS", 1800))
    waiting = list(
        SmsMessage.objects.filter(
            status=SmsStatus.SENT,
            provider=backend.provider,
            sent_at__lt=now - after,
            sent_at__gt=now - timedelta(days=2),
        ).order_by("sent_at")[:limit]
    )
    return apply_receipts(backend.query_status(waiting)) if waiting else 0


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
    """A learner's reply: T, TD or 退订 opts out, 订阅 opts it back in; anything else is ignored.

    The words are recognised in every spelling phones produce (:mod:`learning.sms.replies`).
    """
    action = classify(text)
    if action != "ignored":
        set_opt_out(phone=phone, opted_out=action == "opted_out", at=received_at, text=text)
    return action


def template_body(kind: str) -> tuple[str, str]:
    """The kind's body and signature name as organisers set them (defaults otherwise)."""
    template = MessageTemplate.objects.filter(kind=kind).first()
    if template is not None:
        return template.body, template.sign_name
    return DEFAULT_TEMPLATES.get(kind, ""), ""


@transaction.atomic
def queue(
    *,
    phone: str,
    key: str,
    body: str | None = None,
    context: dict | None = None,
    learner=None,
    kind: str = "",
    rule=None,
    now: datetime | None = None,
) -> SmsMessage:
    """Queue one message outside the reminder rules; idempotent per ``key``.

    Without ``body`` the kind's template is used (``learning.sms.text`` lists the kinds and
    their variables; ``context`` fills them). The text gets the signature and the opt-out
    line; quiet hours and opt-outs apply as for reminders, except to verification codes
    (``login_code``, ``reset_code``), which go at once. The send is enqueued once the
    transaction commits. Provider backends send the kind's template code and ``params``.
    """
    now = now or timezone.now()
    existing = SmsMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    sign_name = ""
    if body is None:
        body, sign_name = template_body(kind)
    context = context or {}
    send_at = now
    if kind not in CODE_KINDS:
        start, end = DEFAULT_WINDOW
        if learner is not None:
            start, end = windows_for([learner.pk]).get(learner.pk, DEFAULT_WINDOW)
        send_at = first_allowed(now, start, end)
    text = compose(body, context, kind=kind, sign_name=sign_name)
    status, reason = SmsStatus.QUEUED, ""
    if kind not in CODE_KINDS and opted_out_phones([phone]):
        status, reason = SmsStatus.SUPPRESSED, SuppressReason.OPTED_OUT
    message = SmsMessage.objects.create(
        phone=phone,
        learner=learner,
        text=text,
        params=template_params(kind, context),
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
