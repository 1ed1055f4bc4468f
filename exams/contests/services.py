"""Contest papers (模考大赛): registration, the opening minute, reminders and the ranking.

A contest is a paper (``Paper.is_contest``) that opens for its whole audience (the paper's
target organisations and levels) at one announced minute, ``opens_at``, and closes at
``closes_at`` (by default the opening plus the time limit). The rules, enforced here and in
``exams.attempts.services``:

- a learner registers (报名) until ``registration_closes_at`` (by default the opening minute);
  registering again returns the same registration (a unique constraint, so two requests at
  once leave one row);
- only registered learners may start, and nobody before the opening minute;
- a late start gets the remaining time only: the deadline is the contest's close, not the
  start plus the time limit (``exams.attempts.services.deadline_for``);
- registered learners get an SMS the day before and an hour before the opening, through the
  reminder rules of kind ``contest`` (``contest_reminders`` below; the period keys
  ``contest-day:<id>`` and ``contest-hour:<id>`` make each go out once per learner);
- at the close the ranking is published: among all participants (the whole audience) and
  within the learner's county, street and community, with the rank and percentile of
  ``exams.attempts.report.standing`` (ties share a rank; the percentile is the share of the
  other participants with a strictly lower result, rounded down).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.attempts.report import Standing
from exams.attempts.services import result_of
from exams.models import Attempt, ContestRegistration, Paper
from exams.papers.reminders import sms_time
from exams.papers.services import PaperUnavailable, papers_for
from learning.models import LearnerProfile, Organisation, User

#: The day-before reminder goes out from this long before the opening...
DAY_BEFORE = timedelta(hours=24)
#: ...and the hour-before one from this long before it.
HOUR_BEFORE = timedelta(hours=1)
#: How long after its close a contest stays on the learners' exam list (with its ranking).
SHOWN_AFTER_CLOSE = timedelta(days=30)

#: The rankings shown, widest first: the whole audience, then the organisation tree's depths.
LEVELS = [
    (0, gettext_lazy("全体考生")),
    (1, gettext_lazy("本县市")),
    (2, gettext_lazy("本街镇")),
    (3, gettext_lazy("本社区")),
]


class ContestError(Exception):
    """The request does not fit the contest's schedule (the message says why)."""


def registration_deadline(paper: Paper) -> datetime | None:
    return paper.registration_closes_at or paper.opens_at


def registration_open(paper: Paper, now: datetime) -> bool:
    deadline = registration_deadline(paper)
    return paper.is_contest and paper.is_published and (deadline is None or now < deadline)


def ranking_published(paper: Paper, now: datetime) -> bool:
    """The ranking is final, and shown, once the contest has closed."""
    return paper.is_contest and paper.closes_at is not None and paper.closes_at <= now


def state_of(paper: Paper, now: datetime) -> str:
    """``upcoming`` before the opening minute, ``open`` while it runs, ``closed`` after."""
    if ranking_published(paper, now):
        return "closed"
    if paper.opens_at and now < paper.opens_at:
        return "upcoming"
    return "open"


def register(*, paper: Paper, learner: User, now: datetime) -> tuple[ContestRegistration, bool]:
    """The learner's registration for the contest, made if needed: ``(registration, created)``.

    Registering again (or twice at once) returns the existing row, even after registration
    has closed; a new registration after it closed raises :class:`ContestError`.
    """
    if not paper.is_contest:
        raise ContestError(_("这份试卷不是模考大赛，无需报名。"))
    existing = ContestRegistration.objects.filter(paper=paper, learner=learner).first()
    if existing is not None:
        return existing, False
    if not registration_open(paper, now):
        raise ContestError(_("报名已经截止。"))
    try:
        with transaction.atomic():
            return ContestRegistration.objects.create(
                paper=paper, learner=learner, registered_at=now
            ), True
    except IntegrityError:
        # A parallel request registered first (the unique constraint): that one counts.
        return ContestRegistration.objects.get(paper=paper, learner=learner), False


def is_registered(paper: Paper, learner: User) -> bool:
    return ContestRegistration.objects.filter(paper=paper, learner=learner).exists()


def refuse_early_start(*, paper: Paper, learner: User, now: datetime) -> None:
    """Raise :class:`PaperUnavailable` when the learner may not start this contest now:
    before the opening minute, or without a registration. Other papers pass."""
    if not paper.is_contest:
        return
    if paper.opens_at and now < paper.opens_at:
        raise PaperUnavailable(
            _("模考大赛将于 %(time)s 准时开考，现在还不能开始。")
            % {"time": sms_time(paper.opens_at)}
        )
    if not is_registered(paper, learner):
        raise PaperUnavailable(_("你没有报名这场模考大赛，不能参加。"))


# ---------------------------------------------------------------------------------------------
# Reminders


