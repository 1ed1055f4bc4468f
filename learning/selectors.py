"""Read-side queries of the learner core, shared by pages, the API and reports."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet, Sum

from learning.models import LearnerProfile, LedgerEntry, Organisation, User


def learner_profile(user: User) -> LearnerProfile | None:
    """The user's learner profile with its community, or None for staff-only accounts."""
    return LearnerProfile.objects.select_related("organisation").filter(user=user).first()


def organisation_path(organisation: Organisation) -> str:
    return organisation.full_name


def learners_in(organisation: Organisation | None) -> QuerySet[LearnerProfile]:
    """Learners in an organisation's subtree (all learners for ``None``: prefecture-wide)."""
    profiles = LearnerProfile.objects.select_related("user", "organisation")
    if organisation is None:
        return profiles
    return profiles.filter(organisation__path__startswith=organisation.path)


def organiser_scope(user: User) -> Organisation | None:
    """The subtree an organiser manages; None means the whole prefecture.

    Superusers see everything; a user who is not an organiser has no scope and gets
    ``PermissionError`` so no report silently shows them the whole prefecture.
    """
    if user.is_superuser:
        return None
    organiser = getattr(user, "organiser", None)
    if organiser is None:
        raise PermissionError("not an organiser")
    return organiser.organisation


def points_summary(user: User) -> dict[str, int]:
    """Total, this week's (from Monday) and this month's points, local time."""
    from learning.points import local_day_start

    today = local_day_start()
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    totals = LedgerEntry.objects.filter(learner=user).aggregate(
        total=Sum("points"),
        week=Sum("points", filter=Q(created_at__gte=week_start)),
        month=Sum("points", filter=Q(created_at__gte=month_start)),
    )
    return {name: value or 0 for name, value in totals.items()}
