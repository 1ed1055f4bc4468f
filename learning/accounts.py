"""Account services: API tokens and password log-in for app clients."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone

from learning import login_throttle, raw_sql
from learning.models import ApiToken, User
from learning.phone import normalise_phone


class LoginLocked(Exception):
    """Too many failed log-ins for this phone number or address."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def login_for_token(*, request, phone: str, password: str) -> IssuedToken | None:
    """Check the credentials (through the throttled backend) and issue a bearer token.

    Returns None for bad credentials; raises ``LoginLocked`` while the throttle refuses.
    """
    try:
        normalised = normalise_phone(phone)
    except ValidationError:
        normalised = phone
    if login_throttle.is_locked(phone=normalised, address=login_throttle.client_address(request)):
        raise LoginLocked
    user = authenticate(request, username=phone, password=password)
    if user is None or not user.is_active:
        return None
    return issue_token(user=user)


def issue_token(*, user: User) -> IssuedToken:
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    ApiToken.objects.create(user=user, key_hash=_hash(key), expires_at=expires_at)
    return IssuedToken(token=key, expires_at=expires_at)


@functools.cache
def _token_user_sql() -> str:
    # Hand-written (learning.raw_sql): every API request runs it, and the ORM's compilation
    # of this join cost more than the indexed read itself.
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
