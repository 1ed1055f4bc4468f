# ruff: noqa: S608 - SQL here joins model table names and fixed fragments; values are params
"""Leaderboards (积分排名): selectors over the per-period totals, never over the ledger.

Ranking is competition ranking: learners with equal points share a rank and the next rank
skips (1, 1, 3). A learner's rank is ``1 + how many in the scope have more points``, which
is one indexed count on ``PointTotal``; a whole leaderboard answer (a page of the top, the
viewer's own rank and the learners just above and below them) is a handful of such queries
whatever the number of learners or ledger rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.accounts.selectors import points_summary
from learning.models import LearnerProfile, LedgerEntry, Organisation, PointPeriod, PointTotal, User
from learning.platform import raw_sql
from learning.points.default_rules import BADGES
from learning.points.ledger import board_version, organisation_columns, period_starts

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
    #: Whether the viewer is on this board: learners with no points in the period are not
    #: listed (未上榜), but still see their points (0) and the rank they share with them.
    listed: bool = False
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
    """The viewer's community (None without a profile or organisation): one query."""
    found = raw_sql.instances(Organisation, _home_sql(with_total=False), [viewer.pk])
    return found[0] if found else None


#: Columns of the viewer's own ``PointTotal`` row read with their home organisation.
_TOTAL_COLUMNS = ("points", "county_id", "street_id", "community_id")


def _home_and_total(viewer: User, period: str, start: date) -> tuple[Organisation | None, dict]:
    """The viewer's community and their totals row of the period (``{}`` without one), in one
    query: every leaderboard request needs both before it can rank anything."""
    found = raw_sql.instances(
        Organisation,
        _home_sql(with_total=True),
        [period, connection.ops.adapt_datefield_value(start), viewer.pk],
        annotations=[f"viewer_{name}" for name in _TOTAL_COLUMNS],
    )
    if not found:
        return None, {}
    home = found[0]
    total = {name: getattr(home, f"viewer_{name}") for name in _TOTAL_COLUMNS}
    return home, total if total["points"] is not None else {}


@functools.cache
def _home_sql(*, with_total: bool) -> str:
    # Hand-written (learning.platform.raw_sql): compiling the profile-and-organisation join cost more
    # than every ranking statement of a leaderboard request together. Measured, ORM against this
    # SQL: without the totals (Organisation.objects.filter(learners__user=...)[:1]) SQLite 0.333
    # against 0.032 ms CPU a call (10.4x), PostgreSQL 0.489 against 0.092 (5.3x); with them
    # (that and a PointTotal .values().first()) 1.049 against 0.043 (24.4x) and 1.271 against
    # 0.118 (10.8x); bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 rounds of
    # 200 calls, bench/RESULTS.md "Session 7".
    col = raw_sql.column
    columns, total_join = raw_sql.select_list(Organisation, "o"), ""
    if with_total:
        columns += "".join(f", t.{col(PointTotal, name)}" for name in _TOTAL_COLUMNS)
        total_join = (
            f"LEFT JOIN {raw_sql.table(PointTotal)} t "
            f"ON t.{col(PointTotal, 'learner')} = p.{col(LearnerProfile, 'user')} "
            f"AND t.{col(PointTotal, 'period')} = %s AND t.{col(PointTotal, 'period_start')} = %s "
        )
    return (
        f"SELECT {columns} FROM {raw_sql.table(LearnerProfile)} p "
        f"JOIN {raw_sql.table(Organisation)} o "
        f"ON o.{col(Organisation, 'id')} = p.{col(LearnerProfile, 'organisation')} "
        f"{total_join}WHERE p.{col(LearnerProfile, 'user')} = %s"
    )


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


@dataclass(frozen=True)
class _Board:
    """One period's totals in one scope, as SQL: the hot path of every leaderboard request.

    Hand-written SQL rather than querysets: each statement is one range of a ``pt_*``
    index, and at 100,000 learners compiling seven querysets cost more than running them.
    """

    period: str
    start: date
    scope: str
    organisation_id: int | None

    def where(self) -> tuple[str, list]:
        column = "community_id IS NOT NULL" if self.organisation_id is None else None
        params: list = [self.period, connection.ops.adapt_datefield_value(self.start)]
        if column is None:
            column = f"{self.scope}_id = %s"
            params.append(self.organisation_id)
        return f"t.period = %s AND t.period_start = %s AND t.{column}", params

    def holds(self, total: dict) -> bool:
        """Whether a learner's totals row of this period (``_TOTAL_COLUMNS``) is on this
        board: ``where()`` said in Python."""
        if self.organisation_id is None:
            return total["community_id"] is not None
        return total[f"{self.scope}_id"] == self.organisation_id

    def ranked(self, extra: str, extra_params: list, order: str, limit: int, offset: int = 0):
        """(learner, points, community) of a range of the board: one range of an index.

        The limit and offset are written into the statement: as parameters, PostgreSQL's
        generic plan of a prepared statement must assume a large limit, costs more than a
        fresh plan for ``LIMIT 2`` and so is never chosen, and every execution is planned anew.
        """
        where, params = self.where()
        return (
            f"SELECT t.learner_id, t.points, t.community_id FROM {_TOTALS} t "
            f"WHERE {where}{extra} ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}",
            [*params, *extra_params],
        )

    def cache_key(self, page: int, page_size: int, version: str) -> str:
        return (
            f"points:board:{self.period}:{self.start.isoformat()}:{self.scope}:"
            f"{self.organisation_id}:{page}:{page_size}:{version}"
        )


