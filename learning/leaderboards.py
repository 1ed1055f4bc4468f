"""Leaderboards (积分排名): selectors over the per-period totals, never over the ledger.

Ranking is competition ranking: learners with equal points share a rank and the next rank
skips (1, 1, 3). A learner's rank is ``1 + how many in the scope have more points``, which
is one indexed count on ``PointTotal``; a whole leaderboard answer (a page of the top, the
viewer's own rank and the learners just above and below them) is a handful of such queries
whatever the number of learners or ledger rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import LearnerProfile, LedgerEntry, Organisation, PointPeriod, PointTotal, User
from learning.point_defaults import BADGES
from learning.points import organisation_columns, period_starts
from learning.selectors import points_summary

PERIODS = [str(value) for value in PointPeriod.values]
SCOPES = ["all", "county", "street", "community"]
LEVELS = ["county", "street", "community"]
#: Tree depth of each scope's organisation (县市 1, 街镇 2, 社区 3).
DEPTH = {"county": 1, "street": 2, "community": 3}


class LeaderboardError(ValueError):
    """Bad period, scope or level, or a scope that makes no sense for this viewer."""


class OrganisationNotFound(LeaderboardError):
    pass


@dataclass(frozen=True)
class RankedLearner:
    rank: int | None
    learner_id: int
    name: str
    organisation_id: int | None
    organisation_name: str
    points: int
    is_me: bool = False


@dataclass
class Leaderboard:
    period: str
    scope: str
    #: The county, street or community ranked (None for everyone).
    organisation: Organisation | None
    items: list[RankedLearner]
    count: int
    #: The viewer's rank (None when they are outside the scope) and points.
    my_rank: int | None
    my_points: int
    near_me: list[RankedLearner] = field(default_factory=list)


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise LeaderboardError(_("period 只能是 week、month 或 all。"))
    return period


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise LeaderboardError(_("level 只能是 county、street 或 community。"))
    return level


def home_organisation(viewer: User) -> Organisation | None:
    profile = LearnerProfile.objects.select_related("organisation").filter(user=viewer).first()
    return profile.organisation if profile else None


def resolve_scope(
    *, home: Organisation | None, scope: str | None, organisation_id: int | None
) -> tuple[str, Organisation | None]:
    """The scope and the organisation it ranks, relative to ``organisation_id`` or ``home``.

    Without ``scope``, an explicit organisation ranks that organisation and no organisation
    ranks everyone. ``scope=street`` with a community means the street that community is in.
    """
    if scope is not None and scope not in SCOPES:
        raise LeaderboardError(_("scope 只能是 all、county、street 或 community。"))
    anchor = home
    if organisation_id is not None:
        anchor = Organisation.objects.filter(pk=organisation_id).first()
        if anchor is None:
            raise OrganisationNotFound(_("没有这个组织机构。"))
        scope = scope or str(anchor.kind)
    scope = scope or "all"
    if scope == "all":
        return scope, None
    if anchor is None:
        raise LeaderboardError(_("你还没有所属社区，请用 organisation 指定要看的机构。"))
    depth = DEPTH[scope]
    if anchor.depth < depth:
        raise LeaderboardError(_("%(name)s 不在这一层级之下。") % {"name": anchor.name})
    if anchor.depth > depth:
        anchor = Organisation.objects.get(path=anchor.path[: Organisation.steplen * depth])
    return scope, anchor


def _scope_filter(scope: str, organisation: Organisation | None) -> Q:
    if organisation is None:
        # Everyone with a community: staff accounts that happen to have points are not ranked.
        return Q(community__isnull=False)
    return Q(**{f"{scope}_id": organisation.pk})


def _totals(
    period: str, scope: str, organisation: Organisation | None, now: datetime | None
) -> QuerySet[PointTotal]:
    start = period_starts(now)[period]
    return PointTotal.objects.filter(_scope_filter(scope, organisation), period=period).filter(
        period_start=start
    )


def _ranked(row: PointTotal, rank: int | None, viewer: User) -> RankedLearner:
    return RankedLearner(
        rank=rank,
        learner_id=row.learner_id,
        name=row.learner.name,
        organisation_id=row.community_id,
        organisation_name=row.community.name if row.community else "",
        points=row.points,
        is_me=row.learner_id == viewer.pk,
    )


def leaderboard(
    *,
    viewer: User,
    period: str,
    scope: str | None = None,
    organisation_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
    near: int = 2,
    now: datetime | None = None,
) -> Leaderboard:
    """One page of a leaderboard, the viewer's own standing and the learners around them.

    ``now`` picks the week or month shown (the current one by default).
    """
    check_period(period)
    home = home_organisation(viewer)
    scope, organisation = resolve_scope(home=home, scope=scope, organisation_id=organisation_id)
    totals = _totals(period, scope, organisation, now)
    in_scope = home is not None and (
        organisation is None or home.path.startswith(organisation.path)
    )
    my_points = totals.filter(learner=viewer).values_list("points", flat=True).first() or 0
    offset = (page - 1) * page_size
    rows = list(
        totals.select_related("learner", "community").order_by("-points", "learner_id")[
            offset : offset + page_size
        ]
    )
    above, below = _neighbours(totals, viewer, my_points, near) if in_scope else ([], [])
    wanted = {row.points for row in above + below}
    if in_scope:
        wanted.add(my_points)
    if rows and offset:
        wanted.add(rows[0].points)
    count, rank_of = _count_and_ranks(totals, wanted)
    my_rank = rank_of[my_points] if in_scope else None
    near_me = [_ranked(row, rank_of[row.points], viewer) for row in above]
    if in_scope and near:
        me = RankedLearner(my_rank, viewer.pk, viewer.name, home.pk, home.name, my_points, True)
        near_me.append(me)
    near_me += [_ranked(row, rank_of[row.points], viewer) for row in below]
    return Leaderboard(
        period=period,
        scope=scope,
        organisation=organisation,
        items=_rank_page(rows, offset, rank_of, viewer),
        count=count,
        my_rank=my_rank,
        my_points=my_points,
        near_me=near_me,
    )


def _neighbours(
    totals: QuerySet[PointTotal], viewer: User, my_points: int, near: int
) -> tuple[list[PointTotal], list[PointTotal]]:
    """The ``near`` learners just above and just below the viewer, best first.

    The viewer's place is taken in the order (-points, learner id), so it is defined even
    when they have no points (no row) yet; ties keep a stable order.
    """
    if not near:
        return [], []
    nearby = totals.select_related("learner", "community").exclude(learner=viewer)
    above = nearby.filter(Q(points__gt=my_points) | Q(points=my_points, learner_id__lt=viewer.pk))
    below = nearby.filter(Q(points__lt=my_points) | Q(points=my_points, learner_id__gt=viewer.pk))
    return (
        list(above.order_by("points", "-learner_id")[:near])[::-1],
        list(below.order_by("-points", "learner_id")[:near]),
    )


def _count_and_ranks(totals: QuerySet[PointTotal], values: set[int]) -> tuple[int, dict[int, int]]:
    """How many are ranked, and the rank of each points value (1 + how many have more)."""
    ordered = sorted(values)
    counts = totals.aggregate(
        count=Count("points"),
        **{
            f"above_{index}": Count("points", filter=Q(points__gt=value))
            for index, value in enumerate(ordered)
        },
    )
    return counts["count"], {
        value: counts[f"above_{index}"] + 1 for index, value in enumerate(ordered)
    }


def _rank_page(
    rows: list[PointTotal], offset: int, rank_of: dict[int, int], viewer: User
) -> list[RankedLearner]:
    """Competition ranks down a page: a tie repeats the rank, the next one skips (1, 1, 3)."""
    items: list[RankedLearner] = []
    for index, row in enumerate(rows):
        if index == 0:
            rank = rank_of[row.points] if offset else 1
        elif row.points == rows[index - 1].points:
            rank = items[-1].rank
        else:
            rank = offset + index + 1
        items.append(_ranked(row, rank, viewer))
    return items


@dataclass(frozen=True)
class RankedOrganisation:
    rank: int
    organisation: Organisation
    members: int
    total_points: int
    average_points: float
    is_mine: bool = False


def organisation_ranking(
    *, period: str, level: str, home: Organisation | None = None, now: datetime | None = None
) -> list[RankedOrganisation]:
    """Organisations of one level ranked by average points per member (then total).

    Members are all learners in the organisation's subtree, including those with no points
    this period, so a community is not ranked higher for having fewer active learners on
    its books. Served from the cache for up to
    ``settings.POINTS_ORGANISATION_RANKING_CACHE_SECONDS`` (it aggregates a whole period);
    otherwise three queries: organisations, members per community, points per organisation.
    """
    check_period(period)
    check_level(level)
    start = period_starts(now)[period]
    cache_key = f"points:organisation-ranking:{level}:{period}:{start.isoformat()}"
    ranking = cache.get(cache_key)
    if ranking is None:
        ranking = _rank_organisations(level=level, period=period, start=start)
        cache.set(cache_key, ranking, settings.POINTS_ORGANISATION_RANKING_CACHE_SECONDS)
    if home is None:
        return ranking
    mine = home.path[: Organisation.steplen * DEPTH[level]]
    return [replace(item, is_mine=item.organisation.path == mine) for item in ranking]


def _rank_organisations(*, level: str, period: str, start: date) -> list[RankedOrganisation]:
    prefix = Organisation.steplen * DEPTH[level]
    organisations = {
        org.path: org for org in Organisation.objects.filter(kind=level).order_by("path")
    }
    members: dict[str, int] = {}
    for path, count in (
        LearnerProfile.objects.values_list("organisation__path")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        members[path[:prefix]] = members.get(path[:prefix], 0) + count
    totals = dict(
        PointTotal.objects.filter(period=period, period_start=start, **{f"{level}__isnull": False})
        .values_list(f"{level}_id")
        .annotate(total=Sum("points"))
        .order_by()
    )
    scored = []
    for path, org in organisations.items():
        count = members.get(path, 0)
        if not count:
            continue
        total = totals.get(org.pk, 0)
        scored.append((round(total / count, 2), total, count, org))
    scored.sort(key=lambda item: (-item[0], -item[1], item[3].path))
    ranking: list[RankedOrganisation] = []
    for index, (average, total, count, org) in enumerate(scored):
        rank = index + 1
        if ranking and ranking[-1].average_points == average:
            rank = ranking[-1].rank
        ranking.append(
            RankedOrganisation(
                rank=rank,
                organisation=org,
                members=count,
                total_points=total,
                average_points=average,
            )
        )
    return ranking


@dataclass(frozen=True)
class MyStanding:
    """A learner's points and rank in each period and scope, plus level and streak."""

    points: dict[str, int]
    #: period -> scope -> rank (None for a scope the learner has no organisation in)
    ranks: dict[str, dict[str, int | None]]
    badge: str
    next_badge: str
    points_to_next_badge: int
    streak_days: int


