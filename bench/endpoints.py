"""What `make bench` measures over HTTP: the registry of endpoints (issue 11).

To measure a new page or API call, append an :class:`~bench.harness.Endpoint` to
``ENDPOINTS``. Paths and bodies are templates filled from the values: those of every run
(:func:`base_values` below) plus whatever the endpoint's ``prepare(ctx)`` returns. ``prepare``
runs once, in-process, before the server is loaded; create what the endpoint needs there
through your app's services (a course with lessons, a paper with 80 questions...) and return
the ids. Example, for the courses app::

    def _course(ctx: BenchContext) -> dict:
        from courses.models import CoursePage
        return {"course_id": CoursePage.objects.live().order_by("pk").first().pk}

    Endpoint("GET /api/v1/courses/{id}", "/api/v1/courses/{course_id}", auth="token",
             prepare=_course),

Work without HTTP (reminder evaluation for every learner, a GIFT import) goes in ``JOBS``: a
:class:`~bench.harness.Job` whose ``run(ctx, values, n)`` does it once; it is timed in-process
with its queries counted, after the server has stopped.

Writes whose every request must differ (each submit needs its own attempt) pass a callable
``path`` or ``body`` taking ``(values, n)``, n being the request number: 0 and 1 are the two
in-process requests that count the queries, then 2, 3, ... under load (a few thousand per
endpoint), so ``prepare`` can make a pool of objects and request n use ``pool[n % len(pool)]``.
This module is imported after ``django.setup()``.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from bench.harness import BenchContext, Endpoint, Job
from learning.accounts.roster import import_roster
from learning.accounts.services import issue_token
from learning.load_data import PHONE_PREFIX
from learning.models import User
from learning.points.ledger import record_daily_login


def base_values(ctx: BenchContext) -> dict:
    """Values every endpoint may use: the bench learner and their community."""
    profile = ctx.learner.profile
    return {"learner_id": ctx.learner.pk, "community_code": profile.organisation.code}


#: The plain Django view (learning.platform.benchmark): one indexed query and a tiny template. Every
#: endpoint's throughput is reported as a ratio to it, measured in the same run.
BASELINE = Endpoint("baseline (plain Django view)", "/bench/baseline/?code={community_code}")


def _prefecture_organiser(ctx: BenchContext) -> dict:
    """A prefecture-wide organiser (组织部) logged in: the reports' heaviest scope."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from learning.accounts import roles
    from learning.models import Organiser, User

    user, _created = User.objects.get_or_create(
        phone="19899990002", defaults={"name": "基准组织者", "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.get_or_create(user=user, defaults={"organisation": None})
    client = Client()
    client.force_login(user)
    return {"session_key": client.cookies["sessionid"].value}


# ---------------------------------------------------------------------------------------------
# What the endpoints need (made by the apps' load-data generators, found here by slug/title)


def _course(ctx: BenchContext) -> dict:
    """The 30-lesson course (the bench learner is enrolled, 10 lessons done) and its lesson 11."""
    from courses.load_data import big_course
    from courses.models import LessonPage

    course = big_course()
    lesson = LessonPage.objects.child_of(course).live().order_by("path")[10]
    return {"course_url": course.url, "lesson_url": lesson.url, "course_id": course.pk}


def _paper():
    from exams.models import Paper
    from exams.papers.load_data import PAPER_TITLE

    return Paper.objects.get(title=PAPER_TITLE)


def _own_attempt(ctx: BenchContext) -> dict:
    """The bench learner's unfinished 80-question attempt, for reads and autosaves."""
    from exams.attempts.services import start_attempt

    attempt, _created = start_attempt(paper=_paper(), learner=ctx.learner, now=timezone.now())
    items = list(attempt.items.order_by("position").values_list("question_id", flat=True))
    return {"attempt_id": attempt.pk, "attempt_questions": items}


def _autosave_body(values: dict, n: int) -> dict:
    """What the exam page sends every few answers: the last five answered questions."""
    questions = values["attempt_questions"]
    start = (n * 5) % (len(questions) - 5)
    return {"answers": {str(q): ["A"] for q in questions[start : start + 5]}}


def _practice(ctx: BenchContext) -> dict:
    """The bank's single-choice questions whose key the bench learner may see now: those in
    the learner's unfinished attempt (the attempt endpoints' one) answer 409 by design."""
    from exams.attempts.review_policy import withheld_question_ids
    from exams.models import Question, QuestionType
    from exams.papers.load_data import BANK_NAME

    ids = list(
        Question.objects.filter(bank__name=BANK_NAME, type=QuestionType.SINGLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    withheld = withheld_question_ids(learner=ctx.learner, question_ids=ids, now=timezone.now())
    return {"practice_questions": [pk for pk in ids if pk not in withheld]}


def _practice_body(values: dict, n: int) -> dict:
    questions = values["practice_questions"]
    return {"question_id": questions[n % len(questions)], "answer": ["A"]}


#: Learners who start and submit attempts under load: each request needs an attempt (and so a
#: learner) of its own, as one learner has at most one unfinished attempt per paper.
ATTEMPT_POOL = 3000
#: Unsubmitted attempts prepared for the submit measurement; the load stops when they are all
#: submitted (``Endpoint.pool``), so every measured request is a first submit.
SUBMIT_POOL = 1500
_tokens: dict[int, str] = {}


def _pool_learners(size: int) -> list[User]:
    """Synthetic learners after the bench learner, with tokens and the day's log-in done."""
    learners = list(
        User.objects.filter(phone__startswith=PHONE_PREFIX).order_by("pk")[1 : size + 1]
    )
    with transaction.atomic():
        for learner in learners:
            if learner.pk not in _tokens:
                _tokens[learner.pk] = issue_token(user=learner).token
                # The day's first request awards log-in points: do it now, not under load.
                record_daily_login(user=learner)
    return learners


def _start_pool(ctx: BenchContext) -> dict:
    """Pool learners without an unfinished attempt at the paper: request n starts one."""
    from exams.models import Attempt

    paper = _paper()
    busy = set(
        Attempt.objects.filter(paper=paper, state=Attempt.State.IN_PROGRESS).values_list(
            "learner_id", flat=True
        )
    )
    free = [learner.pk for learner in _pool_learners(ATTEMPT_POOL) if learner.pk not in busy]
    return {"paper_id": paper.pk, "start_tokens": [_tokens[pk] for pk in free]}


def _submit_pool(ctx: BenchContext) -> dict:
    """Unfinished attempts of the pool learners (those the start measurement left, topped up to
    ``SUBMIT_POOL``), every question answered: request n submits attempt n."""
    from exams.attempts.services import start_attempt
    from exams.models import Attempt, AttemptQuestion

    paper = _paper()
    learners = _pool_learners(ATTEMPT_POOL)
    attempts = dict(
        Attempt.objects.filter(
            paper=paper, state=Attempt.State.IN_PROGRESS, learner__in=learners
        ).values_list("learner_id", "pk")
    )
    now = timezone.now()
    for learner in learners:
        if len(attempts) >= SUBMIT_POOL:
            break
        if learner.pk not in attempts:
            attempts[learner.pk] = start_attempt(paper=paper, learner=learner, now=now)[0].pk
    ids = sorted(attempts.values())
    AttemptQuestion.objects.filter(attempt_id__in=ids, answer__isnull=True).update(
        answer=["A"], answered_at=now
    )
    owners = {pk: learner_id for learner_id, pk in attempts.items()}
    return {"submit_attempts": ids, "submit_tokens": [_tokens[owners[pk]] for pk in ids]}


def _nth(name: str):
    def pick(values: dict, n: int):
        pool = values[name]
        return pool[n % len(pool)]

    return pick


ENDPOINTS: list[Endpoint] = [
    Endpoint("home page (anonymous)", "/"),
    Endpoint("GET /api/v1/me", "/api/v1/me", auth="token"),
    Endpoint("GET /healthz", "/healthz"),
    # Pages (issue 11 targets: anonymous >= 0.5, logged-in course/lesson >= 0.3)
    Endpoint("course catalogue (anonymous)", "/courses/"),
    Endpoint("course page, 30 lessons (anonymous)", "{course_url}", prepare=_course),
    Endpoint(
        "course page, 30 lessons (learner, progress)",
        "{course_url}",
        auth="session",
        prepare=_course,
    ),
    Endpoint("lesson page (learner)", "{lesson_url}", auth="session", prepare=_course),
    Endpoint("lecturer directory (anonymous)", "/lecturers/"),
    # API reads (>= 0.5)
    Endpoint("GET /api/v1/courses", "/api/v1/courses", auth="token"),
    Endpoint(
        "GET /api/v1/leaderboards (top 50 + my rank)",
        "/api/v1/leaderboards?period=week&page_size=50",
        auth="token",
    ),
    Endpoint(
        "GET /api/v1/attempts/{id} (80 questions)",
        "/api/v1/attempts/{attempt_id}",
        auth="token",
        prepare=_own_attempt,
    ),
    # Writes: practice answer >= 0.4, autosave >= 0.4, submit of 80 >= 0.2
    Endpoint(
        "POST /api/v1/practice/answer",
        "/api/v1/practice/answer",
        method="POST",
        auth="token",
        body=_practice_body,
        prepare=_practice,
    ),
    Endpoint(
        "PUT /api/v1/attempts/{id}/answers (5 answers)",
        "/api/v1/attempts/{attempt_id}/answers",
        method="PUT",
        auth="token",
        body=_autosave_body,
        prepare=_own_attempt,
    ),
    # Start, then submit the attempts the start left (a learner each): measured apart.
    Endpoint(
        "POST /api/v1/papers/{id}/attempts (start, 80 questions)",
        "/api/v1/papers/{paper_id}/attempts",
        method="POST",
        auth="token",
        status=201,
        prepare=_start_pool,
        token=_nth("start_tokens"),
        pool="start_tokens",
    ),
    Endpoint(
        "POST /api/v1/attempts/{id}/submit (80 answers)",
        lambda values, n: f"/api/v1/attempts/{_nth('submit_attempts')(values, n)}/submit",
        method="POST",
        auth="token",
        prepare=_submit_pool,
        token=_nth("submit_tokens"),
        pool="submit_attempts",
    ),
    Endpoint(
        "organiser dashboard, prefecture-wide (admin)",
        "/admin/reports/",
        auth="session",
        prepare=_prefecture_organiser,
    ),
]


ROSTER_PHONE_PREFIX = "198"
ROSTER_SIZE = 2000


def _roster_offset(ctx: BenchContext) -> dict:
    """Phone numbers no earlier run has used (the roster must create, not find, its learners)."""
    return {"phone_offset": User.objects.filter(phone__startswith=ROSTER_PHONE_PREFIX).count()}


def _import_roster(ctx: BenchContext, values: dict, n: int) -> None:
    """2,000 new learners from a roster, as an organiser imports a street's workers."""
    first = values["phone_offset"] + n * ROSTER_SIZE
    # A community of their own, so the bench learner's community keeps its size run after run.
    street = ctx.learner.profile.organisation.get_parent()
    county = street.get_parent()
    records = [
        {
            "姓名": f"基准{serial:06d}",
            "手机号": f"{ROSTER_PHONE_PREFIX}{serial:08d}",
            "县市": county.name,
            "街镇": street.name,
            "社区": "花名册导入基准社区",
            "岗位类别": "一般工作人员",
            "等级": "6",
            "报考级别": "初级",
        }
        for serial in range(first, first + ROSTER_SIZE)
    ]
    report = import_roster(records)
    if not report.ok or report.created != len(records):
        raise RuntimeError(f"roster import: {report.errors[:3]}, created {report.created}")


#: Timed in-process after the HTTP measurements. Each run must do the full work again (fresh
#: phone numbers per run here), not find it done.
def _reminder_rules(ctx: BenchContext) -> dict:
    """The four built-in reminder kinds, due now, for everyone (found by name on reruns)."""
    from learning.models import ReminderRule

    weekday = timezone.localdate().weekday()
    for kind in ("inactivity", "daily_practice", "exam_countdown", "weekly_rank"):
        ReminderRule.objects.update_or_create(
            name=f"压测：{kind}",
            defaults={"kind": kind, "send_time": "00:00", "weekday": weekday, "active": True},
        )
    return {}


def _evaluate_reminders(ctx: BenchContext, values: dict, n: int) -> str:
    """Every active rule over every learner, as `send_reminders` does at noon; a dry run, so
    each run does the whole evaluation again instead of finding the messages queued."""
    from learning.reminders import evaluate_all

    counts = evaluate_all(now=timezone.localtime().replace(hour=12, minute=0), dry_run=True)
    learners = User.objects.filter(profile__isnull=False).count()
    return f"{learners} learners; {counts}; target < 60 s for 100,000 (SQLite)"


def _import_gift(ctx: BenchContext, values: dict, n: int) -> str:
    """2,000 questions from a GIFT file into a new bank (bench/gift_import.py's file)."""
    from bench.gift_import import gift_text
    from exams.bank.formats import gift
    from exams.bank.importing import import_questions

    tag = f"{time.time_ns()}"
    data = gift_text(2000).replace("题：", f"题（{tag}）：").encode()
    report = import_questions(parsed=gift.read(data), bank_name=f"GIFT 导入基准 {tag}")
    if not report.ok:
        raise RuntimeError(f"GIFT import: {report.errors[:3]}")
    return f"{report.total} questions; target < 10 s"


LEADERBOARD_CALLS = 100


def _leaderboard_calls(ctx: BenchContext, values: dict, n: int) -> str:
    """Top 50 + my rank, in-process, LEADERBOARD_CALLS times per board (bench/leaderboard.py:
    every period, two scopes, the last learner of the month board; cached and live)."""
    from bench.leaderboard import TARGET_MS, measure

    results = measure(ctx.learner, LEADERBOARD_CALLS)
    boards = "; ".join(
        f"{r.label}{'' if r.viewer == 'bench learner' else ' (last)'}: {r.median_ms:.1f}/"
        f"{r.p95_ms:.1f} ms, {r.queries} q, {r.ranked} ranked"
        for r in results
    )
    return f"median/p95 per call: {boards}; target < {TARGET_MS} ms median"


def _dashboard_figures(ctx: BenchContext, values: dict, n: int) -> str:
    """The prefecture-wide dashboard's figures recomputed, as on a refresh or an expired cache
    (``courses.reports.snapshot``; pages between refreshes read the cached figures)."""
    from courses.reports import snapshot

    found = snapshot.dashboard(None, refresh=True)
    total = found.data["total"]
    return f"{total.learners} learners, {total.candidates} candidates; cold path of the page"


JOBS: list[Job] = [
    Job("import_roster: 2,000 new learners", _import_roster, prepare=_roster_offset, repeat=2),
    Job(
        "reminders: evaluate_all for every learner (dry run)",
        _evaluate_reminders,
        prepare=_reminder_rules,
        repeat=2,
    ),
    Job("GIFT import: 2,000 questions", _import_gift, repeat=2),
    Job(
        f"leaderboard top 50 + my rank in-process, {LEADERBOARD_CALLS} calls",
        _leaderboard_calls,
        repeat=3,
    ),
    Job("organiser dashboard figures, prefecture-wide, recomputed", _dashboard_figures, repeat=5),
]
