"""Practice sessions (一组练习): a frozen list of questions, one per screen, then a summary.

Exam-prep apps run every kind of practice the same way: "3/10" at the top, 提交答案, the
feedback, 下一题, and after the last question a summary with the correct rate, the time, the
points and what to do next. Here every kind (每日一练, 章节练习, 错题重做, 收藏, 智能练习,
今日待复习) is a ``PracticeSession``: the questions are chosen once when it starts, so a reload
or a second device shows the same list, and each answer given in it points back to it, so the
summary is computed from those answers and the points ledger, never kept beside them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exams.attempts.review_policy import withheld_question_ids
from exams.bank.versions import practice_questions
from exams.models import (
    Favourite,
    PracticeAnswer,
    PracticeSession,
    Question,
    QuestionType,
)
from exams.practice import selectors
from exams.practice import services as practice
from exams.readiness import review_schedule
from exams.readiness import service as readiness
from learning.models import LedgerEntry, PointAction, User
from learning.points.ledger import ledger_key

Kind = PracticeSession.Kind

#: Questions in one group of chapter, smart or extra practice (一组).
GROUP_SIZE = 10
#: The most questions one session holds (a wrong-answer book redone all at once).
MAX_SIZE = 100
#: A gap between two answers counts at most this long towards the session's time: a learner
#: who puts the phone down for lunch has not practised for an hour.
IDLE_CAP = timedelta(minutes=10)
#: How many weak knowledge points the summary names.
WEAKEST_SHOWN = 3

#: The mode a kind's answers are recorded in: it decides the points and whether they count
#: towards the day's 每日一练 (only the daily set's own session does).
MODE_OF = {
    Kind.DAILY: PracticeAnswer.Mode.DAILY,
    Kind.CHAPTER: PracticeAnswer.Mode.CHAPTER,
    Kind.SMART: PracticeAnswer.Mode.CHAPTER,
    Kind.EXTRA: PracticeAnswer.Mode.CHAPTER,
    Kind.WRONG_BOOK: PracticeAnswer.Mode.WRONG_BOOK,
    Kind.RETRY: PracticeAnswer.Mode.WRONG_BOOK,
    Kind.DUE: PracticeAnswer.Mode.WRONG_BOOK,
    Kind.FAVOURITE: PracticeAnswer.Mode.FAVOURITE,
}

#: Kinds a learner starts from a link (the others start from a session's summary).
LINKED_KINDS = {Kind.DAILY, Kind.CHAPTER, Kind.WRONG_BOOK, Kind.FAVOURITE, Kind.SMART, Kind.DUE}

#: Types a session holds: those graded on the spot (a case essay is marked by a lecturer).
SESSION_TYPES = [
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
    QuestionType.TRUE_FALSE,
    QuestionType.CASE_ANALYSIS,
]


class NothingToPractise(Exception):
    """The scope holds no question this learner may practise now."""

    def __init__(self):
        super().__init__(str(_("这里暂时没有可以练习的题目。")))


class AlreadyAnswered(Exception):
    """The question was answered in this session already; the first answer stands."""


@dataclass(frozen=True)
class Scope:
    """Where a session's questions come from: a chapter or knowledge point, a subject."""

    subject: str = ""
    level: str = ""
    chapter: str = ""
    knowledge_point: str = ""

    @classmethod
    def of(cls, session: PracticeSession) -> Scope:
        return cls(session.subject, session.level, session.chapter, session.knowledge_point)

    def fields(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "level": self.level,
            "chapter": self.chapter,
            "knowledge_point": self.knowledge_point,
        }


def open_session(
    *, learner: User, kind: str, scope: Scope = Scope(), now: datetime | None = None
) -> PracticeSession:
    """The session a link to this kind and scope leads to: today's unfinished one, else a new
    one (so following the link twice, or a prefetching browser, never starts two).

    The day's 每日一练 is one session all day, finished or not: its questions are the day's
    set (``exams.practice.services.daily_set``). Raises ``NothingToPractise`` for an empty scope.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    earlier = PracticeSession.objects.filter(
        learner=learner, kind=kind, local_date=today, **scope.fields()
    ).order_by("-started_at", "-pk")
    if kind == Kind.DAILY:
        found = earlier.first()
        if found is not None:
            return found
    else:
        for session in earlier[:3]:
            if not is_finished(session):
                return session
    return start_session(learner=learner, kind=kind, scope=scope, now=now)


def todays_daily(*, learner: User, now: datetime | None = None) -> PracticeSession | None:
    """Today's 每日一练 session if the learner has opened it (one query, creating nothing)."""
    return (
        PracticeSession.objects.filter(
            learner=learner, kind=Kind.DAILY, local_date=timezone.localdate(now)
        )
        .order_by("started_at", "pk")
        .first()
    )


