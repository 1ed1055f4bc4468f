"""Each hand-written SQL statement of learning/, exams/ and courses/ against its ORM equivalent, in-process (issue 22
item 3: SQL stays only where the ORM version is at least 1.5 times slower).

Why in-process: the statements are the reads every request makes (session, user, token,
content version) and the few per-endpoint ones (points, leaderboard, reminders); over HTTP
their difference drowns in the rest of the request. Here each pair runs alternately,
``--rounds`` rounds of ``--number`` calls each, on the same data; a round's time per call is
taken both as CPU (``time.process_time``, this process only: what the ORM adds) and as wall
time (``time.perf_counter``: with the database's own work and round trips), and the table
shows the medians over the rounds. Before timing, both versions' answers are compared: a pair
that disagrees stops the run.

Against the benchmark database (bench/README.md, Data), e.g. 2,000 learners:

    DJANGO_SETTINGS_MODULE=learning.settings.bench DATABASE_URL=sqlite:///$PWD/bench/data/bench.sqlite3 \\
        .venv/bin/python bench/orm_vs_sql.py [--rounds 15] [--number 200] [--only token,session]

Writes nothing that stays: the session and token it reads are deleted afterwards and the
reminder inserts are rolled back. Prints a Markdown table (bench/RESULTS.md, Session 7).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Pair:
    name: str
    where: str
    sql: Callable[[], object]
    orm: Callable[[], object]
    #: Calls per round, as a fraction of ``--number`` (bulk writes are far slower).
    share: float = 1.0
    #: How the two answers are made comparable (default: as they are).
    same: Callable[[object], object] = lambda value: value
    #: At most this many rounds (whole-table rebuilds take seconds).
    max_rounds: int = 1000
    #: Each round's calls inside one transaction, rolled back at its end (a write that the
    #: endpoint makes inside its own transaction, so without a savepoint a call).
    in_transaction: bool = False


def _median_ms(
    fn: Callable[[], object], number: int, in_transaction: bool = False
) -> tuple[float, float]:
    from django.db import transaction

    with transaction.atomic() if in_transaction else contextlib.nullcontext():
        cpu, wall = time.process_time(), time.perf_counter()
        for _n in range(number):
            fn()
        took = (
            (time.process_time() - cpu) * 1000 / number,
            (time.perf_counter() - wall) * 1000 / number,
        )
        if in_transaction:
            transaction.set_rollback(True)
    return took


def measure(pair: Pair, rounds: int, number: int) -> dict:
    """Median CPU and wall ms per call of both versions, rounds alternating between them."""
    expected, found = pair.same(pair.sql()), pair.same(pair.orm())
    if expected != found:
        raise SystemExit(f"{pair.name}: SQL and ORM disagree:\n  {expected!r}\n  {found!r}")
    calls = max(1, int(number * pair.share))
    timings: dict[str, list[tuple[float, float]]] = {"sql": [], "orm": []}
    for _round in range(min(rounds, pair.max_rounds)):
        for label in ("orm", "sql") if _round % 2 else ("sql", "orm"):
            timings[label].append(_median_ms(getattr(pair, label), calls, pair.in_transaction))
    result = {"name": pair.name, "where": pair.where, "calls": calls}
    for label, values in timings.items():
        result[f"{label}_cpu"] = statistics.median(v[0] for v in values)
        result[f"{label}_wall"] = statistics.median(v[1] for v in values)
    return result


def _rolled_back(write: Callable[[], None]) -> Callable[[], None]:
    from django.db import transaction

    def run() -> None:
        with transaction.atomic():
            write()
            transaction.set_rollback(True)

    return run


def pairs(cleanup: list[Callable[[], None]]) -> list[Pair]:
    """Every statement's pair, on the bench learner (the first synthetic one)."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.sessions.backends import db as django_db_sessions
    from django.utils import timezone

    from learning.accounts import services
    from learning.auth_backends import PhoneBackend
    from learning.load_data import PHONE_PREFIX
    from learning.models import ApiToken, ContentVersion, PointAction, User
    from learning.platform import page_cache, sessions
    from learning.points import ledger

    learner = User.objects.filter(phone__startswith=PHONE_PREFIX).order_by("pk").first()
    if learner is None:
        raise SystemExit("no synthetic learners: run generate_load_data first (bench/README.md)")

    store = sessions.SessionStore()
    store["bench"] = "orm_vs_sql"
    store.create()
    cleanup.append(store.delete)
    issued = services.issue_token(user=learner)
    cleanup.append(lambda: ApiToken.objects.filter(key_hash=services._hash(issued.token)).delete())

    def session_orm():
        return django_db_sessions.SessionStore(store.session_key)._get_session_from_db()

    def token_orm():
        found = User.objects.filter(
            app_tokens__key_hash=services._hash(issued.token),
            app_tokens__expires_at__gt=timezone.now(),
            is_active=True,
        )[:1]
        return found[0] if found else None

    def content_version_orm():
        return ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    now = timezone.now()
    action = PointAction.PRACTICE_CORRECT
    fresh = {"learner": learner, "action": action, "key": "orm-vs-sql:never-awarded", "now": now}
    result = [
        Pair(
            "session read (database sessions, no Redis)",
            "learning/platform/sessions.py",
            lambda: sessions.SessionStore(store.session_key)._get_session_from_db(),
            session_orm,
            same=lambda session: (session.session_key, session.session_data),
        ),
        Pair(
            "session's user (get_user)",
            "learning/auth_backends.py",
            lambda: PhoneBackend().get_user(learner.pk),
            lambda: ModelBackend().get_user(learner.pk),
            same=_fields,
        ),
        Pair(
            "bearer token's user",
            "learning/accounts/services.py",
            lambda: services.user_for_token(issued.token),
            token_orm,
            same=_fields,
        ),
        Pair(
            "content version",
            "learning/platform/page_cache.py",
            page_cache.content_version,
            content_version_orm,
        ),
        Pair(
            "awards_nothing (rule, key, day's points)",
            "learning/points/ledger.py",
            lambda: ledger.awards_nothing(**fresh),
            lambda: _awards_nothing_orm(**fresh),
        ),
    ]
    result += _leaderboard_pairs(learner)
    result += _exam_pairs(learner, cleanup)
    result += _course_pairs(learner)
    result += _guarded_write_pairs()
    result.append(_rebuild_pair())
    result.append(_reminder_pair(learner))
    return result


