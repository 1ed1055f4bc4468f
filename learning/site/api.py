"""``GET /api/v1/me``: the logged-in user's own profile and points (the twin of ``/me/``)."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from learning.accounts import selectors

router = Router(tags=["me"])


class OrganisationOut(Schema):
    id: int
    name: str
    path: str


class PointsOut(Schema):
    total: int
    week: int
    month: int


class MeOut(Schema):
    id: int
    name: str
    phone: str
    organisation: OrganisationOut | None
    exam_level: str
    exam_date: date | None
    points: PointsOut


@router.get("/me", response=MeOut)
def me(request):
    """The logged-in user's own profile; the full phone number is shown only here."""
    user = request.auth
    profile = selectors.learner_profile(user)
    organisation = None
    if profile is not None:
        organisation = {
            "id": profile.organisation_id,
            "name": profile.organisation.name,
            "path": selectors.organisation_path(profile.organisation),
        }
    return {
        "id": user.pk,
        "name": user.name,
        "phone": user.phone,
        "organisation": organisation,
        "exam_level": profile.exam_level if profile else "",
        "exam_date": profile.exam_date if profile else None,
        "points": selectors.points_summary(user),
    }
