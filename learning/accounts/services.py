"""Account services: API tokens, log-in by password or text-message code, password reset."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from learning.accounts import login_throttle, sms_codes
from learning.models import ApiToken, SmsCodePurpose, User
from learning.platform import raw_sql


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def login_for_token(
    *, request, phone: str, password: str | None = None, code: str | None = None
) -> IssuedToken | None:
    """Check a password or a text-message code (through the throttled backends) and issue a
    bearer token.

    Returns None for bad credentials; raises ``RateLimited`` while the throttle refuses.
    """
    if code is not None:
        user = authenticate(request, phone=phone, code=code)
    else:
        user = authenticate(request, username=phone, password=password)
    if user is None:
        refused = login_throttle.refusal(request)
        if refused is not None:
            raise refused
        return None
    if not user.is_active:
        return None
    return issue_token(user=user)


class BadCode(Exception):
    """The text-message code is wrong, used, expired or has had too many wrong guesses."""


def reset_password(*, phone: str, code: str, new_password: str) -> User:
    """忘记密码: set a new password with a reset code sent to ``phone`` (11 digits).

    Raises ``BadCode``, or Django's ``ValidationError`` when the password fails the
    validators (the code then stays usable for a better one). The account's app tokens are
    revoked and its other sessions end (their password hash no longer matches): a reset is
    often the answer to someone else having got in.
    """

    def set_new(user: User) -> None:
        validate_password(new_password, user=user)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ApiToken.objects.filter(user=user).delete()

    user = sms_codes.consume(phone=phone, purpose=SmsCodePurpose.RESET, code=code, on_match=set_new)
    if user is None:
        raise BadCode
    return user


def issue_token(*, user: User) -> IssuedToken:
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    ApiToken.objects.create(user=user, key_hash=_hash(key), expires_at=expires_at)
    return IssuedToken(token=key, expires_at=expires_at)


@functools.cache
def _token_user_sql() -> str:
    # Hand-written (learning.platform.raw_sql): every API request runs it, and the ORM's compilation
    # of this join cost more than the indexed read itself.
    # Measured, ORM against this SQL (User.objects.filter(app_tokens__...)[:1]): SQLite 0.406
    # against 0.050 ms CPU a call (8.1x), PostgreSQL 0.710 against 0.165 (4.3x);
    # bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 rounds of 200 calls,
    # bench/RESULTS.md "Session 7".
    token, user = ApiToken, User
    col = raw_sql.column
    return (
        f"SELECT {raw_sql.select_list(user, 'u')} FROM {raw_sql.table(token)} t "  # noqa: S608
        f"JOIN {raw_sql.table(user)} u ON u.{col(user, 'id')} = t.{col(token, 'user')} "
        f"WHERE t.{col(token, 'key_hash')} = %s AND t.{col(token, 'expires_at')} > %s "
        f"AND u.{col(user, 'is_active')}"
    )


def user_for_token(key: str) -> User | None:
    """The active user a valid, unexpired token belongs to (one query)."""
    found = raw_sql.instances(
        User, _token_user_sql(), [_hash(key), raw_sql.db_datetime(timezone.now())]
    )
    return found[0] if found else None