def badge_for(total: int) -> tuple[str, str, int]:
    """(current badge or "", next badge or "", points still needed for it)."""
    current = ""
    for threshold, name in BADGES:
        if total >= threshold:
            current = str(name)
        else:
            return current, str(name), threshold - total
    return current, "", 0


def streak_days(learner: User) -> int:
    """Consecutive local days, up to today, with any ledger entry (连续学习天数).

    A day without points yet today does not break the streak until the day is over.
    """
    local = timezone.get_default_timezone()
    today = timezone.localtime(timezone.now(), local).date()
    days = set(
        LedgerEntry.objects.filter(
            learner=learner, created_at__gte=timezone.now() - timedelta(days=400)
        )
        .annotate(day=TruncDate("created_at", tzinfo=local))
        .values_list("day", flat=True)
        .distinct()
    )
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def my_standing(viewer: User) -> MyStanding:
    """Everything the "my points" page shows about the viewer's rank (a few queries)."""
    home = home_organisation(viewer)
    places = organisation_columns(home)
    starts = period_starts()
    summary = points_summary(viewer)
    points = {
        PointPeriod.WEEK: summary["week"],
        PointPeriod.MONTH: summary["month"],
        PointPeriod.ALL: summary["total"],
    }
    ranks: dict[str, dict[str, int | None]] = {}
    for period in PERIODS:
        ranks[period] = dict.fromkeys(SCOPES)
        if home is None:
            continue
        filters = {"all": Count("points")}
        for scope in LEVELS:
            if places[f"{scope}_id"] is not None:
                filters[scope] = Count("points", filter=Q(**{f"{scope}_id": places[f"{scope}_id"]}))
        above = PointTotal.objects.filter(
            period=period,
            period_start=starts[period],
            community__isnull=False,
            points__gt=points[period],
        ).aggregate(**filters)
        ranks[period].update({scope: count + 1 for scope, count in above.items()})
    badge, next_badge, missing = badge_for(points[PointPeriod.ALL])
    return MyStanding(
        points=points,
        ranks=ranks,
        badge=badge,
        next_badge=next_badge,
        points_to_next_badge=missing,
        streak_days=streak_days(viewer),
    )


def points_history(learner: User) -> QuerySet[LedgerEntry]:
    """The learner's ledger, newest first."""
    return LedgerEntry.objects.filter(learner=learner).order_by("-created_at", "-pk")


def home_standing(viewer: User) -> dict:
    """The home page's "my points and rank": totals plus weekly and all-time rank (2 queries)."""
    summary = points_summary(viewer)
    starts = period_starts()
    mine = {PointPeriod.WEEK: summary["week"], PointPeriod.ALL: summary["total"]}
    above = PointTotal.objects.filter(community__isnull=False).aggregate(
        **{
            str(period): Count(
                "pk",
                filter=Q(period=period, period_start=starts[period], points__gt=points),
            )
            for period, points in mine.items()
        }
    )
    return {
        **summary,
        "week_rank": above[str(PointPeriod.WEEK)] + 1,
        "rank": above[str(PointPeriod.ALL)] + 1,
    }