def start_session(
    *,
    learner: User,
    kind: str,
    scope: Scope = Scope(),
    question_ids: list[int] | None = None,
    now: datetime | None = None,
) -> PracticeSession:
    """A new session of ``kind`` over ``scope`` (or over ``question_ids``, for 重做错题).

    Questions the review policy withholds from the learner now (in an unfinished attempt of
    theirs, or on a paper whose review has not opened) are left out: they could not be
    answered. The day's set is kept whole, as 每日一练 counts it.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    chosen = _unique(
        question_ids if question_ids is not None else _choose(learner, kind, scope, day)
    )
    allowed = set(
        practice_questions()
        .filter(pk__in=chosen, type__in=SESSION_TYPES)
        .values_list("pk", flat=True)
    )
    if kind != Kind.DAILY:
        allowed -= withheld_question_ids(learner=learner, question_ids=allowed, now=now)
    chosen = [pk for pk in chosen if pk in allowed][:MAX_SIZE]
    if not chosen:
        raise NothingToPractise
    return PracticeSession.objects.create(
        learner=learner,
        kind=kind,
        mode=MODE_OF[kind],
        question_ids=chosen,
        local_date=day,
        started_at=now,
        **scope.fields(),
    )


def again(*, session: PracticeSession, now: datetime | None = None) -> PracticeSession:
    """再练一组: a new group of the same kind and scope. After the day's 每日一练 (one set a
    day) that is an extra set chosen the same way (加练一组)."""
    kind = Kind.EXTRA if session.kind == Kind.DAILY else session.kind
    if kind == Kind.RETRY:
        kind = Kind.WRONG_BOOK
    return start_session(learner=session.learner, kind=kind, scope=Scope.of(session), now=now)


def retry_wrong(*, session: PracticeSession, now: datetime | None = None) -> PracticeSession:
    """重做错题: the questions answered wrongly in ``session``, as a new session."""
    wrong = [pk for pk, row in session_answers(session).items() if not row.correct]
    return start_session(
        learner=session.learner, kind=Kind.RETRY, question_ids=_ordered(session, wrong), now=now
    )


def _unique(ids) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in ids))


def _ordered(session: PracticeSession, ids) -> list[int]:
    wanted = set(ids)
    return [pk for pk in session.question_ids if pk in wanted]


def _choose(learner: User, kind: str, scope: Scope, day: date) -> list[int]:
    """The question ids a new session of ``kind`` over ``scope`` starts on ``day`` with."""
    if kind == Kind.DAILY:
        chosen = practice.daily_set(learner=learner, day=day)
        return list(chosen.items.order_by("position").values_list("question_id", flat=True))
    if kind == Kind.CHAPTER:
        return _chapter_group(learner, scope)
    if kind == Kind.WRONG_BOOK:
        entries = selectors.open_wrong_answers(learner=learner).order_by("last_wrong_at", "pk")
        if scope.chapter:
            entries = entries.filter(question__chapter=scope.chapter)
        return list(entries.values_list("question_id", flat=True)[: MAX_SIZE * 2])
    if kind == Kind.FAVOURITE:
        return list(
            Favourite.objects.filter(learner=learner)
            .order_by("-created_at", "-pk")
            .values_list("question_id", flat=True)[: MAX_SIZE * 2]
        )
    if kind == Kind.SMART:
        if (scope.subject, scope.level) not in readiness.subjects_for(learner):
            return []
        return readiness.smart_questions(learner, subject=scope.subject, level=scope.level)
    if kind == Kind.DUE:
        return [item["question"] for item in review_schedule.due_today(learner=learner)]
    if kind == Kind.EXTRA:
        return _extra_group(learner, day)
    return []


def _chapter_group(learner: User, scope: Scope) -> list[int]:
    """The next ``GROUP_SIZE`` questions of a chapter or knowledge point: those never answered
    first, then those whose last answer was wrong, then the longest unseen."""
    questions = selectors.chapter_questions(
        chapter=scope.chapter,
        knowledge_point=scope.knowledge_point,
        subject=scope.subject,
        level=scope.level,
    ).filter(type__in=SESSION_TYPES)
    ids = list(questions.values_list("pk", flat=True))
    answers = PracticeAnswer.objects.filter(learner=learner, question_id__in=ids)
    last_at = dict(
        answers.values("question_id")
        .annotate(last=Max("answered_at"))
        .values_list("question_id", "last")
    )
    last_right = {
        pk: correct
        for pk, correct, at in answers.values_list("question_id", "correct", "answered_at")
        if at == last_at.get(pk)
    }

    def priority(pk: int):
        if pk not in last_at:
            return (0, 0.0, pk)
        return (2 if last_right.get(pk) else 1, last_at[pk].timestamp(), pk)

    return sorted(ids, key=priority)[:GROUP_SIZE]


def _extra_group(learner: User, day: date) -> list[int]:
    """加练一组 after the day's set: chosen as 每日一练 is (reviews due, weak points, questions
    not done yet), seeded anew each time and without the day's own questions."""
    day_set = set(
        practice.daily_set(learner=learner, day=day).items.values_list("question_id", flat=True)
    )
    seed = f"{learner.pk}:{day}:{random.random()}"  # noqa: S311 (not security)
    return practice.choose_daily_questions(
        learner=learner, day=day, seed=seed, exclude=day_set, size=GROUP_SIZE
    )


