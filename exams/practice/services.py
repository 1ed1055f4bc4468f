"""Practice services: answering, the wrong-answer book (错题本), favourites and 每日一练.

``record_answer`` is the one entry point for every answer a learner gives outside a hand-marked
paper: practice pages and the API call it, the mock-exam app calls it (``mode=EXAM``,
``award_points=False``) for each graded question so wrong answers land in the book, and the
courses' knowledge-check blocks call it (``mode=LESSON``) for inline answers.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from exams.attempts.review_policy import KeyWithheld, key_withheld_from, key_withheld_statement
from exams.bank.grading import Grade, correct_answer, grade
from exams.bank.versions import (
    current_version,
    practice_question_from,
    practice_question_statement,
    practice_questions,
)
from exams.models import (
    DailySet,
    DailySetItem,
    Favourite,
    Level,
    PracticeAnswer,
    PracticeSession,
    Question,
    QuestionType,
    QuestionVersion,
    WrongAnswer,
)
from learning.models import PointAction, User
from learning.platform import raw_sql
from learning.points.ledger import (
    award,
    awards_nothing,
    awards_nothing_from,
    awards_nothing_statement,
)

#: Questions in a day's set (每日一练).
DAILY_SET_SIZE = 10
#: Of those, at most this many wrong answers due for review, then weak knowledge points.
DAILY_REVIEW_SHARE = 4
DAILY_WEAK_SHARE = 3
#: A knowledge point is weak below this accuracy.
WEAK_ACCURACY = 0.7
#: Right answers on this many different days in a row master a wrong-book entry.
MASTERY_DAYS = 2

#: Modes that are practice proper and so earn practice points.
POINT_MODES = {
    PracticeAnswer.Mode.CHAPTER,
    PracticeAnswer.Mode.DAILY,
    PracticeAnswer.Mode.WRONG_BOOK,
    PracticeAnswer.Mode.FAVOURITE,
}
#: Types a learner can be given on their own in the daily set.
DAILY_TYPES = [QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE]


@dataclass
class PracticeResult:
    grade: Grade
    version: QuestionVersion
    correct_answer: list[str] | dict | str
    explanation: str
    points_awarded: int = 0
    daily_completed: bool = False

    @property
    def correct(self) -> bool | None:
        return self.grade.correct


def record_answer(
    *,
    learner: User,
    question: Question,
    answer,
    mode: str = PracticeAnswer.Mode.CHAPTER,
    version: QuestionVersion | None = None,
    now: datetime | None = None,
    award_points: bool | None = None,
    earns_nothing: bool | None = None,
    withheld: bool | None = None,
    session: PracticeSession | None = None,
) -> PracticeResult:
    """Grade and record one answer; update the wrong-answer book and award practice points.

    ``version`` is the version the learner saw (defaults to the current one);
    ``earns_nothing`` what ``learning.points.ledger.awards_nothing`` said of its points, when it was
    read with the question (``practice_question_for``), and ``withheld`` what
    ``exams.attempts.review_policy`` said of its key then; ``session`` the practice session
    (``exams.practice.sessions``) the answer was given in. Raises ``exams.bank.grading.InvalidAnswer`` for
    an answer that cannot belong to the question, and ``exams.attempts.review_policy.KeyWithheld``
    (recording nothing) while the review policy withholds the question's key from this
    learner. Case
    essays have no automatic grade: nothing is recorded, the model answer is returned.
    """
    # Answers carried over from a finished attempt (mode EXAM) are the attempt's own, graded
    # there; only answers the learner gives in practice are refused.
    now = now or timezone.now()
    day = timezone.localdate(now)
    points_key = award_key(question.pk, day)
    if award_points is None:
        award_points = mode in POINT_MODES
    version = version or current_version(question)
    result_grade = grade(version.snapshot, answer)
    if mode != PracticeAnswer.Mode.EXAM and withheld is None:
        withheld, earns_nothing = _policy_and_points(
            learner=learner,
            question=question,
            now=now,
            points_key=points_key,
            read_points=bool(award_points and result_grade.correct and earns_nothing is None),
            earns_nothing=earns_nothing,
        )
    if withheld:
        raise KeyWithheld
    result = PracticeResult(
        grade=result_grade,
        version=version,
        correct_answer=correct_answer(version.snapshot),
        explanation=version.snapshot.get("explanation", ""),
    )
    if result_grade.correct is None:
        return result
    row = _AnswerRow(learner, question, version, mode, result_grade, day, now, session)
    # Whether points may be due (``award`` decides under its lock).
    may_earn = bool(award_points and result_grade.correct and not earns_nothing)
    if mode != PracticeAnswer.Mode.DAILY:
        if may_earn and earns_nothing is None:
            may_earn = not awards_nothing(
                learner=learner, action=PointAction.PRACTICE_CORRECT, key=points_key, now=now
            )
        if not may_earn:
            _record_without_award(row)
            return result
    with transaction.atomic():
        _insert_answer(row)
        update_wrong_book(learner=learner, question=question, correct=result_grade.correct, now=now)
        if may_earn:
            result.points_awarded += award(
                learner=learner, action=PointAction.PRACTICE_CORRECT, key=points_key, now=now
            )
        if mode == PracticeAnswer.Mode.DAILY:
            points = complete_daily_set_if_done(learner=learner, day=day, now=now)
            if points is not None:
                result.daily_completed = True
                result.points_awarded += points
    return result


def _policy_and_points(
    *, learner, question, now, points_key, read_points: bool, earns_nothing: bool | None
) -> tuple[bool, bool | None]:
    """Whether the key is withheld and, when ``read_points``, whether a right answer earns
    nothing: the two reads in one round trip on PostgreSQL (the policy is asked on every
    practice answer, so it must not cost an answer a round trip of its own)."""
    if question.exam_only:
        return True, earns_nothing
    statements = [key_withheld_statement(learner=learner, question_id=question.pk, now=now)]
    if read_points:
        statements.append(
            awards_nothing_statement(
                learner=learner, action=PointAction.PRACTICE_CORRECT, key=points_key, now=now
            )
        )
    fetched = raw_sql.fetch_together(statements)
    if read_points:
        earns_nothing = awards_nothing_from(fetched[1])
    return key_withheld_from(fetched[0]), earns_nothing


#: ``PracticeAnswer`` columns written by ``_insert_answer``, in order.
_ANSWER_FIELDS = (
    "learner_id",
    "question_id",
    "version_id",
    "mode",
    "answer",
    "correct",
    "local_date",
    "answered_at",
    "session_id",
)


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "practice: insert an answer";
# RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 0.363 / 0.132 (2.8x); PostgreSQL 0.403 /
# 0.197 (2.0x, in one transaction as record_answer runs it; 1.36x with a savepoint per call).
@functools.cache
def _insert_answer_sql() -> str:
    columns = ", ".join(raw_sql.column(PracticeAnswer, name) for name in _ANSWER_FIELDS)
    values = ", ".join(["%s"] * len(_ANSWER_FIELDS))
    return f"INSERT INTO {raw_sql.table(PracticeAnswer)} ({columns}) VALUES ({values})"  # noqa: S608


def award_key(question_id: int, day: date) -> str:
    """The key of a question's practice points: once per question and local day."""
    return f"practice:{question_id}:{day}"


