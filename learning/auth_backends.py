from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from learning import login_throttle, raw_sql
from learning.models import User
from learning.phone import normalise_phone


class PhoneBackend(ModelBackend):
    """Password log-in by mobile number in any common spelling, with the log-in throttle.

    Every log-in (site, Wagtail admin, API token) goes through ``authenticate``, so the
    throttle here covers them all.
    """

    def authenticate(self, request, username=None, password=None, phone=None, **kwargs):
        raw = phone or username
        if raw is None or password is None:
            return None
        try:
            normalised = normalise_phone(raw)
        except ValidationError:
            normalised = str(raw)
        address = login_throttle.client_address(request)
        if login_throttle.is_locked(phone=normalised, address=address):
            # Stops the other backends too; the caller reports the lock-out.
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=normalised, password=password)
        if user is None:
            login_throttle.record_failure(phone=normalised, address=address)
        else:
            login_throttle.record_success(phone=normalised)
        return user

    def get_user(self, user_id):
        """The session's user, read with hand-written SQL (``learning.raw_sql``): every page a
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


@functools.cache
def _user_sql() -> str:
    return (
        f"SELECT {raw_sql.select_list(User, 'u')} FROM {raw_sql.table(User)} u "  # noqa: S608
        f"WHERE u.{raw_sql.column(User, 'id')} = %s"
    )
