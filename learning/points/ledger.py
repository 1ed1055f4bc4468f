"""The points ledger (积分): the one way any app gives a learner points.

Apps above the core call :func:`award` when something worth points happens; it applies the
organisers' rule and daily cap and writes one ledger row with an idempotency key, all in one
transaction, so double submits, retried tasks and parallel requests never award twice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import time_ns

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, F, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from learning.models import (
    LearnerProfile,
    LedgerEntry,
    Organisation,
    PointAction,
    PointPeriod,
    PointRule,
    PointTotal,
    User,
)
from learning.platform import raw_sql
from learning.platform.process_memo import ProcessMemo
from learning.points.default_rules import DEFAULT_RULES


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
    full_key = ledger_key(learner=learner, action=action, key=key)
    moment = now or timezone.now()
    rule, settled = _read_before_lock(
        learner=learner, action=action, full_key=full_key, points=points, moment=moment
    )
    if settled:
        return 0
    rule = rule or rule_for(action)
    if not rule.active:
        return 0
    value = rule.points if points is None else points
    with transaction.atomic():
        # Serialise awards per learner so two parallel requests cannot both pass the cap.
        User.objects.select_for_update().filter(pk=learner.pk).first()
        if LedgerEntry.objects.filter(key=full_key).exists():
            return 0
        if rule.daily_cap and value > 0:
            start = local_day_start(moment)
            earned = (
                LedgerEntry.objects.filter(
                    learner=learner,
                    action=action,
                    created_at__gte=start,
                    created_at__lt=start + timedelta(days=1),
                ).aggregate(total=Sum("points"))["total"]
                or 0
            )
            value = _within_cap(rule, value, earned)
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
                    created_at=moment,
                )
        except IntegrityError:
            return 0  # a parallel request with the same key won
        _add_to_totals(learner=learner, points=value, moment=moment)
    return value


@functools.cache
def _settled_sql() -> str:
    # Hand-written (learning.platform.raw_sql): the rule, the key and the day's points in one read.
    # Measured, ORM against this SQL (the same read as a PointRule queryset with Exists and a Sum
    # subquery): SQLite 1.650 against 0.053 ms CPU a call (31.1x), PostgreSQL 2.042 against 0.134
    # (15.2x); bench/orm_vs_sql.py, 2026-12-07, 2,000 learners, medians of 15 rounds of 200 calls,
    # bench/RESULTS.md "Session 7".
    rule, ledger = PointRule, LedgerEntry
    col = raw_sql.column
    return (
        f"SELECT r.{col(rule, 'id')}, r.{col(rule, 'points')}, "  # noqa: S608
        f"r.{col(rule, 'daily_cap')}, r.{col(rule, 'active')}, "
        f"EXISTS (SELECT 1 FROM {raw_sql.table(ledger)} WHERE {col(ledger, 'key')} = %s), "
        f"CASE WHEN r.{col(rule, 'daily_cap')} > 0 THEN "
        f"(SELECT COALESCE(SUM(e.{col(ledger, 'points')}), 0) FROM {raw_sql.table(ledger)} e "
        f"WHERE e.{col(ledger, 'learner')} = %s "
        f"AND e.{col(ledger, 'action')} = r.{col(rule, 'action')} "
        f"AND e.{col(ledger, 'created_at')} >= %s AND e.{col(ledger, 'created_at')} < %s) "
        f"ELSE 0 END FROM {raw_sql.table(rule)} r WHERE r.{col(rule, 'action')} = %s"
    )


def awards_nothing(*, learner: User, action: str, key: str, now: datetime) -> bool:
    """Whether ``award`` would now certainly award nothing for this key: the rule is
    inactive, the key was awarded or the day's cap is used up. One read, without a lock.

    For callers that write something else with an award and can skip their transaction
    when there is none to make (a practice answer asked again, or after the day's cap).
    A False may still award nothing: ``award`` decides under its lock.
    """
    statement = awards_nothing_statement(learner=learner, action=action, key=key, now=now)
    return awards_nothing_from(raw_sql.fetch(*statement))


def awards_nothing_statement(
    *, learner: User, action: str, key: str, now: datetime
) -> tuple[str, list]:
    """The read of ``awards_nothing``, to send with others (``raw_sql.fetch_together``)."""
    full_key = ledger_key(learner=learner, action=action, key=key)
    return _settled_statement(learner=learner, action=action, full_key=full_key, moment=now)


def awards_nothing_from(fetched: list) -> bool:
    """``awards_nothing`` from the rows of its statement."""
    return _settled_from(fetched, action="", points=None)[1]


def _settled_statement(
    *, learner: User, action: str, full_key: str, moment: datetime
) -> tuple[str, list]:
    start = local_day_start(moment)
    return _settled_sql(), [
        full_key,
        learner.pk,
        raw_sql.db_datetime(start),
        raw_sql.db_datetime(start + timedelta(days=1)),
        action,
    ]


def _read_before_lock(
    *, learner: User, action: str, full_key: str, points: int | None, moment: datetime
) -> tuple[PointRule | None, bool]:
    """The action's rule (None if it was deleted) and whether ``award`` would certainly award
    nothing: the rule is inactive, the key was awarded already or the day's cap is used up.
    One read, without the lock.

    Most calls are repeats (a question answered again, a page revisited) or come after the
    cap: this spares them the per-learner lock and the checks under it. Answering 0 from a
    read is safe without the lock, as nothing is written: it is the answer ``award`` would
    have given just before whatever commits next. Anything else takes the locked path,
    which checks the key and the cap again.
    """
    statement = _settled_statement(learner=learner, action=action, full_key=full_key, moment=moment)
    return _settled_from(raw_sql.fetch(*statement), action=action, points=points)


def _settled_from(
    fetched: list, *, action: str, points: int | None
) -> tuple[PointRule | None, bool]:
    if not fetched:
        return None, False
    rule_id, rule_points, daily_cap, active, key_taken, earned = fetched[0]
    rule = PointRule(
        id=rule_id, action=action, points=rule_points, daily_cap=daily_cap, active=bool(active)
    )
    if not rule.active or key_taken:
        return rule, True
    value = rule_points if points is None else points
    return rule, bool(daily_cap) and value > 0 and earned >= daily_cap


def _within_cap(rule: PointRule, value: int, earned: int) -> int:
    """What is left of the rule's daily cap for a positive award (0 when used up)."""
    if not rule.daily_cap or value <= 0:
        return value
    return max(0, min(value, rule.daily_cap - earned))


@dataclass(frozen=True)
class PendingAward:
    """One event for :func:`award_history`: what happened, its key and when."""

    action: str
    key: str
    at: datetime
    points: int | None = None
    note: str = ""


def award_history(*, learner: User, events: Iterable[PendingAward]) -> int:
    """Award many events of one learner at once, as ``award`` would one by one in time order.

    The same rules, idempotency keys and daily caps apply, but the rules, the keys already
    awarded and the day's earlier points are read once for the whole batch, and rows and
    totals are written in bulk: a few queries per learner instead of several per event.
    For demo histories, imports and back-filling. Returns the points awarded.
    """
    pending = sorted(events, key=lambda event: event.at)
    unknown = {event.action for event in pending} - set(PointAction.values)
    if unknown:
        raise UnknownAction(", ".join(sorted(unknown)))
    if not pending:
        return 0
    rules = {action: rule_for(action) for action in {event.action for event in pending}}
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=learner.pk).first()
        keys = {
            event: ledger_key(learner=learner, action=event.action, key=event.key)
            for event in pending
        }
        taken = set(LedgerEntry.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        earned: dict[tuple[str, datetime], int] = {}
        capped = [action for action, rule in rules.items() if rule.daily_cap]
        first_day = local_day_start(pending[0].at)
        last_day = local_day_start(pending[-1].at) + timedelta(days=1)
        for action, at, points in LedgerEntry.objects.filter(
            learner=learner, action__in=capped, created_at__gte=first_day, created_at__lt=last_day
        ).values_list("action", "created_at", "points"):
            day = (action, local_day_start(at))
            earned[day] = earned.get(day, 0) + points
        rows = []
        for event in pending:
            rule = rules[event.action]
            if not rule.active or keys[event] in taken:
                continue
            taken.add(keys[event])
            day = (event.action, local_day_start(event.at))
            value = _within_cap(
                rule, rule.points if event.points is None else event.points, earned.get(day, 0)
            )
            if value == 0:
                continue
            earned[day] = earned.get(day, 0) + value
            rows.append(
                LedgerEntry(
                    learner=learner,
                    action=event.action,
                    points=value,
                    key=keys[event],
                    note=event.note[:200],
                    created_at=event.at,
                )
            )
        LedgerEntry.objects.bulk_create(rows)
        deltas: dict[tuple[str, date], int] = {}
        for row in rows:
            for period, start in period_starts(row.created_at).items():
                deltas[(period, start)] = deltas.get((period, start), 0) + row.points
        _add_deltas_to_totals(learner=learner, deltas=deltas)
    return sum(row.points for row in rows)


_EPOCH_KEY = "points:board-epoch"


def _version_key(period: str, start: date) -> str:
    return f"points:board-version:{period}:{start.isoformat()}"


def board_version(period: str, start: date) -> str:
    """The cache version of one period's leaderboards; it changes whenever their totals may.

    ``award`` bumps the versions of the periods it adds to, both at once and after the
    commit: a board read between the two is cached under the version the commit replaces.
    ``move_totals`` and the rebuilds bump the epoch, which every period's version includes.
    A missing version (evicted, or a fresh cache) is created, never assumed.
    """
    keys = [_EPOCH_KEY, _version_key(period, start)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time_ns(), None)
            found[key] = cache.get(key)
    return f"{found[keys[0]]}-{found[keys[1]]}"


def _bump_versions(keys: list[str]) -> None:
    def bump() -> None:
        cache.set_many(dict.fromkeys(keys, time_ns()), None)

    bump()
    transaction.on_commit(bump)


def bump_board_versions(moments: Iterable[datetime | None]) -> None:
    """Leaderboards of the week, month and all time of each moment change (an award)."""
    _bump_versions(
        sorted(
            {
                _version_key(period, start)
                for moment in moments
                for period, start in period_starts(moment).items()
            }
        )
    )


def bump_board_epoch() -> None:
    """Every leaderboard may change (a learner moved, totals rebuilt)."""
    _bump_versions([_EPOCH_KEY])


def period_starts(moment: datetime | None = None) -> dict[str, date]:
    """The first local day of the week (Monday), month and all time that ``moment`` is in."""
    day = timezone.localtime(moment or timezone.now(), timezone.get_default_timezone()).date()
    return {
        PointPeriod.WEEK: day - timedelta(days=day.weekday()),
        PointPeriod.MONTH: day.replace(day=1),
        PointPeriod.ALL: PointTotal.ALL_TIME_START,
    }


def totals_at(moment: datetime | None = None) -> Q:
    """Filter for the week, month and all-time total rows that ``moment`` counts towards."""
    match = Q()
    for period, start in period_starts(moment).items():
        match |= Q(period=period, period_start=start)
    return match


def organisation_columns(organisation: Organisation | None) -> dict[str, int | None]:
    """The county, street and community ids a learner's totals are filed under."""
    columns: dict[str, int | None] = {"county_id": None, "street_id": None, "community_id": None}
    if organisation is None:
        return columns
    prefixes = {
        organisation.path[: Organisation.steplen * depth]: name
        for depth, name in ((1, "county_id"), (2, "street_id"), (3, "community_id"))
        if depth <= organisation.depth
    }
    for path, pk in Organisation.objects.filter(path__in=prefixes).values_list("path", "pk"):
        columns[prefixes[path]] = pk
    return columns


def _add_to_totals(*, learner: User, points: int, moment: datetime) -> None:
    """Add an award to the learner's week, month and all-time totals.

    Runs inside ``award``'s transaction after the per-learner lock, so the rows cannot be
    created twice; the increment is done by the database (``F``), never read-modify-write.
    """
    starts = period_starts(moment)
    bump_board_versions([moment])
    rows = PointTotal.objects.filter(totals_at(moment), learner=learner)
    if rows.update(points=F("points") + points) == len(starts):
        return
    existing = set(rows.values_list("period", flat=True))
    places = _places_of(learner)
    PointTotal.objects.bulk_create(
        PointTotal(learner=learner, period=period, period_start=start, points=points, **places)
        for period, start in starts.items()
        if period not in existing
    )


def _places_of(learner: User) -> dict[str, int | None]:
    profile = LearnerProfile.objects.select_related("organisation").filter(user=learner).first()
    return organisation_columns(profile.organisation if profile else None)


def _add_deltas_to_totals(*, learner: User, deltas: dict[tuple[str, date], int]) -> None:
    """Add many (period, start) -> points at once; the caller holds the learner's lock."""
    if not deltas:
        return
    _bump_versions(sorted({_version_key(period, start) for period, start in deltas}))
    match = Q()
    for period, start in deltas:
        match |= Q(period=period, period_start=start)
    existing = {
        (row.period, row.period_start): row
        for row in PointTotal.objects.filter(match, learner=learner)
    }
    for key, row in existing.items():
        row.points += deltas[key]
    PointTotal.objects.bulk_update(existing.values(), ["points"])
    missing = [key for key in deltas if key not in existing]
    if missing:
        places = _places_of(learner)
        PointTotal.objects.bulk_create(
            PointTotal(
                learner=learner,
                period=period,
                period_start=start,
                points=deltas[(period, start)],
                **places,
            )
            for period, start in missing
        )


def move_totals(*, profile: LearnerProfile) -> None:
    """File a learner's totals under their (new) organisation, so scoped rankings follow."""
    places = organisation_columns(profile.organisation)
    if PointTotal.objects.filter(learner_id=profile.user_id).exclude(**places).update(**places):
        bump_board_epoch()


def move_totals_of(*, learners: dict[int, Organisation]) -> None:
    """``move_totals`` for many learners at once (learner id -> new community), as a roster
    import moves them: two statements however many learners move."""
    if not learners:
        return
    prefixes = {
        organisation.path[: Organisation.steplen * depth]
        for organisation in learners.values()
        for depth in range(1, organisation.depth + 1)
    }
    ids = dict(Organisation.objects.filter(path__in=prefixes).values_list("path", "pk"))
    step = Organisation.steplen
    rows = [
        {
            "learner_id": learner_id,
            "county_id": ids.get(org.path[:step]),
            "street_id": ids.get(org.path[: 2 * step]),
            "community_id": ids.get(org.path[: 3 * step]),
        }
        for learner_id, org in learners.items()
    ]
    # learning.platform.raw_sql.update_rows: bulk_update's CASE per learner cost more than the rest.
    fields = ["county_id", "street_id", "community_id"]
    if raw_sql.update_rows(PointTotal, rows, fields, key="learner"):
        bump_board_epoch()


def adjust_points(*, learner: User, points: int, reason: str, by: User, key: str) -> int:
    """An organiser's manual adjustment (人工调整): a new ledger row, never an edit.

    ``key`` comes from the form that was shown, so submitting the same form twice adjusts once.
    """
    if points == 0:
        raise ValueError("points must not be zero")
    return award(
        learner=learner,
        action=PointAction.MANUAL_ADJUSTMENT,
        key=f"manual:{key}",
        points=points,
        note=reason,
        by=by,
    )


def record_daily_login(*, user: User, now: datetime | None = None) -> int:
    """Award a learner the day's log-in points (每日登录) the first time they are seen today.

    Called on every site log-in and every token-authenticated API request, so a cache entry
    per learner and local day makes all but the first call of the day free.
    """
    moment = now or timezone.now()
    day = timezone.localtime(moment, timezone.get_default_timezone()).date().isoformat()
    seen_key = f"points:login:{user.pk}:{day}"
    if _SEEN_TODAY.get(seen_key) or cache.get(seen_key):
        _SEEN_TODAY.set(seen_key, True)
        return 0
    awarded = 0
    # Another worker (with its own memory cache) may have seen the learner today already:
    # one indexed read then spares the rule lookup, the lock and the transaction.
    done = LedgerEntry.objects.filter(
        key=ledger_key(learner=user, action=PointAction.DAILY_LOGIN, key=day)
    ).exists()
    if not done and LearnerProfile.objects.filter(user=user).exists():
        awarded = award(learner=user, action=PointAction.DAILY_LOGIN, key=day, now=moment)
    cache.set(seen_key, True, 60 * 60 * 25)
    _SEEN_TODAY.set(seen_key, True)
    return awarded


#: Learners seen today by this worker, in front of the shared cache's flag: every API request
#: asks, and once a day's log-in is recorded it stays recorded.
_SEEN_TODAY = ProcessMemo(max_entries=20_000)


@dataclass
class RebuildReport:
    """What ``rebuild_totals`` found (and, unless checking, fixed)."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


_REBUILD_CHUNK = 2000
_PLACES = ("county_id", "street_id", "community_id")


def rebuild_totals(
    *, check_only: bool = False, learner_ids: Iterable[int] | None = None
) -> RebuildReport:
    """Recompute the totals of these learners (everyone by default) from the ledger.

    Works in chunks of learners, each in a transaction holding the same per-learner locks as
    ``award``, so it can run while points are being awarded. With ``check_only`` it only
    reports the differences.
    """
    if learner_ids is None:
        ids = set(LedgerEntry.objects.values_list("learner_id", flat=True).distinct())
        ids |= set(PointTotal.objects.values_list("learner_id", flat=True).distinct())
    else:
        ids = set(learner_ids)
    ordered = sorted(ids)
    report = RebuildReport()
    paths = dict(Organisation.objects.values_list("pk", "path"))
    for index in range(0, len(ordered), _REBUILD_CHUNK):
        _rebuild_chunk(ordered[index : index + _REBUILD_CHUNK], paths, report, check_only)
    if not check_only and (report.created or report.updated or report.deleted):
        bump_board_epoch()
    return report


def _expected_totals(chunk: list[int], paths: dict[int, str]) -> dict[tuple, tuple]:
    """(learner, period, start) -> (points, county, street, community) from the ledger."""
    local = timezone.get_default_timezone()
    entries = LedgerEntry.objects.filter(learner_id__in=chunk).order_by()
    sums: dict[tuple, int] = {}
    for period, trunc in ((PointPeriod.WEEK, TruncWeek), (PointPeriod.MONTH, TruncMonth)):
        rows = (
            entries.annotate(start=trunc("created_at", output_field=DateField(), tzinfo=local))
            .values_list("learner_id", "start")
            .annotate(total=Sum("points"))
        )
        for learner_id, start, total in rows:
            sums[(learner_id, str(period), start)] = total
    for learner_id, total in entries.values_list("learner_id").annotate(total=Sum("points")):
        sums[(learner_id, str(PointPeriod.ALL), PointTotal.ALL_TIME_START)] = total
    by_path = {path: pk for pk, path in paths.items()}
    places = {}
    for learner_id, organisation_id in LearnerProfile.objects.filter(user_id__in=chunk).values_list(
        "user_id", "organisation_id"
    ):
        path = paths[organisation_id]
        places[learner_id] = tuple(
            by_path.get(path[: Organisation.steplen * depth])
            if len(path) >= Organisation.steplen * depth
            else None
            for depth in (1, 2, 3)
        )
    return {key: (total, *places.get(key[0], (None, None, None))) for key, total in sums.items()}


def _rebuild_chunk(
    chunk: list[int], paths: dict[int, str], report: RebuildReport, check_only: bool
) -> None:
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
        expected = _expected_totals(chunk, paths)
        current = {
            (row.learner_id, row.period, row.period_start): row
            for row in PointTotal.objects.filter(learner_id__in=chunk)
        }
        to_update, to_delete = [], []
        for key, row in current.items():
            want = expected.get(key)
            have = (row.points, row.county_id, row.street_id, row.community_id)
            if want is None:
                report.differences.append(f"{_describe(key)}：多余的合计 {row.points}")
                to_delete.append(row.pk)
            elif want != have:
                report.differences.append(f"{_describe(key)}：合计 {have} 应为 {want}")
                row.points = want[0]
                for name, value in zip(_PLACES, want[1:], strict=True):
                    setattr(row, name, value)
                to_update.append(row)
        to_create = []
        for key, want in expected.items():
            if key not in current:
                report.differences.append(f"{_describe(key)}：缺少合计 {want[0]}")
                learner_id, period, start = key
                places = dict(zip(_PLACES, want[1:], strict=True))
                to_create.append(
                    PointTotal(
                        learner_id=learner_id,
                        period=period,
                        period_start=start,
                        points=want[0],
                        **places,
                    )
                )
        if check_only:
            return
        PointTotal.objects.filter(pk__in=to_delete).delete()
        PointTotal.objects.bulk_update(to_update, ["points", *_PLACES], batch_size=1000)
        PointTotal.objects.bulk_create(to_create, batch_size=1000)
        report.deleted += len(to_delete)
        report.updated += len(to_update)
        report.created += len(to_create)


def rebuild_all_totals() -> int:
    """Recompute every total from the ledger set-based, for bulk loads; returns the rows.

    ``rebuild_totals`` compares learner by learner in Python, which takes many minutes over
    issue 7's 5,000,000 ledger rows. This replaces the whole totals table in one transaction
    with three ``INSERT … SELECT … GROUP BY learner, period start`` (weeks, months, all
    time), each one sequential scan of the ledger: a ``CASE`` over the local midnights that
    start every week and month the ledger spans (computed here, so any time zone, DST
    included, is exact on every database) names each row's period. The county, street and
    community are joined from the learner's organisation path as
    :func:`organisation_columns` finds them. On PostgreSQL the totals table is locked
    first: an award running meanwhile waits, then adds its points to the rebuilt row (its
    ledger row was not visible to the rebuild); SQLite serialises writers anyway. Meant for
    benchmark loads and imports: awards wait for it.
    """
    bounds = LedgerEntry.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if bounds["first"] is None:
        PointTotal.objects.all().delete()
        return 0
    quote = connection.ops.quote_name
    totals, ledger = quote(PointTotal._meta.db_table), quote(LedgerEntry._meta.db_table)
    profiles = quote(LearnerProfile._meta.db_table)
    organisations = quote(Organisation._meta.db_table)
    places = " ".join(
        f"LEFT JOIN {organisations} o{depth} ON o.depth >= {depth} "
        f"AND o{depth}.path = SUBSTR(o.path, 1, {Organisation.steplen * depth})"
        for depth in (1, 2, 3)
    )
    # Measured, ORM against this SQL (emptying the table, then rebuild_totals, the ORM's
    # learner-by-learner rebuild; 2,000 learners' ledger, rolled back): SQLite 1,304 against 159 ms
    # CPU (8.2x, wall 9.2x), PostgreSQL 657-666 against 3.7-4.0 ms CPU (wall 1,847-2,842 against
    # 529-932 ms, 3.0-3.5x); bench/orm_vs_sql.py, 2026-12-07, medians of 5 rounds,
    # bench/RESULTS.md "Session 7".
    written = 0
    with raw_sql.bulk_writes(), transaction.atomic(), connection.cursor() as cursor:
        # Writers wait (awards), readers (leaderboards) still see the old totals.
        raw_sql.lock_out_writers(PointTotal)
        cursor.execute(f"DELETE FROM {totals}")  # noqa: S608 - a model's table name
        for period in PointPeriod.values:
            start, params = _period_start_sql(period, bounds["first"], bounds["last"])
            cursor.execute(
                # Table names from the models; every value is a parameter.
                f"INSERT INTO {totals} (learner_id, period, period_start, points, "  # noqa: S608
                "county_id, street_id, community_id) "
                "SELECT g.learner_id, %s, g.start, g.total, o1.id, o2.id, o3.id FROM "
                f"(SELECT learner_id, {start} AS start, SUM(points) AS total FROM {ledger} "
                # By position: with values bound on the server (PostgreSQL settings) the
                # repeated expression would have other parameters and not match.
                "GROUP BY 1, 2) g "
                f"LEFT JOIN {profiles} p ON p.user_id = g.learner_id "
                f"LEFT JOIN {organisations} o ON o.id = p.organisation_id {places}",
                [period, *params],
            )
            written += cursor.rowcount
    raw_sql.refresh_statistics(PointTotal, vacuum=True)  # index-only scans need it
    bump_board_epoch()
    return written


def _period_start_sql(period: str, first: datetime, last: datetime) -> tuple[str, list]:
    """SQL naming the start date of the ``period`` that ``created_at`` is in, and its params.

    ``CASE WHEN created_at < <next start> THEN <start> …`` over the local midnights
    from the period of ``first`` to that of ``last``.
    """
    ops = connection.ops
    if period == PointPeriod.ALL:
        return "%s", [ops.adapt_datefield_value(PointTotal.ALL_TIME_START)]
    start, last_start = period_starts(first)[period], period_starts(last)[period]
    branches, params = [], []
    while start <= last_start:
        following = (
            start + timedelta(days=7)
            if period == PointPeriod.WEEK
            else (start + timedelta(days=32)).replace(day=1)
        )
        branches.append("WHEN created_at < %s THEN %s")
        params += [
            ops.adapt_datetimefield_value(_local_midnight(following)),
            ops.adapt_datefield_value(start),
        ]
        start = following
    cast = raw_sql.date_param()
    return f"CASE {' '.join(branches).replace('THEN %s', f'THEN {cast}')} END", params


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _describe(key: tuple) -> str:
    learner_id, period, start = key
    return f"学员 {learner_id} {period} {start:%Y-%m-%d}"


def bulk_load_history(entries: Iterable[LedgerEntry], *, batch_size: int = 5000) -> RebuildReport:
    """Insert ready-made ledger rows in bulk, then rebuild those learners' totals.

    For benchmark data sets and imports from another system: rows are written as given
    (``key`` must be unique; no rules or caps are applied, existing keys are skipped), which
    is far faster than ``award`` per row. Every row needs ``learner_id``, ``action``,
    ``points``, ``key`` and ``created_at``.
    """
    learner_ids: set[int] = set()
    batch: list[LedgerEntry] = []
    for entry in entries:
        learner_ids.add(entry.learner_id)
        batch.append(entry)
        if len(batch) >= batch_size:
            LedgerEntry.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    LedgerEntry.objects.bulk_create(batch, ignore_conflicts=True)
    return rebuild_totals(learner_ids=learner_ids)
