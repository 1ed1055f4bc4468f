"""Text-message codes (短信验证码) for logging in (短信验证码登录) and resetting a forgotten
password (忘记密码).

- A code is 6 digits, valid ``SMS_CODE_VALID_SECONDS`` (5 minutes), used once, and only the
  newest code of a number and purpose counts. Only an HMAC (keyed with ``SECRET_KEY``, salted
  per code) is stored, so the table does not give working codes away.
- Each code takes ``SMS_CODE_MAX_WRONG_GUESSES`` wrong guesses, then it is dead: with the
  issuing limits below that leaves a guesser a few dozen tries a day out of a million.
- Issuing is limited per number (1 a minute, 5 an hour, 10 a day) and per client address
  (30 an hour; the address through the trusted proxies, ``learning.platform.client_address``), which
  keeps the site from being used to flood someone's phone. Requests wait for each other on
  a lock row per number and per address while they count, so parallel requests cannot both
  take the last free slot.
- A number without an account gets exactly the same answer and counts against the same
  limits, but nothing is sent: the form cannot be used to find out who is registered.
- Using a code locks its row, so two parallel log-ins with one code give one token.

Codes are sent through the reminders' own queue (``learning.sms.delivery.queue``) as the kinds
``login_code`` and ``reset_code``, which that queue sends at once, whatever the quiet hours.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from learning.models import RateLimitLock, SmsCode, SmsCodePurpose, User
from learning.platform.rate_limit import RateLimited, wait_text
from learning.sms.delivery import queue

#: The message kind of each purpose (provider templates are chosen by kind).
KINDS = {SmsCodePurpose.LOGIN: "login_code", SmsCodePurpose.RESET: "reset_code"}

_CODE = re.compile(r"[0-9]{6}")
_SPACING = re.compile(r"[\s\-]")


def code_message(purpose: str, code: str) -> str:
    """The text of a code message, without the signature the queue adds.

    The one place these words live: provider templates (kinds ``login_code`` and
    ``reset_code``) are made from it. Texts go to Chinese mobile numbers, so they are Chinese
    whatever the language of the page that asked.
    """
    minutes = settings.SMS_CODE_VALID_SECONDS // 60
    if purpose == SmsCodePurpose.RESET:
        return (
            f"您正在重置登录密码，验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。"
        )
    return f"您的登录验证码为{code}，{minutes}分钟内有效，请勿告诉他人。"


def request_code(*, phone: str, purpose: str, address: str, now: datetime | None = None) -> int:
    """Record a request for a code to ``phone`` (11 digits) from ``address`` and send the code
    if the number has an active account; the seconds until the next request may be made.

    Raises :class:`RateLimited` over the limits (nothing recorded, nothing sent).
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock([f"sms-code:phone:{phone}", f"sms-code:address:{address}"])
        wait = _wait(phone=phone, address=address, now=now)
        if wait > 0:
            raise RateLimited(
                _("获取验证码过于频繁，请 %(wait)s后再试。") % {"wait": wait_text(wait)}, wait
            )
        user = User.objects.filter(phone=phone, is_active=True).first()
        code = f"{secrets.randbelow(10**6):06d}"
        record = SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            user=user,
            code_hash=_digest(code) if user is not None else "",
            address=address,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMS_CODE_VALID_SECONDS),
        )
        if user is not None:
            queue(
                phone=phone,
                body=code_message(purpose, code),
                # The provider backends send the kind's approved template with these values.
                context={"code": code, "minutes": settings.SMS_CODE_VALID_SECONDS // 60},
                key=f"sms-code:{record.pk}",
                kind=KINDS[purpose],
                now=now,
            )
        return max(1, math.ceil(_wait(phone=phone, address=address, now=now)))


def retry_after(*, phone: str, address: str, now: datetime | None = None) -> int:
    """Whole seconds until a code may be requested for ``phone`` from ``address`` (0: now)."""
    return math.ceil(_wait(phone=phone, address=address, now=now or timezone.now()))


def consume(
    *,
    phone: str,
    purpose: str,
    code: str,
    on_match: Callable[[User], None] | None = None,
    now: datetime | None = None,
) -> User | None:
    """The account whose newest live code for ``phone`` and ``purpose`` is ``code``, using the
    code up; None for a wrong, used, expired or exhausted code (a wrong one counts a guess).

    ``on_match(user)`` runs in the same transaction before the code is used up: when it
    raises (a new password too weak), nothing changes and the code stays usable.
    """
    now = now or timezone.now()
    typed = _clean(code)
    with transaction.atomic():
        latest = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if (
            latest is None
            or latest.user_id is None
            or latest.used_at is not None
            or latest.expires_at <= now
            or latest.wrong_guesses >= settings.SMS_CODE_MAX_WRONG_GUESSES
        ):
            return None
        if typed is None or not _matches(latest.code_hash, typed):
            SmsCode.objects.filter(pk=latest.pk).update(wrong_guesses=F("wrong_guesses") + 1)
            return None
        user = User.objects.get(pk=latest.user_id)
        if not user.is_active:
            return None
        if on_match is not None:
            on_match(user)
        SmsCode.objects.filter(pk=latest.pk).update(used_at=now)
        return user


def prune(*, now: datetime | None = None) -> int:
    """Delete requests older than the longest limit window (they count for nothing any more)."""
    now = now or timezone.now()
    longest = max(
        window
        for _limit, window in [
            *settings.SMS_CODE_LIMITS_PER_PHONE,
            *settings.SMS_CODE_LIMITS_PER_ADDRESS,
        ]
    )
    deleted, _by_model = SmsCode.objects.filter(
        created_at__lt=now - timedelta(seconds=max(longest, settings.SMS_CODE_VALID_SECONDS))
    ).delete()
    return deleted


def _lock(keys: list[str]) -> None:
    """Wait for every other request holding one of ``keys`` (in one order: no deadlock)."""
    keys = sorted(set(keys))
    for key in keys:
        RateLimitLock.objects.get_or_create(key=key)
    list(RateLimitLock.objects.select_for_update().filter(key__in=keys).order_by("key"))


def _wait(*, phone: str, address: str, now: datetime) -> float:
    """Seconds until one more request for ``phone`` from ``address`` is within every limit."""
    wait = 0.0
    for scope, limits in (
        (Q(phone=phone), settings.SMS_CODE_LIMITS_PER_PHONE),
        (Q(address=address), settings.SMS_CODE_LIMITS_PER_ADDRESS),
    ):
        longest = max(window for _limit, window in limits)
        times = list(
            SmsCode.objects.filter(scope, created_at__gt=now - timedelta(seconds=longest))
            .order_by("-created_at")
            .values_list("created_at", flat=True)[: max(limit for limit, _window in limits)]
        )
        for limit, window in limits:
            recent = [at for at in times if at > now - timedelta(seconds=window)]
            if len(recent) >= limit:
                # The limit-th newest request leaving the window frees a slot.
                frees_at = recent[limit - 1] + timedelta(seconds=window)
                wait = max(wait, (frees_at - now).total_seconds())
    return wait


def _clean(code) -> str | None:
    """The 6 digits typed (full-width digits and spaces allowed), or None."""
    text = _SPACING.sub("", unicodedata.normalize("NFKC", str(code or "")))
    return text if _CODE.fullmatch(text) else None


def _digest(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    # The salt is this module's path before issue 22 moved it: a new salt would make every code
    # in flight wrong. It is a value, not an import.
    mac = salted_hmac("learning.sms_codes", f"{salt}:{code}", algorithm="sha256").hexdigest()
    return f"{salt}${mac}"


def _matches(stored: str, code: str) -> bool:
    salt, _sep, _mac = stored.partition("$")
    return bool(salt) and constant_time_compare(stored, _digest(code, salt))