def _fields(instance) -> dict | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _awards_nothing_orm(*, learner, action, key, now) -> bool:
    """``ledger.awards_nothing`` as one ORM query (subqueries for the key and the day)."""
    from django.db.models import Case, Exists, OuterRef, Subquery, Sum, Value, When
    from django.db.models.functions import Coalesce

    from learning.models import LedgerEntry, PointRule
    from learning.points import ledger

    full_key = ledger.ledger_key(learner=learner, action=action, key=key)
    start = ledger.local_day_start(now)
    day = (
        LedgerEntry.objects.filter(
            learner=learner,
            action=OuterRef("action"),
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
        )
        .values("learner")
        .annotate(total=Sum("points"))
        .values("total")
    )
    found = (
        PointRule.objects.filter(action=action)
        .annotate(
            taken=Exists(LedgerEntry.objects.filter(key=full_key)),
            earned=Case(
                When(daily_cap__gt=0, then=Coalesce(Subquery(day), Value(0))), default=Value(0)
            ),
        )
        .values_list("id", "points", "daily_cap", "active", "taken", "earned")[:1]
    )
    return ledger.awards_nothing_from(list(found))


def _leaderboard_pairs(viewer) -> list[Pair]:
    """The statements of one live leaderboard request: the viewer's community and totals, the
    page and count, the neighbours and the ranks (all time, everyone: the largest board)."""
    from django.conf import settings
    from django.db.models import Count

    from learning.models import Organisation, PointTotal
    from learning.points import leaderboards
    from learning.points.ledger import period_starts

    settings.POINTS_LEADERBOARD_CACHE_SECONDS = 0  # the page and count read live
    period = "all"
    start = period_starts()[period]
    home, total = leaderboards._home_and_total(viewer, period, start)
    board = leaderboards._Board(period, start, "all", None)
    my_points = total.get("points", 0)
    above, below = leaderboards._neighbours(board, viewer, my_points, 2)
    nearby = {row[1] for row in above + below}
    on_board = PointTotal.objects.filter(period=period, period_start=start, community__isnull=False)
    named = ("learner_id", "points", "community_id", "learner__name", "community__name")

    def home_orm():
        found = Organisation.objects.filter(learners__user=viewer)[:1]
        return found[0] if found else None

    def home_and_total_orm():
        organisation = home_orm()
        found = (
            PointTotal.objects.filter(learner=viewer, period=period, period_start=start)
            .values(*leaderboards._TOTAL_COLUMNS)
            .first()
        )
        return organisation, found or {}

    def page_orm():
        count = on_board.count()
        rows = on_board.order_by("-points", "learner_id").values_list(*named)[:50]
        return [tuple(row) for row in rows], count

    def neighbours_orm():
        ties = on_board.filter(points=my_points)
        rows = [
            *ties.filter(learner_id__lt=viewer.pk).order_by("-learner_id").values_list(*named)[:2],
            *on_board.filter(points__gt=my_points)
            .order_by("points", "-learner_id")
            .values_list(*named)[:2],
            *ties.filter(learner_id__gt=viewer.pk).order_by("learner_id").values_list(*named)[:2],
            *on_board.filter(points__lt=my_points)
            .order_by("-points", "learner_id")
            .values_list(*named)[:2],
        ]
        place = (-my_points, viewer.pk)
        ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
        return (
            [tuple(r) for r in ordered if (-r[1], r[0]) < place][-2:],
            [tuple(r) for r in ordered if (-r[1], r[0]) > place][:2],
        )

    def ranks_orm():
        low, high = min(nearby | {my_points}), max(nearby | {my_points})
        above_me = on_board.filter(points__gt=my_points).count()
        histogram = dict(
            on_board.filter(points__gt=low, points__lte=high)
            .values_list("points")
            .annotate(n=Count("*"))
            .order_by()
        )
        ranks = {my_points: above_me + 1}
        for value in nearby - {my_points}:
            if value >= my_points:
                between = sum(n for p, n in histogram.items() if my_points < p <= value)
                ranks[value] = above_me - between + 1
            else:
                between = sum(n for p, n in histogram.items() if value < p <= my_points)
                ranks[value] = above_me + between + 1
        return ranks

    where = "learning/points/leaderboards.py"
    return [
        Pair(
            "leaderboard: viewer's community",
            where,
            lambda: leaderboards.home_organisation(viewer),
            home_orm,
            same=_fields,
        ),
        Pair(
            "leaderboard: viewer's community and totals",
            where,
            lambda: leaderboards._home_and_total(viewer, period, start),
            home_and_total_orm,
            same=lambda pair: (_fields(pair[0]), pair[1]),
        ),
        Pair(
            "leaderboard: page of 50 and count (live)",
            where,
            lambda: leaderboards._page_and_count(board, 1, 50),
            page_orm,
        ),
        Pair(
            "leaderboard: 2 neighbours each side",
            where,
            lambda: leaderboards._neighbours(board, viewer, my_points, 2),
            neighbours_orm,
            same=lambda pair: (list(map(tuple, pair[0])), list(map(tuple, pair[1]))),
        ),
        Pair(
            "leaderboard: ranks of the viewer and neighbours",
            where,
            lambda: leaderboards._ranks(board, anchor=my_points, nearby=nearby, others=set()),
            ranks_orm,
        ),
    ]


