from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from learning import login_throttle
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
