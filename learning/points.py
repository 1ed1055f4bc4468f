"""The points ledger (积分): the one way any app gives a learner points.

Apps above the core call :func:`award` when something worth points happens; it applies the
organisers' rule and daily cap and writes one ledger row with an idempotency key, all in one
transaction, so double submits, retried tasks and parallel requests never award twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from learning.models import LedgerEntry, PointAction, PointRule, User
from learning.point_defaults import DEFAULT_RULES


class UnknownAction(ValueError):
    pass


def local_day_start(moment: datetime | None = None) -> datetime:
    """Midnight of the local day (settings.TIME_ZONE) that ``moment`` falls in."""
    local = timezone.localtime(moment or timezone.now())
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


def rule_for(action: str) -> PointRule:
    """The action's rule, recreated from the defaults if someone deleted it."""
    points, cap = DEFAULT_RULES[action]
    rule, _created = PointRule.objects.get_or_create(
        action=action, defaults={"points": points, "daily_cap": cap}
    )
    return rule


def ledger_key(*, learner: User, action: str, key: str) -> str:
    """The stored idempotency key: action + learner + the caller's object/period key."""
    return f"{action}:{learner.pk}:{key}"[:200]


def award(
    *,
    learner: User,
    action: str,
    key: str,
    points: int | None = None,
    note: str = "",
    by: User | None = None,
    now: datetime | None = None,
) -> int:
    """Award points for ``action`` once per ``key``; returns the points actually awarded.

    ``key`` names the object and, where it repeats, the period (``"lesson:42"``,
    ``"2026-11-25"``). ``points`` overrides the rule's value (score bands, manual
    adjustments); ``now`` is when it happened (defaults to now). Returns 0 when the rule is inactive, the key was already awarded or the
    day's cap is used up; a cap partly used up awards what is left of it.
    """
    if action not in PointAction.values:
        raise UnknownAction(action)
    rule = rule_for(action)
    if not rule.active:
        return 0
    value = rule.points if points is None else points
    full_key = ledger_key(learner=learner, action=action, key=key)
    with transaction.atomic():
        # Serialise awards per learner so two parallel requests cannot both pass the cap.
        User.objects.select_for_update().filter(pk=learner.pk).first()
        if LedgerEntry.objects.filter(key=full_key).exists():
            return 0
        if rule.daily_cap and value > 0:
            start = local_day_start(now)
            earned = (
                LedgerEntry.objects.filter(
                    learner=learner,
                    action=action,
                    created_at__gte=start,
                    created_at__lt=start + timedelta(days=1),
                ).aggregate(total=Sum("points"))["total"]
                or 0
            )
            value = max(0, min(value, rule.daily_cap - earned))
            if value == 0:
                return 0
        try:
            with transaction.atomic():
                LedgerEntry.objects.create(
                    learner=learner,
                    action=action,
                    points=value,
                    key=full_key,
                    note=note[:200],
                    created_by=by,
                    created_at=now or timezone.now(),
                )
        except IntegrityError:
            return 0  # a parallel request with the same key won
    return value
