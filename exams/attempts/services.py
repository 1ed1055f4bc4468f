"""Attempts (作答): start, autosave, submit, overdue finalisation, marking and results.

Rules of integrity, all enforced here on the server:
- starting freezes the drawn questions, their versions and option order (seeded per attempt);
  at most one unfinished attempt per learner and paper (a partial unique constraint), and
  starting again returns it;
- the deadline is server time: ``min(start + limit, paper close)``; saves are accepted up to
  ``EXAMS_DEADLINE_GRACE_SECONDS`` later (network latency), never after;
- submitting locks the attempt row, so parallel submits grade once and all see one result;
- an attempt past its deadline is finalised on what was saved (``finalise_overdue``, run by
  a django-q2 schedule, and lazily whenever it is read).
"""

from __future__ import annotations

import functools
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from exams.attempts import start_writes
from exams.bank import grading
from exams.models import Attempt, AttemptQuestion, Paper, QuestionType, QuestionVersion
from exams.models.questions import OPTION_KEYS
from exams.papers import variants
from exams.papers.services import PaperUnavailable, draw, option_order
from learning.models import PointAction, User
from learning.platform import raw_sql, row_writes
from learning.platform.ids import parse_id
from learning.platform.row_writes import update_rows, update_together
from learning.platform.task_queue import enqueue_with_transaction
from learning.points.ledger import award


class AttemptClosed(Exception):
    """The attempt no longer takes answers (finished, or past its deadline)."""


class UnknownQuestion(ValueError):
    """An answer names a question that is not in the attempt."""


#: Longest case essay answer accepted (characters); a full 中级实务 answer is far shorter.
MAX_ESSAY_LENGTH = 20_000


def grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "EXAMS_DEADLINE_GRACE_SECONDS", 30))


def deadline_for(paper: Paper, started_at: datetime) -> datetime:
    if paper.is_contest and paper.closes_at:
        # One sitting for everyone (exams.contests.services): a late start gets the remaining time.
        return paper.closes_at
    deadline = started_at + timedelta(minutes=paper.time_limit_minutes)
    if paper.closes_at and paper.closes_at < deadline:
        deadline = paper.closes_at
    return deadline


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.state == Attempt.State.IN_PROGRESS and now > attempt.deadline + grace()


# ---------------------------------------------------------------------------------------------
# Starting


def start_attempt(*, paper: Paper, learner: User, now: datetime) -> tuple[Attempt, bool]:
    """The learner's unfinished attempt at ``paper``, or a new one; ``(attempt, created)``.

    Raises :class:`PaperUnavailable` when the paper is not open or no attempts are left.
    """
    # One query for both questions: the unfinished one, and how many were used (a handful).
    mine = raw_sql.instances(Attempt, _learners_attempts_sql(), [paper.pk, learner.pk])
    current = next((a for a in mine if a.state == Attempt.State.IN_PROGRESS), None)
    if current is not None:
        current.paper = paper
        if not is_overdue(current, now):
            return current, False
        submit_attempt(attempt_id=current.pk, now=now, attempt=current)
    if paper.is_contest:
        from exams.contests.services import refuse_early_start  # imports this module

        refuse_early_start(paper=paper, learner=learner, now=now)
    if not paper.is_open(now):
        raise PaperUnavailable(_("这份试卷现在不在开放时间内。"))
    used = len(mine)
    if paper.attempts_allowed and used >= paper.attempts_allowed:
        raise PaperUnavailable(_("这份试卷的作答次数已用完。"))
    seed = secrets.randbits(62)
    rng = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
    rows = _rows_from_variant(paper, learner, used + 1, rng)
    if rows is None:  # nothing prepared for these rules yet: draw live, prepare for the next
        rows = _rows_drawn(paper, rng)
        variants.queue_preparation(paper)
    max_score = sum((row.score for row in rows), start=Decimal(0))
    deadline = deadline_for(paper, now)
    try:
        attempt_id = start_writes.insert_attempt(
            paper_id=paper.pk,
            learner_id=learner.pk,
            number=used + 1,
            seed=seed,
            started_at=now,
            deadline=deadline,
            max_score=max_score,
            questions=[row[:4] for row in rows],
        )
    except IntegrityError:
        # A parallel request started it first (the partial unique constraint): return that one.
        return Attempt.objects.get(
            paper=paper, learner=learner, state=Attempt.State.IN_PROGRESS
        ), False
    attempt = Attempt(
        pk=attempt_id,
        paper=paper,
        learner=learner,
        number=used + 1,
        seed=seed,
        started_at=now,
        deadline=deadline,
        max_score=max_score,
    )
    attempt._state.adding, attempt._state.db = False, connection.alias
    attempt.started_questions = rows
    return attempt, True


