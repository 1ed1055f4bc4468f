"""Authentication backends (``AUTHENTICATION_BACKENDS``): phone number and password, or
phone number and text-message code; both run the log-in throttle.

This module belongs to ``learning.accounts.services`` but stays at this path: every session stores its
backend's dotted path, and Django logs out a session whose path is no longer listed in
``AUTHENTICATION_BACKENDS`` (moving it would log everyone out on the next deploy).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from learning.accounts import access, login_throttle, sms_codes
from learning.models import SmsCodePurpose, User
from learning.platform import raw_sql
from learning.platform.client_address import client_key
from learning.platform.rate_limit import RateLimited


class PhoneBackend(ModelBackend):
    """Password log-in by mobile number in any common spelling, with the log-in throttle.

    Every password log-in (site, Wagtail admin, API token) goes through ``authenticate``, so
    the throttle here covers them all. A refused attempt raises ``PermissionDenied`` (which
    stops Django trying other backends) and leaves the refusal on the request for the view.
    """

    def authenticate(self, request, username=None, password=None, phone=None, **kwargs):
        raw = phone or username
        if raw is None or password is None:
            return None
        normalised = login_throttle.phone_key(raw)
        return throttled(
            request,
            normalised,
            lambda: super(PhoneBackend, self).authenticate(
                request, username=normalised or str(raw), password=password
            ),
        )

    def get_user(self, user_id):
        """The session's user, read with hand-written SQL (``learning.platform.raw_sql``): every page a
        logged-in visitor opens asks for it, and the ORM's compilation cost more than the read.

        As with Django's: only a user who may log in (active). Django's ``auth.get_user`` then
        checks the session's hash against the user's password as usual.
        """
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # a tampered or foreign session value, as Django treats it
            return None
        found = raw_sql.instances(User, _user_sql(), [user_id])
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]

    def _get_permissions(self, user_obj, obj, from_name):
        """Django's reading, with the rows read once per user and content version
        (``learning.accounts.access``) instead of twice per request."""
        if user_obj.is_active and not user_obj.is_anonymous and obj is None:
            access.of(user_obj)  # fills the per-user caches Django's reading looks at first
        return super()._get_permissions(user_obj, obj, from_name)


class SmsCodeBackend(PhoneBackend):
    """Log-in with a text-message code (短信验证码登录, ``learning.accounts.sms_codes``) instead of a
    password: ``authenticate(request, phone=..., code=...)``, through the same throttle as
    passwords (a wrong code is a failed log-in)."""

    def authenticate(self, request, phone=None, code=None, **kwargs):
        if phone is None or code is None:
            return None
        normalised = login_throttle.phone_key(phone)
        if not normalised:
            return None
        return throttled(
            request,
            normalised,
            lambda: sms_codes.consume(phone=normalised, purpose=SmsCodePurpose.LOGIN, code=code),
        )


def throttled(request, phone: str, check: Callable[[], User | None]) -> User | None:
    """Run ``check`` (the credential test) inside the log-in throttle; None if refused."""
    try:
        attempt = login_throttle.begin(phone=phone, address=client_key(request))
    except RateLimited as refused:
        login_throttle.remember_refusal(request, refused)
        raise PermissionDenied(refused.detail) from None
    user = check()
    if user is None:
        attempt.failed()
    else:
        attempt.succeeded()
    return user


@functools.cache
def _user_sql() -> str:
    # Measured, ORM against this SQL (ModelBackend.get_user): SQLite 0.249 against 0.041 ms CPU a
    # call (6.1x), PostgreSQL 0.455 against 0.175 (2.6x); bench/orm_vs_sql.py, 2026-12-07, 2,000
    # learners, medians of 15 rounds of 200 calls, bench/RESULTS.md "Session 7".
    return (
        f"SELECT {raw_sql.select_list(User, 'u')} FROM {raw_sql.table(User)} u "  # noqa: S608
        f"WHERE u.{raw_sql.column(User, 'id')} = %s"
    )
