"""Log-in throttling for every log-in (site, Wagtail admin, API token; password or SMS code).

Guessing is slowed down, but nobody can be locked out by someone else:

- Failures are counted in three scopes over ``LOGIN_FAILURE_WINDOW_SECONDS``: the phone number
  *from this address*, the address (any number), and the phone number (any address). The
  address is the client's as the trusted proxies report it (``learning.platform.client_address``), never
  the proxy's own, so failures elsewhere never hold up anyone else.
- In each scope a few failures are free; after them every further attempt waits a delay that
  doubles with each failure (``LOGIN_DELAY_BASE_SECONDS``, 2x, 4x... up to
  ``LOGIN_DELAY_MAX_SECONDS``), counted from the latest failure. A refused attempt is not a
  failure (the password is not even checked), so waiting it out always works: the delay is
  a slower pace, never a lock.
- The per-phone scope is soft: it only slows down addresses that have already failed for that
  number. Someone hammering a learner's number from one address (or many) therefore cannot stop
  the learner from logging in with the right password from their own phone or office; every
  address of a distributed attacker gets one guess and then waits the number's (long) delay.
- A success clears that number's failures from that address only: logging into one's own
  account does not reset an address that sprayed other numbers.
- Parallel attempts cannot slip through together: each attempt first records itself as a
  failure, then counts (so of any two concurrent attempts at least one sees the other), and
  takes its row back if it is refused or succeeds.

Why not django-axes (installed and pinned)? Its lock-out decision is "some parameter
combination has reached the failure limit: refuse before checking the password". A
combination including the phone alone (``["username"]``) is exactly the lock-out of the owner
this module must prevent; combinations without it (``[["username", "ip_address"]]``,
``["ip_address"]``) leave a number with no limit at all against guesses from many addresses.
It has no rule "limit the number, except for an address that has not failed for it", no delay
that grows with each failure (one cool-off time per lock-out), and it counts its failures after
checking the password, so parallel guesses all pass its check. Its client address comes from
django-ipware, which is not installed, or REMOTE_ADDR. What would be left of it is its log of
attempts, so the throttle is this small module on one table instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.accounts.phone import normalise_phone
from learning.models import LoginFailure
from learning.platform.rate_limit import RateLimited, wait_text


@dataclass(frozen=True)
class Attempt:
    """A log-in attempt let through: call :meth:`failed` or :meth:`succeeded` once it is decided."""

    row_id: int
    phone: str
    address: str

    def failed(self) -> None:
        """The attempt's row stays: it is now a failure."""

    def succeeded(self) -> None:
        """Forget this number's failures from this address (the owner's own typos)."""
        rows = Q(pk=self.row_id)
        if self.phone:
            rows |= Q(phone=self.phone, address=self.address)
        LoginFailure.objects.filter(rows).delete()


def phone_key(raw) -> str:
    """The 11-digit number the throttle counts, or empty for text that is not a number."""
    try:
        return normalise_phone(raw)
    except ValidationError:
        return ""


def begin(*, phone: str, address: str, now: datetime | None = None) -> Attempt:
    """Let an attempt for ``phone`` (see :func:`phone_key`) from ``address`` through, or
    raise :class:`RateLimited` saying how long to wait."""
    now = now or timezone.now()
    row = LoginFailure.objects.create(phone=phone, address=address, at=now)
    wait = _wait(row_id=row.pk, phone=phone, address=address, now=now)
    if wait > 0:
        row.delete()
        raise RateLimited(
            _("登录尝试过于频繁，请 %(wait)s后再试。") % {"wait": wait_text(wait)}, wait
        )
    return Attempt(row_id=row.pk, phone=phone, address=address)


def delay(failures: int, free: int) -> float:
    """Seconds an attempt must wait after the latest of ``failures`` failures in a scope."""
    if failures < free:
        return 0.0
    base = settings.LOGIN_DELAY_BASE_SECONDS
    return float(min(settings.LOGIN_DELAY_MAX_SECONDS, base * 2 ** min(failures - free, 30)))


def _wait(*, row_id: int, phone: str, address: str, now: datetime) -> float:
    since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    pair = Q(phone=phone, address=address)
    by_address = Q(address=address)
    by_phone = Q(phone=phone)
    scopes = by_address | by_phone if phone else by_address
    seen = (
        LoginFailure.objects.filter(scopes, at__gte=since)
        .exclude(pk=row_id)
        .aggregate(
            pair_n=Count("pk", filter=pair),
            pair_last=Max("at", filter=pair),
            address_n=Count("pk", filter=by_address),
            address_last=Max("at", filter=by_address),
            phone_n=Count("pk", filter=by_phone),
            phone_last=Max("at", filter=by_phone),
        )
    )
    limits = [("address", settings.LOGIN_FREE_FAILURES_PER_ADDRESS)]
    if phone:
        limits.append(("pair", settings.LOGIN_FREE_FAILURES_PER_PHONE_AND_ADDRESS))
        if seen["pair_n"]:
            # The soft limit: only an address that has failed for this number waits for it.
            limits.append(("phone", settings.LOGIN_FREE_FAILURES_PER_PHONE))
    wait = 0.0
    for scope, free in limits:
        pause = delay(seen[f"{scope}_n"], free)
        if pause:
            until = seen[f"{scope}_last"] + timedelta(seconds=pause)
            wait = max(wait, (until - now).total_seconds())
    return wait


def prune(*, now: datetime | None = None) -> int:
    """Delete failures older than the window (they count for nothing any more)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _by_model = LoginFailure.objects.filter(at__lt=since).delete()
    return deleted


#: The attribute of the request on which the backends leave their refusal for the log-in
#: views (Django's ``authenticate`` turns the backend's exception into a plain ``None``).
REFUSAL_ATTRIBUTE = "login_refusal"


def remember_refusal(request, refusal: RateLimited) -> None:
    if request is not None:
        setattr(request, REFUSAL_ATTRIBUTE, refusal)


def refusal(request) -> RateLimited | None:
    """The throttle's refusal of this request's log-in, if it was refused."""
    return getattr(request, REFUSAL_ATTRIBUTE, None)
