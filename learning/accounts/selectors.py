"""Read-side queries of the learner core, shared by pages, the API and reports."""

from __future__ import annotations

from django.db.models import QuerySet

from learning.accounts import access
from learning.models import LearnerProfile, Organisation, PointPeriod, PointTotal, User


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
    kept = access.of(user)  # which organisation, kept per content version
    if not kept.organiser:
        raise PermissionError("not an organiser")
    if kept.organisation_id is None:
        return None
    # The organisation itself is read fresh: its path moves when the tree is reordered.
    organisation = Organisation.objects.filter(pk=kept.organisation_id).first()
    if organisation is None:
        raise PermissionError("the organiser's organisation is gone")
    return organisation


def points_summary(user: User) -> dict[str, int]:
    """Total, this week's (from Monday) and this month's points, local time (one query)."""
    from learning.points.ledger import totals_at

    found = dict(
        PointTotal.objects.filter(totals_at(), learner=user).values_list("period", "points")
    )
    return {
        "total": found.get(PointPeriod.ALL, 0),
        "week": found.get(PointPeriod.WEEK, 0),
        "month": found.get(PointPeriod.MONTH, 0),
    }