def contest_reminders(now: datetime) -> Iterator[tuple[int, dict, str]]:
    """Reminder provider (``REMINDER_SOURCES["contest"]``): registered learners of contests
    opening within a day. Within the last hour the period is ``contest-hour:<id>``, before it
    ``contest-day:<id>``; the idempotency key of the reminder machinery (rule, learner,
    period) then sends each of the two once, however often the rules are evaluated."""
    contests = Paper.objects.filter(
        is_contest=True, is_published=True, opens_at__gt=now, opens_at__lte=now + DAY_BEFORE
    ).order_by("opens_at", "pk")
    for paper in contests:
        step = "hour" if paper.opens_at - now <= HOUR_BEFORE else "day"
        context = {"paper_title": paper.title, "paper_time": sms_time(paper.opens_at)}
        learners = (
            ContestRegistration.objects.filter(paper=paper)
            .order_by("learner_id")
            .values_list("learner_id", flat=True)
        )
        for learner_id in learners:
            yield learner_id, dict(context), f"contest-{step}:{paper.pk}"


# ---------------------------------------------------------------------------------------------
# The learner's view: contest cards and standings


@dataclass(frozen=True)
class ScopedStanding:
    """The learner's standing within one ranking (全体考生, 本县市, 本街镇, 本社区)."""

    label: str
    organisation: str
    standing: Standing


def contest_standings(attempt: Attempt, *, now: datetime) -> list[ScopedStanding]:
    """The finished attempt's rank and percentile in every ranking of its contest, widest
    first; empty before the close (or for other papers).

    At the close a whole province opens its result at once, and each standing counted over
    every participant would read all their attempts per request. The ranking is final once
    the contest has closed, so each scope's sorted results are read once and kept in the
    cache (``final_results``); a standing is then two bisections, the same numbers as
    ``exams.attempts.report.standing`` (the learner's own combined result taken out, the
    attempt's score put against the others)."""
    paper = attempt.paper
    if not ranking_published(paper, now) or attempt.score is None:
        return []
    profile = (
        LearnerProfile.objects.select_related("organisation")
        .filter(user_id=attempt.learner_id)
        .first()
    )
    own = paper_result_of(paper, attempt.learner_id)
    rows = [ScopedStanding(str(LEVELS[0][1]), "", _standing(attempt, own, ""))]
    if profile is None:
        return rows
    path = profile.organisation.path
    steplen = Organisation.steplen
    prefixes = [
        path[: steplen * depth] for depth, _label in LEVELS[1:] if len(path) >= steplen * depth
    ]
    names = dict(Organisation.objects.filter(path__in=prefixes).values_list("path", "name"))
    for (_depth, label), prefix in zip(LEVELS[1:], prefixes, strict=False):
        rows.append(
            ScopedStanding(str(label), names.get(prefix, ""), _standing(attempt, own, prefix))
        )
    return rows


#: How long a closed contest's sorted results stay cached (they no longer change).
FINAL_RESULTS_SECONDS = 24 * 3600


def final_results(paper: Paper, organisation_path: str) -> list[Decimal]:
    """Every participant's result (grading method) in the subtree, ascending; cached once
    the contest has closed."""
    key = f"contest-results:{paper.pk}:{paper.closes_at.timestamp()}:{organisation_path}"
    found = cache.get(key)
    if found is None:
        finished = Attempt.objects.filter(
            paper=paper, state=Attempt.State.FINISHED, score__isnull=False
        )
        if organisation_path:
            finished = finished.filter(
                learner__profile__organisation__path__startswith=organisation_path
            )
        rows = finished.order_by("learner_id", "started_at", "pk").values_list(
            "learner_id", "score"
        )
        found = sorted(
            result_of(paper.grading_method, [score for _learner, score in group])
            for _learner, group in itertools.groupby(rows, key=lambda row: row[0])
        )
        cache.set(key, found, FINAL_RESULTS_SECONDS)
    return found


def paper_result_of(paper: Paper, learner_id: int) -> Decimal | None:
    scores = list(
        Attempt.objects.filter(
            paper=paper, learner_id=learner_id, state=Attempt.State.FINISHED, score__isnull=False
        )
        .order_by("started_at", "pk")
        .values_list("score", flat=True)
    )
    return result_of(paper.grading_method, scores) if scores else None


def _standing(attempt: Attempt, own: Decimal | None, organisation_path: str) -> Standing:
    others = list(final_results(attempt.paper, organisation_path))
    if own is not None:
        at = bisect.bisect_left(others, own)
        if at < len(others) and others[at] == own:
            del others[at]
    mine = attempt.score
    higher = len(others) - bisect.bisect_right(others, mine)
    lower = bisect.bisect_left(others, mine)
    percentile = lower * 100 // len(others) if others else None
    return Standing(rank=higher + 1, candidates=len(others) + 1, percentile=percentile)