def daily_award_key(day: date) -> str:
    """The key of the points for finishing the day's set (每日一练)."""
    return f"daily:{day.isoformat()}"


def practice_question_for(
    *, learner: User, question_id: int, now: datetime
) -> tuple[Question, QuestionVersion, bool, bool] | None:
    """``exams.bank.versions.practice_question``, whether a right answer to it now would
    certainly earn ``learner`` nothing (``record_answer``'s ``earns_nothing``) and whether the
    review policy withholds its key (``withheld``), read together: on PostgreSQL in one round
    trip."""
    question_rows, award_rows, policy_rows = raw_sql.fetch_together(
        [
            practice_question_statement(question_id),
            awards_nothing_statement(
                learner=learner,
                action=PointAction.PRACTICE_CORRECT,
                key=award_key(question_id, timezone.localdate(now)),
                now=now,
            ),
            key_withheld_statement(learner=learner, question_id=question_id, now=now),
        ]
    )
    found = practice_question_from(question_rows)
    if found is None:
        return None
    return (*found, awards_nothing_from(award_rows), key_withheld_from(policy_rows))


@dataclass(frozen=True)
class _AnswerRow:
    """One ``PracticeAnswer`` to write, with what its wrong-book update needs."""

    learner: User
    question: Question
    version: QuestionVersion
    mode: str
    grade: Grade
    day: date
    now: datetime
    session: PracticeSession | None = None

    def params(self) -> list:
        """The values of ``_ANSWER_FIELDS``, prepared by the fields as the ORM would."""
        values = {
            "learner_id": self.learner.pk,
            "question_id": self.question.pk,
            "version_id": self.version.pk,
            "mode": self.mode,
            "answer": self.grade.answer,
            "correct": self.grade.correct,
            "local_date": self.day,
            "answered_at": self.now,
            "session_id": self.session.pk if self.session else None,
        }
        meta = PracticeAnswer._meta
        return [
            meta.get_field(name).get_db_prep_save(values[name], connection)
            for name in _ANSWER_FIELDS
        ]


