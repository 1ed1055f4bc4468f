"""``/api/v1/me/reminders``: a learner's own reminder settings (API.md)."""

from __future__ import annotations

from datetime import time

from ninja import Router, Schema
from ninja.errors import HttpError

from learning.reminders import preferences

router = Router(tags=["me"])


class RemindersIO(Schema):
    enabled: bool
    quiet_start: time
    quiet_end: time
    kinds: dict[str, bool]


class RemindersOut(Schema):
    enabled: bool
    quiet_start: str
    quiet_end: str
    kinds: dict[str, bool]
    #: The number replied T/TD/退订: nothing is sent until it replies 订阅.
    opted_out: bool


@router.get("/me/reminders", response=RemindersOut)
def get_reminders(request):
    return preferences.as_dict(preferences.for_user(request.auth))


@router.put("/me/reminders", response=RemindersOut)
def put_reminders(request, data: RemindersIO):
    try:
        preference = preferences.update(
            user=request.auth,
            enabled=data.enabled,
            quiet_start=data.quiet_start,
            quiet_end=data.quiet_end,
            kinds=data.kinds,
        )
    except preferences.UnknownKind as exc:
        raise HttpError(422, str(exc)) from exc
    return preferences.as_dict(preference)