def counted_attempt(paper: Paper, learner: User) -> Attempt | None:
    """The learner's latest finished attempt at the paper, which the ranking shows."""
    return (
        Attempt.objects.filter(
            paper=paper, learner=learner, state=Attempt.State.FINISHED, score__isnull=False
        )
        .select_related("paper")
        .order_by("-started_at", "-pk")
        .first()
    )


@dataclass
class ContestCard:
    paper: Paper
    state: str
    registered: bool
    registration_open: bool
    seconds_to_open: int
    standings: list[ScopedStanding]

    @property
    def countdown_parts(self) -> tuple[int, int, int, int]:
        """``(days, hours, minutes, seconds)`` to the opening, as the card counts down."""
        minutes, seconds = divmod(self.seconds_to_open, 60)
        hours, minutes = divmod(minutes, 60)
        days, hours = divmod(hours, 24)
        return days, hours, minutes, seconds


def contests_for(learner: User, *, now: datetime) -> list[ContestCard]:
    """The contests on the learner's exam list: upcoming, running, and closed within
    ``SHOWN_AFTER_CLOSE`` (with the learner's standings), soonest first."""
    papers = list(
        papers_for(learner)
        .filter(is_contest=True, closes_at__gt=now - SHOWN_AFTER_CLOSE)
        .order_by("opens_at", "pk")
    )
    registered = set(
        ContestRegistration.objects.filter(learner=learner, paper__in=papers).values_list(
            "paper_id", flat=True
        )
    )
    cards = []
    for paper in papers:
        state = state_of(paper, now)
        attempt = counted_attempt(paper, learner) if state == "closed" else None
        cards.append(
            ContestCard(
                paper=paper,
                state=state,
                registered=paper.pk in registered,
                registration_open=registration_open(paper, now),
                seconds_to_open=max(0, int((paper.opens_at - now).total_seconds())),
                standings=contest_standings(attempt, now=now) if attempt else [],
            )
        )
    cards.sort(key=lambda card: card.state == "closed")  # what is still ahead comes first
    return cards


# ---------------------------------------------------------------------------------------------
# The organisers' report


@dataclass
class RankingRow:
    rank: int
    percentile: int | None
    learner_name: str
    organisation: str
    county: str
    county_rank: int
    result: Decimal


def contest_ranking(paper: Paper, *, scope: Organisation | None) -> list[RankingRow]:
    """All participants of the contest ranked over the whole audience (and within their
    county), listed for the organiser's ``scope`` (None: the whole prefecture). The ranks are
    the audience's, whoever looks: an organiser of one street sees where its learners stand
    among everyone. One query for the results, one for the organisation names."""
    rows = (
        Attempt.objects.filter(paper=paper, state=Attempt.State.FINISHED, score__isnull=False)
        .order_by("learner_id", "started_at", "pk")
        .values_list(
            "learner_id",
            "score",
            "learner__name",
            "learner__profile__organisation__path",
        )
    )
    learners: dict[int, tuple[list[Decimal], str, str]] = {}
    for learner_id, score, name, path in rows:
        learners.setdefault(learner_id, ([], name, path or ""))[0].append(score)
    results = {
        learner_id: result_of(paper.grading_method, scores)
        for learner_id, (scores, *_rest) in learners.items()
    }
    everyone = sorted(results.values())
    steplen = Organisation.steplen
    by_county: dict[str, list[Decimal]] = {}
    for learner_id, (_scores, _name, path) in learners.items():
        by_county.setdefault(path[:steplen], []).append(results[learner_id])
    for county_results in by_county.values():
        county_results.sort()
    paths = {path for *_rest, path in learners.values()}
    wanted = paths | {path[:steplen] for path in paths}
    names = dict(Organisation.objects.filter(path__in=wanted).values_list("path", "name"))
    out = []
    for learner_id, (_scores, name, path) in learners.items():
        if scope is not None and not path.startswith(scope.path):
            continue
        mine = results[learner_id]
        higher = len(everyone) - bisect.bisect_right(everyone, mine)
        lower = bisect.bisect_left(everyone, mine)
        county = by_county[path[:steplen]]
        out.append(
            RankingRow(
                rank=higher + 1,
                percentile=lower * 100 // (len(everyone) - 1) if len(everyone) > 1 else None,
                learner_name=name,
                organisation=names.get(path, ""),
                county=names.get(path[:steplen], ""),
                county_rank=1 + len(county) - bisect.bisect_right(county, mine),
                result=mine,
            )
        )
    out.sort(key=lambda row: (row.rank, row.learner_name))
    return out


def registrations_in(paper: Paper, *, scope: Organisation | None) -> QuerySet:
    registrations = ContestRegistration.objects.filter(paper=paper)
    if scope is not None:
        registrations = registrations.filter(
            learner__profile__organisation__path__startswith=scope.path
        )
    return registrations