@functools.cache
def _learners_attempts_sql() -> str:
    """The learner's attempts at a paper, in no order. Hand-written: every start reads them,
    and the ORM's query cost 0.39 ms of CPU against 0.044 ms for this one (in-process, 300
    learners of the SQLite bench data, bench/RESULTS.md "Session 7: start")."""
    col = raw_sql.column
    return (
        f"SELECT {raw_sql.select_list(Attempt, 'a')} FROM {raw_sql.table(Attempt)} a "  # noqa: S608
        f"WHERE a.{col(Attempt, 'paper')} = %s AND a.{col(Attempt, 'learner')} = %s"
    )


class StartedQuestion(NamedTuple):
    """A question as a start freezes it (position is its place in the list); a new attempt
    carries them as ``started_questions``, so its answer is written without reading them."""

    question_id: int
    version_id: int
    score: Decimal
    option_order: list | dict
    #: The version's fingerprint; ``None`` from a variant prepared before variants held it.
    fingerprint: str | None


def _rows_from_variant(
    paper: Paper, learner: User, number: int, rng: random.Random
) -> list[StartedQuestion] | None:
    """The questions of a new attempt, copied from a prepared variant and shuffled from the
    attempt's seed; None when none is prepared."""
    variant = variants.pick(paper, learner_id=learner.pk, number=number)
    if variant is None:
        return None
    items = variants.drawn_from(variant)
    if paper.shuffle_questions:
        rng.shuffle(items)
    return [
        StartedQuestion(
            question_id,
            version_id,
            score,
            option_order(skel, rng, shuffle=paper.shuffle_options),
            fingerprint,
        )
        for question_id, version_id, score, skel, fingerprint in items
    ]


def _rows_drawn(paper: Paper, rng: random.Random) -> list[StartedQuestion]:
    """The same drawn live from the bank (a paper without variants for its rules yet)."""
    drawn = draw(paper, rng)
    for d in drawn:  # decoded already: autosaves and the submit will need them
        _remember(d.version.fingerprint, d.version.snapshot)
    return [
        StartedQuestion(
            d.question.pk,
            d.version.pk,
            d.score,
            option_order(d.version.snapshot, rng, shuffle=paper.shuffle_options),
            d.version.fingerprint,
        )
        for d in drawn
    ]


# ---------------------------------------------------------------------------------------------
# Option keys as shown (relabelled A, B, C... in the frozen order) and as stored (original)


def shown_snapshot(snapshot: dict, order) -> dict:
    """The snapshot with options in the shown order and relabelled; answers stripped."""
    if snapshot["type"] == QuestionType.CASE_ANALYSIS:
        return {
            **snapshot,
            "sub_questions": [
                shown_snapshot(sub, order.get(str(sub["id"]), []))
                for sub in snapshot["sub_questions"]
            ],
        }
    by_key = {option["key"]: option for option in snapshot["options"]}
    options = [
        {**by_key[key], "key": OPTION_KEYS[index]}
        for index, key in enumerate(order)
        if key in by_key
    ]
    return {**snapshot, "options": options}


def to_original(answer, order):
    """A normalised answer in shown keys -> the question's own keys."""
    if isinstance(answer, dict):
        return {sub: to_original(value, order.get(sub, [])) for sub, value in answer.items()}
    if isinstance(answer, list):
        return sorted(order[OPTION_KEYS.index(key)] for key in answer)
    return answer


def to_shown(answer, order):
    """A stored answer (original keys) -> the keys the learner saw."""
    if isinstance(answer, dict):
        return {sub: to_shown(value, order.get(sub, [])) for sub, value in answer.items()}
    if isinstance(answer, list):
        return sorted(OPTION_KEYS[order.index(key)] for key in answer if key in order)
    return answer


def is_blank(answer) -> bool:
    if isinstance(answer, dict):
        return all(is_blank(value) for value in answer.values())
    return answer in (None, "", [])


# ---------------------------------------------------------------------------------------------
# Reading an attempt and its frozen questions, in hand-written SQL (learning.platform.raw_sql): every
# autosave, reload and submit does, and the ORM spent longer composing these queries and
# building model instances (160 for a submit of 80) than the database spent reading them.