def _rebuild_pair() -> Pair:
    """Every points total rebuilt from the ledger, rolled back: ``rebuild_all_totals`` (three
    ``INSERT ... SELECT ... GROUP BY``) against emptying the table and ``rebuild_totals``,
    the ORM's learner-by-learner rebuild."""
    from django.db import transaction

    from learning.models import PointTotal
    from learning.points import ledger

    def orm():
        PointTotal.objects.all().delete()
        ledger.rebuild_totals()

    def table(rebuild):
        with transaction.atomic():
            rebuild()
            found = sorted(
                PointTotal.objects.values_list(
                    "learner_id", "period", "period_start", "points", "community_id", "street_id"
                )
            )
            transaction.set_rollback(True)
        return found

    if table(ledger.rebuild_all_totals) != table(orm):
        raise SystemExit("rebuild: SQL and ORM rebuild different totals")
    return Pair(
        "points: rebuild every total from the ledger",
        "learning/points/ledger.py",
        _rolled_back(ledger.rebuild_all_totals),
        _rolled_back(orm),
        share=0.005,
        same=lambda _ignored: None,
        max_rounds=5,
    )


def _reminder_pair(learner) -> Pair:
    """A batch of 1,000 new reminder messages (``evaluation.BATCH_SIZE``), from the values the
    evaluation has to the committed rows, each time rolled back: the ``INSERT ... ON CONFLICT
    DO NOTHING`` by ``executemany`` against ``bulk_create(ignore_conflicts=True)``."""
    from django.db import connection
    from django.utils import timezone

    from learning.models import SmsMessage
    from learning.reminders.evaluation import BATCH_SIZE, insert_sql

    now = timezone.now()
    today = timezone.localdate(now)
    params_field = SmsMessage._meta.get_field("params")
    values = [
        {
            "phone": learner.phone,
            "learner_id": learner.pk,
            "text": f"【社工学堂】您今天还没有完成每日一练（{n}）",
            "params": {"name": learner.name, "n": n},
            "segments": 1,
            "key": f"orm-vs-sql:{n}",
            "kind": "daily_practice",
            "rule_id": None,
            "period": today.isoformat(),
            "status": "queued",
            "reason": "",
            "send_date": today,
            "next_attempt_at": now,
            "attempts": 0,
            "last_error": "",
            "provider_message_id": "",
            "created_at": now,
        }
        for n in range(BATCH_SIZE)
    ]

    def with_sql():
        ops = connection.ops
        rows = [
            (
                *(v[name] for name in ("phone", "learner_id", "text")),
                params_field.get_db_prep_save(v["params"], connection),
                *(v[name] for name in ("segments", "key", "kind", "rule_id", "period")),
                v["status"],
                v["reason"],
                ops.adapt_datefield_value(v["send_date"]),
                ops.adapt_datetimefield_value(v["next_attempt_at"]),
                0,
                "",
                "",
                ops.adapt_datetimefield_value(v["created_at"]),
            )
            for v in values
        ]
        with connection.cursor() as cursor:
            cursor.executemany(insert_sql(), rows)

    def with_orm():
        SmsMessage.objects.bulk_create([SmsMessage(**v) for v in values], ignore_conflicts=True)

    def inserted(write):
        from django.db import transaction

        with transaction.atomic():
            write()
            found = sorted(
                SmsMessage.objects.filter(key__startswith="orm-vs-sql:").values_list(
                    "key", "params", "send_date", "status", "created_at"
                )
            )
            transaction.set_rollback(True)
        return found

    return Pair(
        f"reminders: insert a batch of {BATCH_SIZE:,} messages",
        "learning/reminders/evaluation.py",
        _rolled_back(with_sql),
        _rolled_back(with_orm),
        share=0.02,
        same=lambda _ignored: None,
    ), (inserted(with_sql), inserted(with_orm))