_TOTALS = connection.ops.quote_name(PointTotal._meta.db_table)
_USERS = connection.ops.quote_name(User._meta.db_table)
_ORGANISATIONS = connection.ops.quote_name(Organisation._meta.db_table)
_ORDER = "t.points DESC, t.learner_id"


def _with_names(ranked_sql: str) -> str:
    """(learner, points, community, name, community name) of the ``ranked`` rows ``n``: the
    names joined once, outside the index ranges (PostgreSQL plans a join per range otherwise)."""
    return (
        "SELECT n.learner_id, n.points, n.community_id, u.name, o.name "
        f"FROM ({ranked_sql}) n JOIN {_USERS} u ON u.id = n.learner_id "
        f"LEFT JOIN {_ORGANISATIONS} o ON o.id = n.community_id"
    )


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _page_and_count(board: _Board, page: int, page_size: int) -> tuple[list[tuple], int]:
    """A page of (learner, points, community, name, community name) rows and how many are
    ranked: the part every viewer shares, cached until an award changes the period's totals
    (``learning.points.ledger.board_version``) or ``POINTS_LEADERBOARD_CACHE_SECONDS`` pass."""
    seconds = settings.POINTS_LEADERBOARD_CACHE_SECONDS
    key = board.cache_key(page, page_size, board_version(board.period, board.start))
    cached = cache.get(key) if seconds else None
    if cached is not None:
        return cached
    # Measured, ORM against this SQL (.count() and .values_list(...names)[:50] on the board, page 1,
    # the cache off): SQLite 0.768-0.846 against 0.208-0.216 ms CPU a call (3.7-3.9x, wall
    # 3.8-4.0x), PostgreSQL 1.126-1.522 against 0.621-0.963 (1.6-1.8x; wall only 1.26-1.31x on the
    # loaded box); bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 and 31 rounds of
    # 200 calls, bench/RESULTS.md "Session 7". Kept for the CPU ratio on both engines, and because
    # the ORM's one query joins the names of every row an OFFSET skips (deep pages; not measured).
    where, params = board.where()
    count = _fetch(f"SELECT COUNT(*) FROM {_TOTALS} t WHERE {where}", params)[0][0]
    offset = (page - 1) * page_size
    rows = []
    # A page past the end is empty without asking: its OFFSET may not even fit a bigint.
    if offset < count:
        ranked, params = board.ranked("", [], _ORDER, page_size, offset)
        sql = f"{_with_names(ranked)} ORDER BY n.points DESC, n.learner_id"
        rows = [tuple(row) for row in _fetch(sql, params)]
    if seconds:
        cache.set(key, (rows, count), seconds)
    return rows, count


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

    ``now`` picks the week or month shown (the current one by default). The page and the
    number ranked may come from the cache (see ``_page_and_count``); the viewer's points,
    rank and neighbours are always read live, so they are exact.
    """
    check_period(period)
    start = period_starts(now)[period]
    home, total = _home_and_total(viewer, period, start)
    scope, organisation = resolve_scope(home=home, scope=scope, organisation_id=organisation_id)
    board = _Board(period, start, scope, organisation.pk if organisation else None)
    in_scope = home is not None and (
        organisation is None or home.path.startswith(organisation.path)
    )
    rows, count = _page_and_count(board, page, page_size)
    mine = in_scope and bool(total) and board.holds(total)
    my_points = total["points"] if mine else 0
    above, below = _neighbours(board, viewer, my_points, near) if in_scope else ([], [])
    offset = (page - 1) * page_size
    nearby = {row[1] for row in above + below}
    rank_of = _ranks(
        board,
        anchor=my_points if in_scope else None,
        nearby=nearby,
        others={rows[0][1]} if rows and offset else set(),
    )
    my_rank = rank_of[my_points] if in_scope else None
    near_me = [_ranked(row, rank_of[row[1]], viewer) for row in above]
    if in_scope and near:
        me = RankedLearner(my_rank, viewer.pk, viewer.name, home.pk, home.name, my_points, True)
        near_me.append(me)
    near_me += [_ranked(row, rank_of[row[1]], viewer) for row in below]
    return Leaderboard(
        period=period,
        scope=scope,
        organisation=organisation,
        items=_rank_page(rows, offset, rank_of, viewer),
        count=count,
        my_rank=my_rank,
        my_points=my_points,
        listed=mine,
        near_me=near_me,
    )


def _ranked(row: tuple, rank: int | None, viewer: User) -> RankedLearner:
    learner_id, points, community_id, name, community_name = row
    return RankedLearner(
        rank=rank,
        learner_id=learner_id,
        name=name,
        organisation_id=community_id,
        organisation_name=community_name or "",
        points=points,
        is_me=learner_id == viewer.pk,
    )


def _neighbours(
    board: _Board, viewer: User, my_points: int, near: int
) -> tuple[list[tuple], list[tuple]]:
    """The ``near`` learners just above and just below the viewer, best first.

    The viewer's place is taken in the order (-points, learner id), so it is defined even
    when they have no points (no row) yet; ties keep a stable order. One statement of four
    index seeks (the viewer's ties before and after them, the next points values above and
    below): a single ``OR`` condition cannot start at the viewer's place in the index, and
    at 100,000 learners that scan cost more than the rest of the leaderboard.
    """
    if not near:
        return [], []
    # Measured, ORM against this SQL (four sliced querysets: SQLite cannot UNION them): SQLite 1.754
    # against 0.074 ms CPU a call (23.7x), PostgreSQL 3.063 against 0.144 (21.3x);
    # bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 rounds of 200 calls,
    # bench/RESULTS.md "Session 7".
    me = [my_points, viewer.pk]
    parts = [
        board.ranked(" AND t.points = %s AND t.learner_id < %s", me, "t.learner_id DESC", near),
        board.ranked(" AND t.points > %s", [my_points], "t.points, t.learner_id DESC", near),
        board.ranked(" AND t.points = %s AND t.learner_id > %s", me, "t.learner_id", near),
        board.ranked(" AND t.points < %s", [my_points], _ORDER, near),
    ]
    sql = _with_names(
        " UNION ALL ".join(
            f"SELECT * FROM ({part}) n{index}" for index, (part, _p) in enumerate(parts)
        )
    )
    rows = _fetch(sql, [param for _part, params in parts for param in params])
    place = (-my_points, viewer.pk)
    ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
    above = [row for row in ordered if (-row[1], row[0]) < place][-near:]
    below = [row for row in ordered if (-row[1], row[0]) > place][:near]
    return above, below


def _ranks(
    board: _Board, *, anchor: int | None, nearby: set[int], others: set[int]
) -> dict[int, int]:
    """The rank (1 + how many in the scope have more points) of the viewer's points
    (``anchor``), of their neighbours' (``nearby``) and of ``others``, in one statement.

    Counting is the one cost that grows with the board: for the last of 100,000 learners it
    steps through every index entry above them. So each rank needs only one plain
    ``COUNT(*)`` over an index range (the cheapest form on both databases): the viewer's,
    and one per value of ``others``. The neighbours' ranks follow from the viewer's and a
    per-points histogram of the few rows between the lowest and highest neighbour.
    """
    # Measured, ORM against this SQL (a .count() per value and a values().annotate(Count)
    # histogram): SQLite 0.611 against 0.035 ms CPU a call (17.5x), PostgreSQL 0.888 against 0.125
    # (7.1x); bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 rounds of 200 calls,
    # bench/RESULTS.md "Session 7".
    counted = sorted(({anchor} if anchor is not None else set()) | others)
    if not counted:
        return {}
    where, params = board.where()
    parts = [
        (
            f"SELECT 0, CAST(%s AS INTEGER), COUNT(*) FROM {_TOTALS} t "
            f"WHERE {where} AND t.points > %s",
            [value, *params, value],
        )
        for value in counted
    ]
    if anchor is not None and nearby:
        low, high = min(nearby | {anchor}), max(nearby | {anchor})
        parts.append(
            (
                f"SELECT 1, t.points, COUNT(*) FROM {_TOTALS} t WHERE {where} "
                "AND t.points > %s AND t.points <= %s GROUP BY t.points",
                [*params, low, high],
            )
        )
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({part}) r{index}" for index, (part, _p) in enumerate(parts)
    )
    above: dict[int, int] = {}
    histogram: dict[int, int] = {}
    for kind, value, count in _fetch(sql, [param for _part, params in parts for param in params]):
        (histogram if kind else above)[value] = count
    for value in nearby - above.keys():
        if value >= anchor:  # more than the neighbour = more than me - those in (me, value]
            between = sum(n for points, n in histogram.items() if anchor < points <= value)
            above[value] = above[anchor] - between
        else:  # more than the neighbour = more than me + those in (value, me]
            between = sum(n for points, n in histogram.items() if value < points <= anchor)
            above[value] = above[anchor] + between
    return {value: count + 1 for value, count in above.items()}


def _rank_page(
    rows: list[tuple], offset: int, rank_of: dict[int, int], viewer: User
) -> list[RankedLearner]:
    """Competition ranks down a page: a tie repeats the rank, the next one skips (1, 1, 3)."""
    items: list[RankedLearner] = []
    for index, row in enumerate(rows):
        if index == 0:
            rank = rank_of[row[1]] if offset else 1
        elif row[1] == rows[index - 1][1]:
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
    # "v2": the cached rows are pickled RankedOrganisation objects, whose module moved to
    # learning.points.leaderboards (issue 22); copies made before cannot be unpickled.
    cache_key = f"points:organisation-ranking:v2:{level}:{period}:{start.isoformat()}"
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
    return streak_from(days, today)


def streak_from(days: set, today) -> int:
    """Consecutive days of ``days`` up to ``today``; today not yet in them breaks nothing."""
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