@functools.cache
def _attempt_sql() -> str:
    col = raw_sql.column
    return (
        f"SELECT {raw_sql.select_list(Attempt, 'a')}, {raw_sql.select_list(Paper, 'p')} "  # noqa: S608
        f"FROM {raw_sql.table(Attempt)} a JOIN {raw_sql.table(Paper)} p "
        f"ON p.{col(Paper, 'id')} = a.{col(Attempt, 'paper')} WHERE a.{col(Attempt, 'id')} = %s"
    )


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: find with its paper (reload,
# submit)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.338 / 0.211 (6.3x);
# PostgreSQL 1.209 / 0.282 (4.3x).
def find_attempt(attempt_id: int, *, learner: User | None = None) -> Attempt | None:
    """The attempt with its paper (one query); only ``learner``'s own when given."""
    return _attempt_from(raw_sql.fetch(*_find_attempt_statement(attempt_id, learner)))


def _find_attempt_statement(attempt_id: int, learner: User | None) -> tuple[str, list]:
    sql, params = _attempt_sql(), [attempt_id]
    if learner is not None:
        sql = f"{sql} AND a.{raw_sql.column(Attempt, 'learner')} = %s"
        params.append(learner.pk)
    return sql, params


def _attempt_from(fetched: list) -> Attempt | None:
    found = raw_sql.instances_from(Attempt, fetched, related=["paper"])
    return found[0] if found else None


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: find and 3 named questions
# (autosave)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 2.787 / 0.501 (5.6x);
# PostgreSQL 2.643 / 0.566 (4.7x).
def attempt_for_answers(
    attempt_id: int, *, learner: User, answers: dict, flags: dict
) -> tuple[Attempt | None, dict[str, FrozenItem]]:
    """``learner``'s attempt (``find_attempt``) and, by question id as text, the questions
    that these answers and flags name (for ``save_answers``), read together: on PostgreSQL
    in one round trip (``raw_sql.fetch_together``). No attempt, no questions."""
    ids = _named_question_ids(answers, flags)
    statements = [_find_attempt_statement(attempt_id, learner)]
    if ids:
        statements.append(_items_statement(attempt_id, "answering", ids))
    found = raw_sql.fetch_together(statements)
    attempt = _attempt_from(found[0])
    if attempt is None or not ids:
        return attempt, {}
    return attempt, _by_question(_items_from(found[1], "answering"))


def _named_question_ids(answers: dict, flags: dict) -> list[int]:
    """The ids the keys name; a key that is no id (``"abc"``, ``"99999999999999999999"``)
    names no question, and ``save_answers`` refuses it as unknown."""
    named = (parse_id(str(key)) for key in (*answers, *flags))
    return sorted({question_id for question_id in named if question_id is not None})


def _by_question(items: list[FrozenItem]) -> dict[str, FrozenItem]:
    return {str(item.question_id): item for item in items}


@dataclass(slots=True, eq=False)
class FrozenItem:
    """A question of an attempt as far as answering and grading need it: lighter than an
    ``AttemptQuestion`` with its version. ``snapshot`` is shared (see ``decoded_snapshots``): read it,
    never change it; ``fingerprint`` is its version's."""

    pk: int
    question_id: int
    score: Decimal
    snapshot: dict
    fingerprint: str
    option_order: list | dict | None = None
    #: The saved answer as the database's JSON text (what grading reads).
    stored_answer: str | None = None
    #: The answer being saved, in the question's own keys (what autosave writes).
    answer: object = None
    answered_at: datetime | None = None
    flagged: bool = False
    awarded: Decimal | None = None
    correct: bool | None = None
    needs_marking: bool = False


#: Decoded snapshots of question versions, by fingerprint (the hash of the snapshot, so an
#: entry can never be stale); per process and shared by every attempt drawn from the bank.
_SNAPSHOTS: dict[str, dict] = {}
#: Past this many the memo starts again (a bank has a few thousand versions at most).
SNAPSHOT_MEMO_SIZE = 5000


def decoded_snapshots(versions: dict[str, int]) -> dict[str, dict]:
    """``{fingerprint: snapshot}`` for ``{fingerprint: version id}``; only versions this
    process has not decoded yet are read."""
    found = {fingerprint: _SNAPSHOTS.get(fingerprint) for fingerprint in versions}
    missing = [versions[fingerprint] for fingerprint, known in found.items() if known is None]
    if missing:
        for fingerprint, snapshot in QuestionVersion.objects.filter(pk__in=missing).values_list(
            "fingerprint", "snapshot"
        ):
            found[fingerprint] = _remember(fingerprint, snapshot)
    return found


def _remember(fingerprint: str, snapshot: dict) -> dict:
    if len(_SNAPSHOTS) >= SNAPSHOT_MEMO_SIZE:
        _SNAPSHOTS.clear()
    return _SNAPSHOTS.setdefault(fingerprint, snapshot)


#: What each use reads of an attempt's questions besides their score and snapshot: answering
#: relabels keys through the option order, grading reads the saved answer (as text: see
#: ``grade_item``).
_ITEM_FIELDS = {
    "answering": ("id", "question", "score", "version", "option_order"),
    "grading": ("id", "question", "score", "version", "answer"),
}


@functools.cache
def _items_sql(purpose: str) -> str:
    item, version, col = AttemptQuestion, QuestionVersion, raw_sql.column
    columns = ", ".join(f"i.{col(item, name)}" for name in _ITEM_FIELDS[purpose])
    return (
        f"SELECT {columns}, v.{col(version, 'fingerprint')} "  # noqa: S608
        f"FROM {raw_sql.table(item)} i JOIN {raw_sql.table(version)} v "
        f"ON v.{col(version, 'id')} = i.{col(item, 'version')} WHERE i.{col(item, 'attempt')} = %s"
    )


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: 80 frozen questions for
# grading"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.970 / 0.588 (3.4x);
# PostgreSQL 1.453 / 0.335 (4.3x).
def frozen_items(
    attempt_id: int, *, purpose: str, question_ids: list[int] | None = None
) -> list[FrozenItem]:
    """The attempt's questions (only those of ``question_ids`` when given), in no particular
    order, with their option order (``purpose="answering"``) or saved answer (``"grading"``)."""
    if question_ids is not None and not question_ids:
        return []
    statement = _items_statement(attempt_id, purpose, question_ids)
    return _items_from(raw_sql.fetch(*statement), purpose)


def _items_statement(
    attempt_id: int, purpose: str, question_ids: list[int] | None
) -> tuple[str, list]:
    sql, params = _items_sql(purpose), [attempt_id]
    if question_ids is not None:
        marks = ", ".join(["%s"] * len(question_ids))
        sql = f"{sql} AND i.{raw_sql.column(AttemptQuestion, 'question')} IN ({marks})"
        params.extend(question_ids)
    return sql, params


def _items_from(fetched: list, purpose: str) -> list[FrozenItem]:
    meta = AttemptQuestion._meta
    fields = [meta.get_field(name) for name in _ITEM_FIELDS[purpose]]
    if purpose == "grading":
        fields[-1] = None  # the answer's JSON text
    found = raw_sql.converted_rows(
        fetched, [*fields, QuestionVersion._meta.get_field("fingerprint")]
    )
    snapshots = decoded_snapshots(
        {fingerprint: version for *_, version, _last, fingerprint in found}
    )
    items = []
    for pk, question_id, score, _version, last, fingerprint in found:
        item = FrozenItem(pk, question_id, score, snapshots[fingerprint], fingerprint)
        if purpose == "grading":
            item.stored_answer = last
        else:
            item.option_order = last
        items.append(item)
    return items


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: state under the row lock
# (submit)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 0.621 / 0.134 (4.6x);
# PostgreSQL 1.326 / 0.596 (2.2x).
@functools.cache
def _locked_state_sql() -> str:
    # SQLite has no row locks: its IMMEDIATE transactions (settings) hold its one write lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    col = raw_sql.column
    return (
        f"SELECT {col(Attempt, 'state')} FROM {raw_sql.table(Attempt)} "  # noqa: S608
        f"WHERE {col(Attempt, 'id')} = %s{lock}"
    )


def _locked_state(attempt_id: int) -> str:
    """The attempt's state, read under its row lock (inside a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(_locked_state_sql(), [attempt_id])
        return cursor.fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Autosave


def save_answers(
    *,
    attempt: Attempt,
    answers: dict[str, object],
    flags: dict[str, bool] | None = None,
    now: datetime,
    items: dict[str, FrozenItem] | None = None,
) -> list[FrozenItem]:
    """Merge ``answers`` (question id -> shown keys or text) and review ``flags`` into the attempt.

    All or nothing: an unknown question raises :class:`UnknownQuestion`, an unknown option
    ``exams.bank.grading.InvalidAnswer``, and a finished or overdue attempt :class:`AttemptClosed`.
    An empty answer clears the saved one. Returns the questions written (answer or flag).
    ``items`` are the named questions when already read (``attempt_for_answers``).
    """
    flags = flags or {}
    if attempt.state != Attempt.State.IN_PROGRESS or now > attempt.deadline + grace():
        raise AttemptClosed
    wanted = {str(key) for key in answers} | {str(key) for key in flags}
    if items is None:
        items = _by_question(
            frozen_items(
                attempt.pk, purpose="answering", question_ids=_named_question_ids(answers, flags)
            )
        )
    unknown = sorted(wanted - set(items))
    if unknown:
        raise UnknownQuestion(_("试卷中没有这道题：%(ids)s") % {"ids": ", ".join(unknown)})
    answered = []
    for key, raw in answers.items():
        item = items[str(key)]
        if isinstance(raw, str) and len(raw) > MAX_ESSAY_LENGTH:
            raise grading.InvalidAnswer(_("答案太长，最多 %(n)d 个字。") % {"n": MAX_ESSAY_LENGTH})
        if is_blank(raw) and not isinstance(raw, dict):
            item.answer = None
        else:
            shown = shown_snapshot(item.snapshot, item.option_order)
            value = grading.normalise_answer(shown, raw)
            item.answer = None if is_blank(value) else to_original(value, item.option_order)
        item.answered_at = now
        answered.append(item)
    flagged = []
    for key, value in flags.items():
        item = items[str(key)]
        item.flagged = bool(value)
        flagged.append(item)
    # Only what this request changes: a flag sent alone leaves the answer as it is. Each
    # question in one group only (one statement may not update a row twice).
    both = {item.pk for item in answered} & {item.pk for item in flagged}
    writes = [
        ([i for i in answered if i.pk not in both], ("answer", "answered_at")),
        ([i for i in flagged if i.pk not in both], ("flagged",)),
        ([i for i in answered if i.pk in both], ("answer", "answered_at", "flagged")),
    ]
    # Re-checked under the attempt's row lock: a submit or the overdue task may have just
    # finished it. Hand-written (row_writes), kept by measurement: bench/orm_vs_sql.py "attempt:
    # 5 answers written under the open attempt's lock (autosave)", CPU ms ORM / SQL (the ORM:
    # select_for_update + bulk_update): SQLite 3.007 / 0.292 (10.3x), PostgreSQL 4.134 / 0.424
    # (9.7x); RESULTS.md, session 8.
    if not row_writes.update_if_in_state(
        model=Attempt,
        pk=attempt.pk,
        field="state",
        value=Attempt.State.IN_PROGRESS,
        writes=[(AttemptQuestion, rows, field_names) for rows, field_names in writes],
    ):
        raise AttemptClosed
    return list({item.pk: item for item in answered + flagged}.values())


# ---------------------------------------------------------------------------------------------
# Submitting and grading


def submit_attempt(*, attempt_id: int, now: datetime, attempt: Attempt | None = None) -> Attempt:
    """Grade and close the attempt once; a repeat (or a parallel call) returns the same result.

    ``attempt`` (with its paper) saves reading it again when the caller has it. The write
    transaction (on SQLite it blocks every other writer) holds only what must be consistent
    with autosaves and other submits: the state check under the row lock, reading the saved
    answers, grading them (computation only: the frozen snapshots are decoded once per process,
    see ``decoded_snapshots``) and the writes.
    """
    if attempt is None:
        attempt = find_attempt(attempt_id)
        if attempt is None:
            raise Attempt.DoesNotExist
    if attempt.state != Attempt.State.IN_PROGRESS:
        return attempt
    # SQLite admits one writer at a time, and submits queue for it: there the answers are
    # read and graded before its lock is taken, and under it only compared with the answers
    # saved by then (an autosave may have come in between), any changed one graded again.
    early = row_writes.prepared_before_write_lock(lambda: _graded_items(attempt))
    with transaction.atomic():
        if early is None:
            state, items = _locked_state_and_graded_items(attempt)
        else:
            state = _locked_state(attempt.pk)
            items = _regraded(attempt, early) if state == Attempt.State.IN_PROGRESS else []
        graded_here = state == Attempt.State.IN_PROGRESS
        if graded_here:
            _grade_and_close(attempt, items, now=now)
    # Otherwise another request graded it first: its result, as stored.
    return attempt if graded_here else find_attempt(attempt.pk)


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: state under the lock and 80
# graded (submit)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 2.418 / 0.856 (2.8x);
# PostgreSQL 3.594 / 1.376 (2.6x).
def _locked_state_and_graded_items(attempt: Attempt) -> tuple[str, list[FrozenItem]]:
    """The attempt's state under its row lock and, if it is open, its questions graded.

    The two reads are sent together (``raw_sql.fetch_together``): PostgreSQL runs them in
    order, the second only once the lock is granted and with a snapshot of its own, so it
    reads the answers as the last autosave before the lock left them, as a separate
    statement would.
    """
    state_rows, item_rows = raw_sql.fetch_together(
        [(_locked_state_sql(), [attempt.pk]), _items_statement(attempt.pk, "grading", None)]
    )
    state = state_rows[0][0]
    if state != Attempt.State.IN_PROGRESS:
        return state, []  # graded by whoever closed it
    return state, _graded(attempt, _items_from(item_rows, "grading"))


def _graded_items(attempt: Attempt) -> list[FrozenItem]:
    return _graded(attempt, frozen_items(attempt.pk, purpose="grading"))


def _graded(attempt: Attempt, items: list[FrozenItem]) -> list[FrozenItem]:
    rule = attempt.paper.multiple_choice_rule
    for item in items:
        grade_item(item, rule=rule)
    return items


# Hand-written SQL, kept by measurement (bench/orm_vs_sql.py "attempt: answers saved since,
# regraded (submit, SQLite)"; RESULTS.md, session 8): CPU ms a call, ORM / SQL, SQLite 1.069 /
# 0.222 (4.8x); PostgreSQL 1.071 / 0.221 (4.9x).
def _regraded(attempt: Attempt, items: list[FrozenItem]) -> list[FrozenItem]:
    """``items`` graded earlier, with each answer saved since then graded again."""
    id_, answer, of_attempt = (
        raw_sql.column(AttemptQuestion, name) for name in ("id", "answer", "attempt")
    )
    table = raw_sql.table(AttemptQuestion)
    sql = f"SELECT {id_}, {answer} FROM {table} WHERE {of_attempt} = %s"  # noqa: S608
    saved = dict(raw_sql.fetch(sql, [attempt.pk]))
    rule = attempt.paper.multiple_choice_rule
    for item in items:
        if saved[item.pk] != item.stored_answer:
            item.stored_answer = saved[item.pk]
            grade_item(item, rule=rule)
    return items


def _grade_and_close(attempt: Attempt, items: list[FrozenItem], *, now: datetime) -> None:
    attempt.submitted_at = now
    # Past the deadline the clock handed it in, whoever sent the request: the page's own at
    # time-up (inside the grace, for latency) or the schedule's.
    attempt.ended_by = (
        Attempt.Ending.TIMED_OUT if now >= attempt.deadline else Attempt.Ending.SUBMITTED
    )
    to_mark = [item for item in items if item.needs_marking]
    if to_mark:
        attempt.state = Attempt.State.MARKING
        closing = ("state", "submitted_at", "ended_by")
    else:
        closing = _final_score(attempt, items, now=now)
    # ``needs_marking`` is false on every question until its attempt is graded, once (the
    # model's default): only essays to mark write it, which spares the database rewriting
    # an index entry per question (on SQLite, a tenth of the submit's write). Hand-written
    # (row_writes), kept by measurement: bench/orm_vs_sql.py "attempt: 80 grades and the
    # closing written (submit)", CPU ms ORM (bulk_update + save) / SQL: SQLite 34.5 / 0.70
    # (49.7x), PostgreSQL 39.2 / 1.76 (22.2x); RESULTS.md, session 8.
    update_together(
        (AttemptQuestion, [i for i in items if not i.needs_marking], ("awarded", "correct")),
        (AttemptQuestion, to_mark, ("awarded", "correct", "needs_marking")),
        (Attempt, [attempt], closing),
    )
    if not to_mark:
        enqueue_with_transaction("exams.tasks.record_attempt_results", attempt.pk)


#: Grades as ``(awarded, correct, needs_marking)`` by (version fingerprint, saved answer as
#: JSON text, score, rule): grading is a function of these alone, and answers to choice
#: questions repeat (a few options), so most of a submit's 80 are looked up. Per process.
_GRADES: dict[tuple, tuple] = {}
#: Past this many the memo starts again.
GRADE_MEMO_SIZE = 50_000


def grade_item(item: FrozenItem, *, rule: str) -> None:
    """Grade one saved answer (``item.stored_answer``) into ``item``'s grade fields."""
    if item.snapshot["type"] == QuestionType.CASE_ESSAY:
        # Nothing written, nothing to mark; essays differ too much to be worth remembering.
        item.awarded, item.correct, item.needs_marking = _grade(item, rule)
        return
    key = (item.fingerprint, item.stored_answer, item.score, rule or grading.default_rule())
    found = _GRADES.get(key)
    if found is None:
        if len(_GRADES) >= GRADE_MEMO_SIZE:
            _GRADES.clear()
        found = _GRADES[key] = _grade(item, rule)
    item.awarded, item.correct, item.needs_marking = found


def _grade(item: FrozenItem, rule: str) -> tuple[Decimal | None, bool | None, bool]:
    snapshot = item.snapshot
    answer = AttemptQuestion._meta.get_field("answer").from_db_value(
        item.stored_answer, None, connection
    )
    if snapshot["type"] == QuestionType.CASE_ESSAY:
        needs_marking = not is_blank(answer)
        return (None if needs_marking else Decimal(0)), None, needs_marking
    if answer is None:
        answer = {} if snapshot["type"] == QuestionType.CASE_ANALYSIS else []
    result = grading.grade(snapshot, answer, score=item.score, rule=rule)
    return result.awarded.quantize(Decimal("0.01")), result.correct, False


def publish_score(attempt: Attempt, items: list, *, now: datetime) -> None:
    """All questions graded: the attempt's score is final; points and the book follow."""
    # The same hand-written update as the submit's closing write (measured there).
    update_rows(Attempt, [attempt], _final_score(attempt, items, now=now))
    enqueue_with_transaction("exams.tasks.record_attempt_results", attempt.pk)


def _final_score(attempt: Attempt, items: list, *, now: datetime) -> tuple[str, ...]:
    """Set the attempt's final score and state; the fields to write."""
    attempt.score = sum((item.awarded or Decimal(0) for item in items), start=Decimal(0))
    attempt.passed = attempt.score >= attempt.paper.pass_score
    attempt.state = Attempt.State.FINISHED
    attempt.finished_at = now
    return ("state", "submitted_at", "ended_by", "finished_at", "score", "passed")


def finalise_overdue(*, now: datetime) -> int:
    """Submit every attempt past its deadline (plus grace) on what was saved; how many."""
    overdue = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS, deadline__lt=now - grace()
    ).values_list("pk", flat=True)
    count = 0
    for attempt_id in list(overdue):
        submit_attempt(attempt_id=attempt_id, now=now)
        count += 1
    return count