def _written(write: Callable[[], object], read: Callable[[], object]) -> object:
    """What ``read`` finds after ``write``, rolled back (to compare two writes)."""
    from django.db import transaction

    with transaction.atomic():
        write()
        found = read()
        transaction.set_rollback(True)
    return found


def _exam_pairs(learner, cleanup: list[Callable[[], None]]) -> list[Pair]:
    """The reads of autosave, reload and submit (on a graded attempt of 80 questions, the
    largest synthetic learner's), the practice question, and a practice answer's writes."""
    from django.db import transaction
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django.utils import timezone

    from exams.attempts import api as attempt_api
    from exams.attempts import display
    from exams.attempts import services as attempts
    from exams.bank import versions
    from exams.models import Attempt, AttemptQuestion, WrongAnswer
    from exams.papers import services as papers
    from exams.papers import variants

    attempt = (
        Attempt.objects.filter(items__isnull=False).select_related("learner").order_by("pk").first()
    )
    if attempt is None:
        raise SystemExit("no attempts: run generate_load_data first (bench/README.md)")
    owner = attempt.learner
    items = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position"))
    named = {str(item.question_id): "A" for item in items[:3]}
    ids = sorted(int(key) for key in named)
    answer_text = Cast("answer", TextField())

    def find_orm(attempt_id, of=None):
        found = Attempt.objects.select_related("paper").filter(pk=attempt_id)
        if of is not None:
            found = found.filter(learner=of)
        found = list(found)
        return found[0] if found else None

    def items_orm(attempt_id, purpose, question_ids=None):
        last = "option_order" if purpose == "answering" else answer_text
        found = AttemptQuestion.objects.filter(attempt_id=attempt_id)
        if question_ids is not None:
            found = found.filter(question_id__in=question_ids)
        rows = found.values_list(
            "id", "question_id", "score", "version_id", last, "version__fingerprint"
        )
        return _frozen(rows, purpose)

    def _frozen(rows, purpose):
        rows = list(rows)
        snapshots = attempts.decoded_snapshots({row[5]: row[3] for row in rows})
        last = "stored_answer" if purpose == "grading" else "option_order"
        return [
            attempts.FrozenItem(row[0], row[1], row[2], snapshots[row[5]], row[5], **{last: row[4]})
            for row in rows
        ]

    def for_answers_orm():
        found = find_orm(attempt.pk, owner)
        return found, attempts._by_question(items_orm(attempt.pk, "answering", ids))

    def locked_state_orm():
        with transaction.atomic():
            return (
                Attempt.objects.select_for_update()
                .filter(pk=attempt.pk)
                .values_list("state", flat=True)[0]
            )

    def locked_state_sql():
        with transaction.atomic():
            return attempts._locked_state(attempt.pk)

    def locked_and_graded_orm():
        with transaction.atomic():
            state = (
                Attempt.objects.select_for_update()
                .filter(pk=attempt.pk)
                .values_list("state", flat=True)[0]
            )
            return state, attempts._graded(attempt, items_orm(attempt.pk, "grading"))

    def locked_and_graded_sql():
        with transaction.atomic():
            # The attempt is finished: graded here as if it were open, from the same rows.
            state_rows, item_rows = attempts.raw_sql.fetch_together(
                [
                    (attempts._locked_state_sql(), [attempt.pk]),
                    attempts._items_statement(attempt.pk, "grading", None),
                ]
            )
            return state_rows[0][0], attempts._graded(
                attempt, attempts._items_from(item_rows, "grading")
            )

    graded = attempts._graded_items(attempt)

    def regraded_orm():
        saved = dict(
            AttemptQuestion.objects.filter(attempt_id=attempt.pk).values_list("id", answer_text)
        )
        rule = attempt.paper.multiple_choice_rule
        for item in graded:
            if saved[item.pk] != item.stored_answer:
                item.stored_answer = saved[item.pk]
                attempts.grade_item(item, rule=rule)
        return graded

    def answers_orm():
        return [
            (text, flagged)
            for text, flagged in AttemptQuestion.objects.filter(attempt_id=attempt.pk)
            .order_by("position")
            .values_list(answer_text, "flagged")
        ]

    def shown_rows_orm():
        rows = (
            AttemptQuestion.objects.filter(attempt_id=attempt.pk)
            .order_by("position")
            .values_list("position", "version_id", "score", "option_order", "version__fingerprint")
        )
        return [
            (position, attempt_api.ShownQuestion(version_id, fingerprint, score, order))
            for position, version_id, score, order, fingerprint in rows
        ]

    question_id = (
        versions.practice_questions()
        .filter(bank__name="压测题库")
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )

    def practice_question_orm():
        found = list(
            versions.practice_questions().filter(pk=question_id).prefetch_related("options")
        )
        if not found:
            return None
        return found[0], versions.current_version(found[0])

    now = timezone.now()
    # A wrong-book entry of the bench learner (the data has none), deleted afterwards.
    entry = WrongAnswer.objects.create(
        learner=learner,
        question_id=question_id,
        wrong_count=1,
        last_wrong_at=now - timedelta(days=3),
    )
    cleanup.append(entry.delete)
    paper = attempt.paper

    def paper_for_orm():
        return papers.papers_for(owner).filter(pk=paper.pk).first()

    def rules_key_orm():
        model, names = variants._PARTS[variants._parts_kind(paper)]
        parts = model.objects.filter(paper=paper).order_by("sort_order", "id").values_list(*names)
        return variants._key_of(paper, list(parts))

    where = "exams/attempts/services.py"

    def both(item):
        return (
            item.pk,
            item.question_id,
            item.score,
            item.fingerprint,
            item.option_order,
            item.stored_answer,
            item.awarded,
            item.correct,
            item.needs_marking,
        )

    result = [
        Pair(
            "attempt: find with its paper (reload, submit)",
            where,
            lambda: attempts.find_attempt(attempt.pk, learner=owner),
            lambda: find_orm(attempt.pk, owner),
            same=lambda found: (_fields(found), _fields(found.paper)),
        ),
        Pair(
            "attempt: find and 3 named questions (autosave)",
            where,
            lambda: attempts.attempt_for_answers(
                attempt.pk, learner=owner, answers=named, flags={}
            ),
            for_answers_orm,
            same=lambda pair: (_fields(pair[0]), {k: both(v) for k, v in pair[1].items()}),
        ),
        Pair(
            "attempt: 80 frozen questions for grading",
            where,
            lambda: attempts.frozen_items(attempt.pk, purpose="grading"),
            lambda: items_orm(attempt.pk, "grading"),
            same=lambda found: sorted(map(both, found)),
        ),
        Pair(
            "attempt: state under the row lock (submit)",
            where,
            locked_state_sql,
            locked_state_orm,
        ),
        Pair(
            "attempt: state under the lock and 80 graded (submit)",
            where,
            locked_and_graded_sql,
            locked_and_graded_orm,
            same=lambda pair: (pair[0], sorted(map(both, pair[1]))),
        ),
        Pair(
            "attempt: answers saved since, regraded (submit, SQLite)",
            where,
            lambda: attempts._regraded(attempt, graded),
            regraded_orm,
            same=lambda found: sorted(map(both, found)),
        ),
        Pair(
            "attempt: saved answers and flags by position (reload)",
            "exams/attempts/display.py",
            lambda: display.saved_answer_texts(attempt.pk),
            answers_orm,
        ),
        Pair(
            "attempt: questions as shown by position (reload)",
            "exams/attempts/api.py",
            lambda: attempt_api._shown_rows(attempt.pk),
            shown_rows_orm,
        ),
        Pair(
            "practice: question, options, newest version",
            "exams/bank/versions.py",
            lambda: versions.practice_question(question_id),
            practice_question_orm,
            same=lambda pair: (_fields(pair[0]), _fields(pair[1])),
        ),
        Pair(
            "paper: the learner's paper (paper_for)",
            "exams/papers/services.py",
            lambda: papers.paper_for(owner, paper.pk),
            paper_for_orm,
            same=_fields,
        ),
        Pair(
            "paper: rules key (variant preparation)",
            "exams/papers/variants.py",
            lambda: variants.rules_key(paper),
            rules_key_orm,
        ),
    ]
    result += _practice_write_pairs(entry, now)
    return result