def _insert_answer(row: _AnswerRow) -> None:
    """Insert one ``PracticeAnswer``.

    Hand-written (learning.platform.raw_sql): every answer writes one, and building the instance and
    compiling the ORM's insert cost several times the insert itself.
    """
    with connection.cursor() as cursor:
        cursor.execute(_insert_answer_sql(), row.params())


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "practice: answer and wrong-book
# update, no award"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.222 / 0.325 (3.8x);
# PostgreSQL 1.905 / 0.456 (4.2x).
def _record_without_award(row: _AnswerRow) -> None:
    """No points to award: the answer and its wrong-book update, all or nothing, written
    together (``raw_sql.write_together``: on PostgreSQL one statement).

    Most answers award nothing (not practice proper, wrong, asked again the same day, or
    after the day's cap), and for them a transaction's BEGIN and COMMIT were two of its
    five round trips to the database. A first wrong answer then creates the book's entry as
    ``update_wrong_book`` does.
    """
    learner, question, correct = row.learner, row.question, row.grade.correct
    update = _wrong_book_update(learner=learner, question=question, correct=correct, now=row.now)
    changed = raw_sql.write_together([(_insert_answer_sql(), row.params()), update])
    if changed or correct:
        return
    _add_to_wrong_book(learner=learner, question=question, now=row.now)


