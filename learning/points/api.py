"""Points and leaderboards in the JSON API (积分与排名); thin over ``learning.points.leaderboards``."""

from __future__ import annotations

import functools
from datetime import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BaseModel

from learning.platform import ready_json as api_json
from learning.platform.ids import Id
from learning.platform.pagination import PageQuery, Pages, page_of, window
from learning.points import leaderboards
from learning.points.leaderboards import LeaderboardError, OrganisationNotFound

router = Router(tags=["points"])

#: Learners shown per leaderboard page unless ``page_size`` says otherwise.
LEADERBOARD_PAGE_SIZE = 50


class LedgerEntryOut(Schema):
    action: str
    action_label: str = Field(..., alias="get_action_display")
    points: int
    created_at: datetime
    note: str

    @staticmethod
    def resolve_created_at(obj) -> datetime:
        return timezone.localtime(obj.created_at)


# Rows built from dicts are plain pydantic models: a ninja Schema resolves each field of each
# row through Django's template variable lookup (DjangoGetter), a large part of a 50-row page.
class LearnerRef(BaseModel):
    id: int
    name: str
    organisation: str
    organisation_id: int | None


class RankedLearnerOut(BaseModel):
    rank: int | None
    learner: LearnerRef
    points: int
    is_me: bool


class MyRankOut(Schema):
    rank: int | None
    points: int
    #: Extension: False while I have no points in the period (未上榜); my rank is then the
    #: one every learner without points shares.
    listed: bool


class ScopeOut(Schema):
    id: int
    name: str
    kind: str


class LeaderboardOut(Schema):
    period: str
    scope: str
    organisation: ScopeOut | None
    items: list[RankedLearnerOut]
    count: int
    me: MyRankOut
    near_me: list[RankedLearnerOut]


class RankedOrganisationOut(Schema):
    rank: int
    organisation: ScopeOut
    members: int
    total_points: int
    average_points: float
    is_mine: bool


class OrganisationRankingOut(Schema):
    period: str
    level: str
    items: list[RankedOrganisationOut]
    count: int
    me: RankedOrganisationOut | None


def _ranked_json(ranked: leaderboards.RankedLearner) -> str:
    """One ``RankedLearnerOut`` as JSON: the learner and their points are written once per
    process (``_learner_json``), the rank and "is me" per request."""
    learner = _learner_json(
        ranked.learner_id,
        ranked.name,
        ranked.organisation_name,
        ranked.organisation_id,
        ranked.points,
    )
    rank = "null" if ranked.rank is None else ranked.rank
    return f'{{"rank": {rank}, {learner}, "is_me": {"true" if ranked.is_me else "false"}}}'


@functools.lru_cache(maxsize=4096)
def _learner_json(
    learner_id: int, name: str, organisation: str, organisation_id: int | None, points: int
) -> str:
    """The members ``learner`` and ``points`` of a ranked learner: a pure function of its
    arguments, kept for the learners of the top pages, whom every viewer is shown."""
    return api_json.members(
        {
            "learner": {
                "id": learner_id,
                "name": name,
                "organisation": organisation,
                "organisation_id": organisation_id,
            },
            "points": points,
        }
    )


def _scope(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind}


def _bad_input(exc: LeaderboardError):
    status = 404 if isinstance(exc, OrganisationNotFound) else 422
    return HttpError(status, str(exc))


@router.get("/points/history", response=list[LedgerEntryOut])
@paginate(Pages)
def points_history(request):
    """My ledger entries, newest first."""
    return leaderboards.points_history(request.auth)


@router.get("/leaderboards", response=LeaderboardOut)
def leaderboard(
    request,
    *,
    period: str = "week",
    scope: str | None = None,
    organisation: Id | None = None,
    pagination: Query[PageQuery],
):
    """Learners ranked by points (ties share a rank), with my rank and the learners near me.

    ``scope`` is relative to my community, or to ``organisation`` when given (which alone
    ranks that organisation).
    """
    try:
        board = leaderboards.leaderboard(
            viewer=request.auth,
            period=period,
            scope=scope,
            organisation_id=organisation,
            page=pagination.page,
            page_size=window(pagination, default_size=LEADERBOARD_PAGE_SIZE).limit,
        )
    except LeaderboardError as exc:
        raise _bad_input(exc) from None
    # Ready JSON (learning.platform.ready_json): pydantic's validation of the 50 rows cost more than
    # reading them. The shape is LeaderboardOut's, which a test holds it to.
    head = api_json.dumps(
        {"period": board.period, "scope": board.scope, "organisation": _scope(board.organisation)}
    )[:-1]
    items = ", ".join(_ranked_json(item) for item in board.items)
    near_me = ", ".join(_ranked_json(item) for item in board.near_me)
    me = {"rank": board.my_rank, "points": board.my_points, "listed": board.listed}
    count_and_me = api_json.members({"count": board.count, "me": me})
    return api_json.response(
        f'{head}, "items": [{items}], {count_and_me}, "near_me": [{near_me}]}}'
    )


def _organisation(ranked: leaderboards.RankedOrganisation) -> dict:
    return {
        "rank": ranked.rank,
        "organisation": _scope(ranked.organisation),
        "members": ranked.members,
        "total_points": ranked.total_points,
        "average_points": ranked.average_points,
        "is_mine": ranked.is_mine,
    }


@router.get("/leaderboards/organisations", response=OrganisationRankingOut)
def organisation_leaderboard(
    request, pagination: Query[PageQuery], period: str = "week", level: str = "community"
):
    """Organisations of one level ranked by average points per member (a page of them; my
    organisation in ``me`` wherever it ranks)."""
    try:
        ranking = leaderboards.organisation_ranking(
            period=period, level=level, home=leaderboards.home_organisation(request.auth)
        )
    except LeaderboardError as exc:
        raise _bad_input(exc) from None
    mine = next((item for item in ranking if item.is_mine), None)
    shown = page_of(ranking, pagination)
    return {
        "period": period,
        "level": level,
        "items": [_organisation(item) for item in shown["items"]],
        "count": shown["count"],
        "me": _organisation(mine) if mine else None,
    }