def _practice_write_pairs(entry, now) -> list[Pair]:
    """A practice answer's writes, each rolled back: the answer, the wrong-book updates after
    a right and a wrong answer, and both together (an answer that awards nothing)."""
    from django.db import transaction
    from django.db.models import Case, DateTimeField, F, Q, Value, When
    from django.utils import timezone

    from exams.bank.grading import Grade
    from exams.bank.versions import current_version
    from exams.models import PracticeAnswer, WrongAnswer
    from exams.practice import services as practice

    learner, question = entry.learner, entry.question
    version = current_version(question)
    row = practice._AnswerRow(
        learner=learner,
        question=question,
        version=version,
        mode=PracticeAnswer.Mode.CHAPTER,
        grade=Grade(awarded=None, max_score=question.score, correct=False, answer=["A"]),
        day=timezone.localdate(now),
        now=now,
    )

    def insert_orm():
        PracticeAnswer.objects.bulk_create(
            [
                PracticeAnswer(
                    learner=learner,
                    question=question,
                    version=version,
                    mode=row.mode,
                    answer=row.grade.answer,
                    correct=row.grade.correct,
                    local_date=row.day,
                    answered_at=now,
                    session=None,
                )
            ]
        )

    def wrong_book_orm(correct):
        found = WrongAnswer.objects.filter(learner=learner, question=question)
        if correct:
            day = timezone.localdate(now)
            return (
                found.filter(mastered_at__isnull=True)
                .filter(Q(last_right_date__isnull=True) | ~Q(last_right_date=day))
                .update(
                    right_streak=F("right_streak") + 1,
                    last_right_date=day,
                    mastered_at=Case(
                        When(right_streak__gte=practice.MASTERY_DAYS - 1, then=Value(now)),
                        default=None,
                        output_field=DateTimeField(),
                    ),
                )
            )
        return found.update(
            wrong_count=F("wrong_count") + 1,
            last_wrong_at=now,
            right_streak=0,
            last_right_date=None,
            mastered_at=None,
        )

    def both_orm():
        with transaction.atomic():
            insert_orm()
            changed = wrong_book_orm(False)
        if not changed:
            raise AssertionError("the entry exists")

    def answers():
        return sorted(
            PracticeAnswer.objects.filter(learner=learner, answered_at=now).values_list(
                "question_id", "version_id", "mode", "answer", "correct", "local_date", "session_id"
            )
        )

    def book():
        return list(
            WrongAnswer.objects.filter(pk=entry.pk).values_list(
                "wrong_count", "last_wrong_at", "right_streak", "last_right_date", "mastered_at"
            )
        )

    def both_read():
        return answers(), book()

    def wrong_sql(correct):
        return lambda: practice.update_wrong_book(
            learner=learner, question=question, correct=correct, now=now
        )

    checks = [
        ("insert", lambda: practice._insert_answer(row), insert_orm, answers),
        ("right", wrong_sql(True), lambda: wrong_book_orm(True), book),
        ("wrong", wrong_sql(False), lambda: wrong_book_orm(False), book),
        ("both", lambda: practice._record_without_award(row), both_orm, both_read),
    ]
    for name, sql, orm, read in checks:
        if _written(sql, read) != _written(orm, read):
            raise SystemExit(f"practice {name}: SQL and ORM write differently")
    where = "exams/practice/services.py"
    names = {
        "insert": "practice: insert an answer",
        "right": "practice: wrong-book update after a right answer",
        "wrong": "practice: wrong-book update after a wrong answer",
        "both": "practice: answer and wrong-book update, no award",
    }
    # The answer is inserted inside the transaction of an answer that may earn points: timed
    # so, each round rolled back; the others each rolled back (the right answer's update
    # would change nothing after the first).
    return [
        Pair(
            names[name],
            where,
            sql if name == "insert" else _rolled_back(sql),
            orm if name == "insert" else _rolled_back(orm),
            same=lambda _ignored: None,
            in_transaction=name == "insert",
        )
        for name, sql, orm, _read in checks
    ]