@functools.cache
def _wrong_book_sql() -> dict[bool, str]:
    """The ``UPDATE`` of a learner's entry for a question, after a right and a wrong answer."""
    w = WrongAnswer
    col = functools.partial(raw_sql.column, w)
    entry = f"UPDATE {raw_sql.table(w)} SET "  # noqa: S608
    of_learner = f"WHERE {col('learner')} = %s AND {col('question')} = %s"
    return {
        # Right: one more day towards mastery for an open entry not yet counted today.
        True: f"{entry}{col('right_streak')} = {col('right_streak')} + 1, "
        f"{col('last_right_date')} = %s, {col('mastered_at')} = "
        f"CASE WHEN {col('right_streak')} + 1 >= %s THEN %s ELSE NULL END {of_learner} "
        f"AND {col('mastered_at')} IS NULL "
        f"AND ({col('last_right_date')} IS NULL OR {col('last_right_date')} <> %s)",
        # Wrong: once more into the book, its run of right days starting over.
        False: f"{entry}{col('wrong_count')} = {col('wrong_count')} + 1, "
        f"{col('last_wrong_at')} = %s, {col('right_streak')} = 0, "
        f"{col('last_right_date')} = NULL, {col('mastered_at')} = NULL {of_learner}",
    }


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "practice: wrong-book update after a
# right / a wrong answer"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.468 / 0.168
# (8.7x), 0.695 / 0.141 (4.9x); PostgreSQL 1.387 / 0.293 (4.7x), 0.715 / 0.252 (2.8x).
def update_wrong_book(*, learner: User, question: Question, correct: bool, now: datetime) -> None:
    """Wrong: into the book (again). Right: one more day towards mastery (see ``MASTERY_DAYS``).

    Each is one conditional ``UPDATE`` (hand-written, see learning.platform.raw_sql): the database
    locks the entry and, on PostgreSQL, checks the condition again on the row a parallel
    answer may just have changed, so two answers never count as one or one twice.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            *_wrong_book_update(learner=learner, question=question, correct=correct, now=now)
        )
        if correct or cursor.rowcount:
            return
    _add_to_wrong_book(learner=learner, question=question, now=now)


def _wrong_book_update(
    *, learner: User, question: Question, correct: bool, now: datetime
) -> tuple[str, list]:
    """The ``UPDATE`` of ``update_wrong_book`` and its parameters."""
    moment = raw_sql.db_datetime(now)
    if correct:
        # A second right answer the same day does not count twice.
        day = connection.ops.adapt_datefield_value(timezone.localdate(now))
        return _wrong_book_sql()[True], [day, MASTERY_DAYS, moment, learner.pk, question.pk, day]
    return _wrong_book_sql()[False], [moment, learner.pk, question.pk]


def _add_to_wrong_book(*, learner: User, question: Question, now: datetime) -> None:
    """A first wrong answer: a new entry, or the count on the one a parallel answer made."""
    try:
        with transaction.atomic():
            WrongAnswer.objects.create(
                learner=learner, question=question, wrong_count=1, last_wrong_at=now
            )
    except IntegrityError:
        # A parallel wrong answer created the entry first: count this one on it.
        with connection.cursor() as cursor:
            cursor.execute(
                *_wrong_book_update(learner=learner, question=question, correct=False, now=now)
            )


def remove_wrong_answer(*, learner: User, question_id: int, now: datetime | None = None) -> bool:
    """The learner takes a question out of the book: it counts as mastered. False if absent."""
    return bool(
        WrongAnswer.objects.filter(
            learner=learner, question_id=question_id, mastered_at__isnull=True
        ).update(mastered_at=now or timezone.now())
    )


def set_favourite(*, learner: User, question: Question, favourite: bool) -> bool:
    """Add or remove a favourite (收藏); idempotent. Returns the new state."""
    if favourite:
        Favourite.objects.get_or_create(learner=learner, question=question)
    else:
        Favourite.objects.filter(learner=learner, question=question).delete()
    return favourite


def daily_set(*, learner: User, day: date | None = None) -> DailySet:
    """The learner's set for the local day, chosen on first request and kept all day.

    Two simultaneous first requests choose the same questions (the choice is seeded by learner
    and day) and the unique (learner, date) constraint keeps only one set.
    """
    day = day or timezone.localdate()
    existing = DailySet.objects.filter(learner=learner, date=day).first()
    if existing is not None:
        return existing
    question_ids = choose_daily_questions(learner=learner, day=day)
    try:
        with transaction.atomic():
            chosen = DailySet.objects.create(learner=learner, date=day)
            DailySetItem.objects.bulk_create(
                DailySetItem(daily_set=chosen, question_id=qid, position=i)
                for i, qid in enumerate(question_ids)
            )
            return chosen
    except IntegrityError:
        return DailySet.objects.get(learner=learner, date=day)


def learner_level(learner: User) -> str:
    """The learner's exam level (初级/中级), '' when not set."""
    profile = getattr(learner, "profile", None)
    level = getattr(profile, "exam_level", "")
    return level if level in Level.values else ""