@dataclass(frozen=True)
class SessionAnswer:
    """The answer that counts for one question of a session: the first given in it."""

    question_id: int
    correct: bool
    answer: object
    version_id: int
    answered_at: datetime


def session_answers(session: PracticeSession) -> dict[int, SessionAnswer]:
    """Question id -> the first answer given to it in ``session`` (1 query)."""
    counted: dict[int, SessionAnswer] = {}
    for row in (
        PracticeAnswer.objects.filter(
            learner_id=session.learner_id, question_id__in=session.question_ids, session=session
        )
        .order_by("answered_at", "pk")
        .values_list("question_id", "correct", "answer", "version_id", "answered_at")
    ):
        counted.setdefault(row[0], SessionAnswer(*row))
    return counted


def is_finished(session: PracticeSession) -> bool:
    """Every question of the session answered."""
    return len(session_answers(session)) >= len(session.question_ids)


def first_unanswered(session: PracticeSession, answers: dict[int, SessionAnswer]) -> int | None:
    """The 1-based position of the first question not answered yet, None when all are."""
    for position, pk in enumerate(session.question_ids, start=1):
        if pk not in answers:
            return position
    return None


def answer(
    *, session: PracticeSession, position: int, answer, now: datetime | None = None
) -> practice.PracticeResult:
    """Record the learner's answer to the question at ``position`` (1-based) of ``session``.

    Raises ``AlreadyAnswered`` when it was answered in the session before (the first answer
    is the one that counts, as in a paper), and whatever ``exams.practice.services.record_answer``
    raises: ``InvalidAnswer``, and ``KeyWithheld`` while the review policy withholds it.
    """
    question_id = session.question_ids[position - 1]
    if PracticeAnswer.objects.filter(
        learner_id=session.learner_id, question_id=question_id, session=session
    ).exists():
        raise AlreadyAnswered
    question = Question.objects.get(pk=question_id)
    return practice.record_answer(
        learner=session.learner,
        question=question,
        answer=answer,
        mode=session.mode,
        now=now,
        session=session,
    )


def _point_keys(session: PracticeSession, rows) -> dict[str, set[datetime]]:
    """The ledger keys the answers ``rows`` may have earned, with the moments they would
    carry: an award is written with the answer's own moment (``record_answer`` passes its
    ``now`` to ``learning.points.ledger.award``), so a key earned by another answer that day, in
    another session, does not match."""
    learner = session.learner
    keys: dict[str, set[datetime]] = {}
    for question_id, day, answered_at in rows:
        key = ledger_key(
            learner=learner,
            action=PointAction.PRACTICE_CORRECT,
            key=practice.award_key(question_id, day),
        )
        keys.setdefault(key, set()).add(answered_at)
        if session.mode == PracticeAnswer.Mode.DAILY:
            daily = ledger_key(
                learner=learner,
                action=PointAction.DAILY_PRACTICE_DONE,
                key=practice.daily_award_key(day),
            )
            keys.setdefault(daily, set()).add(answered_at)
    return keys