def refresh_if_overdue(attempt: Attempt, *, now: datetime) -> Attempt:
    """Reads finalise an overdue attempt themselves, so nobody waits for the schedule."""
    if is_overdue(attempt, now):
        return submit_attempt(attempt_id=attempt.pk, now=now, attempt=attempt)
    return attempt


# ---------------------------------------------------------------------------------------------
# Manual marking (阅卷) of case essays


class MarkingError(ValueError):
    pass


def mark_item(
    *,
    item: AttemptQuestion,
    points: list[Decimal],
    comment: str,
    by: User,
    now: datetime,
) -> Attempt:
    """A lecturer's marks for one case essay, one value per marking point (答题要点).

    The sum is capped at the question's score. When the attempt's last essay is marked, its
    score is published (and points and the wrong-answer book follow).
    """
    total = sum(points, start=Decimal(0))
    if any(value < 0 for value in points):
        raise MarkingError(_("分数不能为负。"))
    if total > item.score:
        raise MarkingError(
            _("合计 %(total)s 分，超过了本题满分 %(max)s 分。")
            % {"total": total, "max": item.score}
        )
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().select_related("paper").get(pk=item.attempt_id)
        )
        if attempt.state == Attempt.State.IN_PROGRESS:
            raise MarkingError(_("考生还没有交卷。"))
        item = AttemptQuestion.objects.select_for_update().get(pk=item.pk)
        if attempt.state == Attempt.State.FINISHED and item.marked_at is None:
            raise MarkingError(_("这道题不需要阅卷。"))
        item.awarded = total
        item.marking_breakdown = {str(i): str(value) for i, value in enumerate(points)}
        item.marker_comment = comment
        item.marked_by = by
        item.marked_at = now
        item.needs_marking = False
        item.save()
        items = list(attempt.items.all())
        if attempt.state == Attempt.State.MARKING and not any(i.needs_marking for i in items):
            publish_score(attempt, items, now=now)
        elif attempt.state == Attempt.State.FINISHED:
            # A correction after publication: the score follows the marks.
            attempt.score = sum((i.awarded or Decimal(0) for i in items), start=Decimal(0))
            attempt.passed = attempt.score >= attempt.paper.pass_score
            attempt.save(update_fields=["score", "passed"])
    return attempt