def _course_pairs(learner) -> list[Pair]:
    """A course listing's progress (every course) and a course and a lesson page's
    ``learner_progress``, for the bench learner (enrolled in the first course, 10 lessons done)."""
    from django.db.models import Count

    from courses.models import CheckResult, CoursePage, Enrolment, LessonCompletion, LessonPage
    from courses.study import selectors

    courses = list(CoursePage.objects.live().order_by("path"))
    course_ids = [course.pk for course in courses]
    totals = dict.fromkeys(course_ids, 0)
    course = next(
        c for c in courses if Enrolment.objects.filter(learner=learner, course=c).exists()
    )
    lesson = LessonPage.objects.filter(
        completions__learner=learner, completions__course=course
    ).first()

    def progress_orm():
        enrolments = dict(
            Enrolment.objects.filter(learner=learner, course_id__in=course_ids).values_list(
                "course_id", "completed_at"
            )
        )
        done = dict(
            LessonCompletion.objects.filter(
                learner=learner, course_id__in=course_ids, lesson__live=True
            )
            .values_list("course_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        return {
            pk: selectors.Progress(
                completed=done.get(pk, 0),
                total=totals.get(pk, 0),
                enrolled=pk in enrolments,
                finished=enrolments.get(pk) is not None,
            )
            for pk in course_ids
        }

    def learner_progress_orm(for_lesson):
        found = list(Enrolment.objects.filter(learner=learner, course=course))
        completed = LessonCompletion.objects.filter(learner=learner)
        completed = (
            completed.filter(lesson=lesson) if for_lesson else completed.filter(course=course)
        )
        passed = frozenset()
        if for_lesson:
            passed = frozenset(
                CheckResult.objects.filter(learner=learner, lesson=lesson, passed=True).values_list(
                    "question_id", flat=True
                )
            )
        return selectors.LearnerProgress(
            enrolment=found[0] if found else None,
            completed_lesson_ids=frozenset(completed.values_list("lesson_id", flat=True)),
            passed_question_ids=passed,
        )

    where = "courses/study/selectors.py"
    same = lambda p: (_fields(p.enrolment), p.completed_lesson_ids, p.passed_question_ids)  # noqa: E731
    return [
        Pair(
            f"courses: progress in {len(course_ids)} listed courses",
            where,
            lambda: selectors.progress_for(learner, course_ids, totals),
            progress_orm,
        ),
        Pair(
            "courses: learner's progress on a course page",
            where,
            lambda: selectors.learner_progress(learner, course=course),
            lambda: learner_progress_orm(False),
            same=same,
        ),
        Pair(
            "courses: learner's progress on a lesson page",
            where,
            lambda: selectors.learner_progress(learner, course=course, lesson=lesson),
            lambda: learner_progress_orm(True),
            same=same,
        ),
    ]


def _guarded_write_pairs() -> list[Pair]:
    """An autosave's write: five answers written only while the attempt is in progress, its row
    locked (``row_writes.update_if_in_state``), against ``select_for_update`` and
    ``bulk_update`` in a transaction. Both inside the round's transaction, rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from exams.models import Attempt, AttemptQuestion
    from learning.platform import row_writes

    attempt = (
        Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, items__isnull=False)
        .order_by("pk")
        .first()
    )
    if attempt is None:
        return []
    rows = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position")[:5])
    for row in rows:
        row.answer, row.answered_at = ["A"], timezone.now()
    fields = ("answer", "answered_at")

    def sql():
        return row_writes.update_if_in_state(
            model=Attempt,
            pk=attempt.pk,
            field="state",
            value=Attempt.State.IN_PROGRESS,
            writes=[(AttemptQuestion, rows, fields)],
        )

    def orm():
        with transaction.atomic():
            if (
                not Attempt.objects.select_for_update()
                .filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS)
                .exists()
            ):
                return False
            AttemptQuestion.objects.bulk_update(rows, fields)
            return True

    graded = Attempt.objects.filter(state=Attempt.State.FINISHED, items__isnull=False).first()
    graded_rows = list(AttemptQuestion.objects.filter(attempt=graded).order_by("position"))
    closing = ("state", "submitted_at", "ended_by", "finished_at", "score", "passed")

    def grade_sql():
        row_writes.update_together(
            (AttemptQuestion, graded_rows, ("awarded", "correct")), (Attempt, [graded], closing)
        )

    def grade_orm():
        with transaction.atomic():
            AttemptQuestion.objects.bulk_update(graded_rows, ("awarded", "correct"))
            graded.save(update_fields=closing)

    return [
        Pair(
            f"attempt: {len(graded_rows)} grades and the closing written (submit)",
            "learning/platform/row_writes.py",
            grade_sql,
            grade_orm,
            in_transaction=True,
        ),
        Pair(
            "attempt: 5 answers written under the open attempt's lock (autosave)",
            "learning/platform/row_writes.py",
            sql,
            orm,
            in_transaction=True,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=200, help="calls per round (reads)")
    parser.add_argument("--only", default="", help="comma-separated parts of pair names")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.bench")
    import django

    django.setup()
    from django.db import connection

    cleanup: list[Callable[[], None]] = []
    try:
        found = pairs(cleanup)
        reminder, (by_sql, by_orm) = found.pop()
        if by_sql != by_orm:
            raise SystemExit("reminders: SQL and ORM insert different rows")
        found.append(reminder)
        wanted = [part for part in args.only.split(",") if part]
        found = [p for p in found if not wanted or any(w in p.name for w in wanted)]
        engine = connection.vendor
        print(f"{engine}, {args.rounds} rounds, medians of per-call ms (CPU / wall)\n")
        print(
            "| statement | module | calls/round | ORM CPU | SQL CPU | CPU ratio | ORM wall | "
            "SQL wall | wall ratio |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for pair in found:
            r = measure(pair, args.rounds, args.number)
            print(
                f"| {r['name']} | `{r['where']}` | {r['calls']} | {r['orm_cpu']:.3f} | "
                f"{r['sql_cpu']:.3f} | {r['orm_cpu'] / r['sql_cpu']:.2f}x | "
                f"{r['orm_wall']:.3f} | {r['sql_wall']:.3f} | "
                f"{r['orm_wall'] / r['sql_wall']:.2f}x |",
                flush=True,
            )
    finally:
        for step in reversed(cleanup):
            step()


if __name__ == "__main__":
    main()