def points_of(session: PracticeSession, rows) -> dict[datetime, int]:
    """Points the ledger holds for the answers ``rows`` ((question id, local date, moment)),
    by the answer's moment (1 query)."""
    keys = _point_keys(session, rows)
    earned: dict[datetime, int] = {}
    for key, points, created_at in LedgerEntry.objects.filter(
        learner_id=session.learner_id, key__in=list(keys)
    ).values_list("key", "points", "created_at"):
        if created_at in keys[key]:
            earned[created_at] = earned.get(created_at, 0) + points
    return earned


@dataclass(frozen=True)
class WeakPoint:
    knowledge_point: str
    right: int
    answered: int


@dataclass(frozen=True)
class SessionSummary:
    """What the end of a session says: computed from its answers and the points ledger."""

    total: int
    answered: int
    right: int
    seconds: int
    points: int
    weakest: list[WeakPoint] = field(default_factory=list)
    wrong_ids: list[int] = field(default_factory=list)
    results: dict[int, bool] = field(default_factory=dict)
    #: Answered questions whose verdict the review policy withholds now (they sit in the
    #: learner's unfinished mock exam): left out of every figure, so none can be inferred.
    withheld: frozenset[int] = frozenset()

    @property
    def wrong(self) -> int:
        return self.answered - self.right

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def accuracy(self) -> float | None:
        """Right answers of the questions answered (skipped ones are not wrong)."""
        return round(self.right / self.answered, 3) if self.answered else None


def summary(session: PracticeSession, *, now: datetime | None = None) -> SessionSummary:
    """The summary of ``session`` (小结): correct rate, time, points, weakest knowledge points.

    Time adds up the gaps from the start to each counted answer in turn, each gap at most
    ``IDLE_CAP``. Points are those the ledger holds for the session's answers (practice
    points and, for 每日一练, the day's completion bonus). Weakest knowledge points are those
    of the session's questions answered wrongly in it, lowest share right first.
    """
    answers = session_answers(session)
    rows = list(
        PracticeAnswer.objects.filter(
            learner_id=session.learner_id, question_id__in=session.question_ids, session=session
        ).values_list("question_id", "local_date", "answered_at")
    )
    moments = sorted(row.answered_at for row in answers.values())
    seconds = 0.0
    previous = session.started_at
    for moment in moments:
        seconds += min(max(moment - previous, timedelta(0)), IDLE_CAP).total_seconds()
        previous = moment
    withheld = frozenset(
        withheld_question_ids(
            learner=session.learner, question_ids=set(answers), now=now or timezone.now()
        )
    )
    results = {
        pk: answers[pk].correct
        for pk in session.question_ids
        if pk in answers and pk not in withheld
    }
    return SessionSummary(
        total=len(session.question_ids),
        answered=len(results),
        right=sum(results.values()),
        seconds=round(seconds),
        points=sum(points_of(session, rows).values()),
        weakest=_weakest(results),
        wrong_ids=[pk for pk, right in results.items() if not right],
        results=results,
        withheld=withheld,
    )


def _weakest(results: dict[int, bool]) -> list[WeakPoint]:
    from exams.models import QuestionKnowledgePoint

    tally: dict[str, list[int]] = {}
    for question_id, name in QuestionKnowledgePoint.objects.filter(
        content_object_id__in=list(results)
    ).values_list("content_object_id", "tag__name"):
        counts = tally.setdefault(name, [0, 0])
        counts[0] += results[question_id]
        counts[1] += 1
    weak = [
        WeakPoint(name, right, answered)
        for name, (right, answered) in tally.items()
        if right < answered
    ]
    weak.sort(key=lambda p: (p.right / p.answered, -(p.answered - p.right), p.knowledge_point))
    return weak[:WEAKEST_SHOWN]