# ---------------------------------------------------------------------------------------------
# Review policy and results across attempts


def score_visible(attempt: Attempt, *, now: datetime) -> bool:
    if attempt.state != Attempt.State.FINISHED:
        return False
    paper = attempt.paper
    if paper.review_timing == Paper.ReviewTiming.AFTER_CLOSE:
        return paper.closes_at is not None and now >= paper.closes_at
    return True


def answers_visible(attempt: Attempt, *, now: datetime) -> bool:
    """Whether correct answers and explanations may be shown: ``exams.attempts.review_policy`` decides."""
    from exams.attempts.review_policy import attempt_review_open

    return attempt_review_open(attempt, now=now)


def paper_result(*, paper: Paper, learner: User) -> Decimal | None:
    """The learner's result on a paper by its grading method, over finished attempts."""
    scores = list(
        Attempt.objects.filter(paper=paper, learner=learner, state=Attempt.State.FINISHED)
        .order_by("started_at", "pk")
        .values_list("score", flat=True)
    )
    return result_of(paper.grading_method, scores)


def result_of(method: str, scores: list[Decimal]) -> Decimal | None:
    if not scores:
        return None
    if method == Paper.GradingMethod.FIRST:
        return scores[0]
    if method == Paper.GradingMethod.LAST:
        return scores[-1]
    if method == Paper.GradingMethod.AVERAGE:
        return (sum(scores, start=Decimal(0)) / len(scores)).quantize(Decimal("0.01"))
    return max(scores)