def choose_daily_questions(
    *,
    learner: User,
    day: date,
    seed: str = "",
    exclude: set[int] = frozenset(),
    size: int = DAILY_SET_SIZE,
) -> list[int]:
    """Up to ``size`` question ids: wrong answers due for review first, then questions on the
    learner's weak knowledge points, then questions not yet done.

    The day's set is seeded by learner and day; an extra set (加练一组) passes its own
    ``seed`` and leaves out the day's questions (``exclude``).
    """
    rng = random.Random(seed or f"{learner.pk}:{day.isoformat()}")  # noqa: S311 (not security)
    pool = practice_questions().filter(type__in=DAILY_TYPES).exclude(pk__in=exclude)
    level = learner_level(learner)
    if level and pool.filter(level=level).exists():
        pool = pool.filter(level=level)
    pool_ids = set(pool.values_list("pk", flat=True))
    start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    due = list(
        WrongAnswer.objects.filter(
            learner=learner,
            mastered_at__isnull=True,
            last_wrong_at__lt=start,
            question_id__in=pool,
        )
        .filter(Q(last_right_date__isnull=True) | Q(last_right_date__lt=day))
        .order_by("last_wrong_at")
        .values_list("question_id", flat=True)[: round(DAILY_REVIEW_SHARE * size / DAILY_SET_SIZE)]
    )
    chosen = list(due)
    weak = weak_knowledge_points(learner=learner)
    if weak:
        weak_ids = sorted(
            set(
                pool.filter(tagged_items__tag__name__in=weak)
                .exclude(pk__in=chosen)
                .values_list("pk", flat=True)
            )
        )
        share = round(DAILY_WEAK_SHARE * size / DAILY_SET_SIZE)
        chosen += rng.sample(weak_ids, min(share, len(weak_ids)))
    done = set(PracticeAnswer.objects.filter(learner=learner).values_list("question_id", flat=True))
    for candidates in (pool_ids - done, pool_ids):
        rest = sorted(candidates - set(chosen))
        need = size - len(chosen)
        if need <= 0:
            break
        chosen += rng.sample(rest, min(need, len(rest)))
    return chosen[:size]


def weak_knowledge_points(*, learner: User) -> list[str]:
    """Knowledge points the learner answers below ``WEAK_ACCURACY``, weakest first."""
    rows = (
        PracticeAnswer.objects.filter(learner=learner)
        .values("question__tagged_items__tag__name")
        .annotate(total=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .exclude(question__tagged_items__tag__name=None)
    )
    weak = [
        (row["right"] / row["total"], row["question__tagged_items__tag__name"])
        for row in rows
        if row["right"] / row["total"] < WEAK_ACCURACY
    ]
    return [name for _accuracy, name in sorted(weak)]


def complete_daily_set_if_done(*, learner: User, day: date, now: datetime) -> int | None:
    """Mark the day's set done once every question of it was answered that day in daily mode.

    Returns the points awarded when this call completed the set, None otherwise.
    """
    updated = (
        DailySet.objects.filter(learner=learner, date=day, completed_at__isnull=True)
        .annotate(
            total=Count("items", distinct=True),
        )
        .first()
    )
    if updated is None:
        return None
    answered = (
        PracticeAnswer.objects.filter(
            learner=learner,
            local_date=day,
            mode=PracticeAnswer.Mode.DAILY,
            question__in=updated.items.values("question_id"),
        )
        .values("question_id")
        .distinct()
        .count()
    )
    if answered < updated.total:
        return None
    if not DailySet.objects.filter(pk=updated.pk, completed_at__isnull=True).update(
        completed_at=now
    ):
        return None
    return award(
        learner=learner,
        action=PointAction.DAILY_PRACTICE_DONE,
        key=daily_award_key(day),
        now=now,
    )


def streak_days(days: set[date], today: date) -> int:
    """Consecutive local days with practice ending today (or yesterday, if not yet today)."""
    current = today if today in days else today - timedelta(days=1)
    streak = 0
    while current in days:
        streak += 1
        current -= timedelta(days=1)
    return streak
