"""Signal receivers of the learner core, connected in ``LearningConfig.ready``; thin by design."""

from __future__ import annotations

from learning.points import ledger as points


def award_daily_login(sender, request, user, **kwargs) -> None:
    """A site or admin log-in earns the day's log-in points (每日登录)."""
    points.record_daily_login(user=user)


def follow_learner_move(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A learner moved to another community: their totals move with them."""
    if not (raw or created):
        points.move_totals(profile=instance)