#: (percentage of the maximum reached, points) for MOCK_EXAM_SCORE_BAND, highest first.
DEFAULT_SCORE_BANDS = [(90, 10), (80, 5)]


def score_band(attempt: Attempt) -> tuple[int, int] | None:
    if not attempt.max_score:
        return None
    percent = attempt.score * 100 / attempt.max_score
    for threshold, points in getattr(settings, "EXAMS_SCORE_BANDS", DEFAULT_SCORE_BANDS):
        if percent >= threshold:
            return threshold, points
    return None


def award_attempt_points(attempt: Attempt) -> int:
    """Points for a finished attempt, each once: finishing it, its score band, passing the paper.

    The band is keyed per paper and band, so resitting a paper cannot farm band points; the
    pass is keyed per paper and judged by the paper's grading method across attempts.
    """
    learner, paper = attempt.learner, attempt.paper
    when = attempt.finished_at
    total = award(
        learner=learner,
        action=PointAction.MOCK_EXAM_FINISHED,
        key=f"attempt:{attempt.pk}",
        note=paper.title,
        now=when,
    )
    band = score_band(attempt)
    if band is not None:
        threshold, points = band
        total += award(
            learner=learner,
            action=PointAction.MOCK_EXAM_SCORE_BAND,
            key=f"paper:{paper.pk}:band:{threshold}",
            points=points,
            note=f"{paper.title} ≥{threshold}%",
            now=when,
        )
    result = paper_result(paper=paper, learner=learner)
    if result is not None and result >= paper.pass_score:
        total += award(
            learner=learner,
            action=PointAction.MOCK_EXAM_PASSED,
            key=f"paper:{paper.pk}",
            note=paper.title,
            now=when,
        )
    return total


def report_to_wrong_answer_book(attempt: Attempt) -> None:
    """Hand a finished attempt's graded questions to the practice records through the bank's
    ``exams.practice.services.record_answer`` (mode 模拟考试, no practice points), so wrong ones land in
    the learner's wrong-answer book (错题本) and right ones count towards mastery.

    Idempotent per attempt: its answers are recorded once, stamped with the submit time. Case
    essays are neither right nor wrong and stay out of the book.
    """
    from exams.models import PracticeAnswer
    from exams.practice.services import record_answer

    if PracticeAnswer.objects.filter(
        learner=attempt.learner, mode=PracticeAnswer.Mode.EXAM, answered_at=attempt.submitted_at
    ).exists():
        return
    for item in attempt.items.select_related("question", "version").order_by("position"):
        if item.correct is None or item.version.snapshot["type"] == QuestionType.CASE_ESSAY:
            continue
        empty = {} if item.version.snapshot["type"] == QuestionType.CASE_ANALYSIS else []
        record_answer(
            learner=attempt.learner,
            question=item.question,
            answer=item.answer if item.answer is not None else empty,
            mode=PracticeAnswer.Mode.EXAM,
            version=item.version,
            now=attempt.submitted_at,
            award_points=False,
        )
