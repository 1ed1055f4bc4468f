"""Synthetic organisations, learners and points for benchmarks (`manage.py generate_load_data`).

Bulk inserts rather than the services: 100,000 learners must load in seconds. The rows are
shaped as the services would write them (a valid treebeard tree, ledger keys built by
:func:`learning.points.ledger.ledger_key`), so every page and report reads them like real data.
Synthetic rows are recognisable: organisation codes start with ``LD``, phone numbers with
``1990``. Running again tops the learners up to the requested number and creates nothing twice (the
tree is built once, sized for the first run; learners added later share its communities).
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learning.accounts.demo import GIVEN, SURNAMES, next_exam_date
from learning.models import LearnerProfile, LedgerEntry, Organisation, PointAction, User
from learning.models.profiles import ExamLevel, PostType
from learning.platform import raw_sql
from learning.points.default_rules import DEFAULT_RULES
from learning.points.ledger import ledger_key

CODE_PREFIX = "LD"
PHONE_PREFIX = "1990"
#: Shape of the synthetic prefecture: about this many learners per community (社区),
#: communities per street/town (街镇) and streets per county (县市).
LEARNERS_PER_COMMUNITY = 80
COMMUNITIES_PER_STREET = 12
STREETS_PER_COUNTY = 10
#: Each learner gets between 0 and this many ledger entries over the last ``HISTORY_DAYS``.
MAX_LEDGER_ENTRIES = 5
HISTORY_DAYS = 90

EARNING_ACTIONS = [action for action in PointAction.values if DEFAULT_RULES[action][0] > 0]


def generate(*, learners: int, seed: int, stdout=None, **options) -> None:
    """Top the synthetic learners up to ``learners``, with their tree and a short point history.

    The command then tops the ledgers up (``--ledger-per-learner``, :func:`top_up_ledger`)
    and rebuilds the totals from the ledger.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by design
    existing = User.objects.filter(phone__startswith=PHONE_PREFIX).count()
    missing = learners - existing
    if missing <= 0:
        _say(stdout, _("已有合成学员 %(count)s 人，无需补充。") % {"count": existing})
    else:
        communities = list(
            Organisation.objects.filter(
                code__startswith=CODE_PREFIX, kind=Organisation.Kind.COMMUNITY
            ).order_by("path")
        ) or _create_tree(communities=math.ceil(learners / LEARNERS_PER_COMMUNITY))
        users = _create_learners(rng, first_serial=existing, count=missing, communities=communities)
        entries = _create_ledger(rng, users)
        _say(
            stdout,
            _(
                "合成机构 %(communities)s 个社区，新增学员 %(learners)s 人、积分记录 %(entries)s 条。"
            )
            % {"communities": len(communities), "learners": len(users), "entries": entries},
        )
    certified = _certify(seed)
    if certified:
        _say(
            stdout,
            ngettext(
                "合成持证学员新增 %(count)s 人。", "合成持证学员新增 %(count)s 人。", certified
            )
            % {"count": certified},
        )


def top_up_ledger(*, per_learner: int, seed: int, stdout=None, batch: int = 200_000) -> int:
    """Top every synthetic learner's ``load:N`` ledger entries up to ``per_learner``.

    Issue 7's scale is 100,000 learners x 50 = 5,000,000 rows: model instances and
    ``bulk_create`` took over ten minutes, so the rows are plain tuples written with one
    ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) per ``batch`` rows, each batch its own
    transaction (call this outside ``atomic``: an interrupted run keeps what it wrote and a
    rerun continues). Keys are numbered from 0 per learner, so a learner with c entries gets
    ``load:c`` to ``load:{per_learner - 1}``: a rerun finds nothing missing and inserts
    nothing, and the unique key refuses a duplicate. Totals are not touched: the caller
    rebuilds them (:func:`learning.points.ledger.rebuild_all_totals`). Returns the rows added.
    """
    rng = random.Random(seed + per_learner)  # noqa: S311 - synthetic data, reproducible by design
    have = _load_entries_per_learner()
    now = timezone.now()
    added = 0
    rows: list[tuple] = []
    with raw_sql.bulk_writes():
        for learner_id in (
            User.objects.filter(phone__startswith=PHONE_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=10_000)
        ):
            for number in range(have.get(learner_id, 0), per_learner):
                action = rng.choice(EARNING_ACTIONS)
                rows.append(
                    (
                        learner_id,
                        action,
                        DEFAULT_RULES[action][0],
                        f"{action}:{learner_id}:load:{number}",
                        "",
                        now - timedelta(seconds=rng.randint(0, HISTORY_DAYS * 86400)),
                    )
                )
            if len(rows) >= batch:
                added += _write_ledger_rows(rows)
                _say(stdout, "  " + _("积分记录已写入 %(count)s 条 …") % {"count": added})
                rows = []
        added += _write_ledger_rows(rows)
    raw_sql.refresh_statistics(LedgerEntry)
    return added


def _load_entries_per_learner() -> dict[int, int]:
    """Learner id -> how many ``load:N`` entries they have (one grouped scan of the ledger)."""
    return dict(
        LedgerEntry.objects.filter(learner__phone__startswith=PHONE_PREFIX, key__contains=":load:")
        .values_list("learner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


_LEDGER_COLUMNS = ("learner_id", "action", "points", "key", "note", "created_at")


def _write_ledger_rows(rows: list[tuple]) -> int:
    """Insert ready tuples (``_LEDGER_COLUMNS``) in one transaction; returns how many.

    ``raw_sql.insert_rows`` (``COPY`` on PostgreSQL, many rows a statement elsewhere; its
    docstring has the measurement against ``bulk_create``): millions of benchmark rows.
    """
    if not rows:
        return 0
    with transaction.atomic():
        raw_sql.insert_rows(
            LedgerEntry, [dict(zip(_LEDGER_COLUMNS, row, strict=True)) for row in rows]
        )
    return len(rows)


#: About one synthetic learner in this many holds a certificate (持证), obtained over the last
#: ``CERTIFICATE_YEARS`` years, so the organisers' certificate trend has a slope.
CERTIFIED_ONE_IN = 7
CERTIFICATE_YEARS = 3


def _certify(seed: int) -> int:
    """Give the chosen synthetic learners a certificate (chosen by id: a rerun picks the same)."""
    today = timezone.localdate()
    chosen = LearnerProfile.objects.filter(
        user__phone__startswith=PHONE_PREFIX, certificate_level=""
    ).values_list("pk", "user_id", "exam_level")
    updated = []
    for pk, user_id, level in chosen.iterator(chunk_size=5000):
        if user_id % CERTIFIED_ONE_IN:
            continue
        rng = random.Random(seed * 1_000_003 + user_id)  # noqa: S311 - synthetic data
        updated.append(
            LearnerProfile(
                pk=pk,
                certificate_level=ExamLevel.INTERMEDIATE
                if level == ExamLevel.INTERMEDIATE
                else ExamLevel.JUNIOR,
                certificate_number=f"LD{user_id:08d}",
                certificate_date=today - timedelta(days=rng.randint(0, CERTIFICATE_YEARS * 365)),
            )
        )
    LearnerProfile.objects.bulk_update(
        updated,
        ["certificate_level", "certificate_number", "certificate_date"],
        batch_size=2000,
    )
    return len(updated)


def learners_to_fill(done: QuerySet) -> list[tuple[int, str, str]]:
    """(user id, exam level, organisation path) of the synthetic learners after the last one
    ``done`` (rows with a ``learner``) has rows for, in id order.

    The apps' generators add report-shaped activity (courses, practice, mock exams) for these
    only, so a rerun after adding learners tops up the newcomers and duplicates nothing.
    """
    last = done.filter(learner__phone__startswith=PHONE_PREFIX).aggregate(n=Max("learner_id"))["n"]
    return list(
        LearnerProfile.objects.filter(user__phone__startswith=PHONE_PREFIX, user_id__gt=last or 0)
        .order_by("user_id")
        .values_list("user_id", "exam_level", "organisation__path")
    )


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _create_tree(*, communities: int) -> list[Organisation]:
    """Counties > streets > communities as one materialised-path tree after the existing roots."""
    last_root = Organisation.get_last_root_node()
    next_root = Organisation._str2int(last_root.path) + 1 if last_root else 1
    streets = math.ceil(communities / COMMUNITIES_PER_STREET)
    counties = math.ceil(streets / STREETS_PER_COUNTY)
    nodes: list[Organisation] = []
    leaves: list[Organisation] = []

    def node(parent: Organisation | None, number: int, children: int) -> Organisation:
        """The ``number``-th (from 1) synthetic child of ``parent``, or county when None."""
        depth = parent.depth + 1 if parent else 1
        code = f"{parent.code}-{number:02d}" if parent else f"{CODE_PREFIX}{number:03d}"
        step = number if parent else next_root + number - 1
        kind = Organisation.KIND_BY_DEPTH[depth]
        created = Organisation(
            path=Organisation._get_path(parent.path if parent else None, depth, step),
            depth=depth,
            numchild=children,
            code=code,
            kind=kind,
            name=f"合成{kind.label}{code}",
            residents=8000 if kind == Organisation.Kind.COMMUNITY else None,
        )
        nodes.append(created)
        return created

    streets_left, communities_left = streets, communities
    for county_number in range(counties):
        county_streets = min(STREETS_PER_COUNTY, streets_left)
        streets_left -= county_streets
        county = node(None, county_number + 1, county_streets)
        for street_step in range(1, county_streets + 1):
            street_communities = min(COMMUNITIES_PER_STREET, communities_left)
            communities_left -= street_communities
            street = node(county, street_step, street_communities)
            leaves.extend(node(street, step, 0) for step in range(1, street_communities + 1))
    Organisation.objects.bulk_create(nodes, batch_size=2000)
    return list(
        Organisation.objects.filter(
            code__startswith=CODE_PREFIX, kind=Organisation.Kind.COMMUNITY
        ).order_by("path")
    )


def _create_learners(
    rng: random.Random, *, first_serial: int, count: int, communities: list[Organisation]
) -> list[User]:
    """Learners spread evenly over the communities; nobody can log in with a password."""
    password = make_password(None)
    users = [
        User(
            phone=f"{PHONE_PREFIX}{serial:07d}",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            password=password,
        )
        for serial in range(first_serial, first_serial + count)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    exam_date = next_exam_date(timezone.localdate())
    levels = [ExamLevel.JUNIOR, ExamLevel.JUNIOR, ExamLevel.INTERMEDIATE, ""]
    profiles = []
    for offset, user in enumerate(users):
        level = rng.choice(levels)
        profiles.append(
            LearnerProfile(
                user_id=user.pk,
                organisation=communities[(first_serial + offset) % len(communities)],
                post_type=rng.choice(PostType.values),
                grade=rng.randint(1, 18),
                exam_level=level,
                exam_date=exam_date if level else None,
            )
        )
    LearnerProfile.objects.bulk_create(profiles, batch_size=5000)
    return users


def _create_ledger(rng: random.Random, users: list[User]) -> int:
    """A few awards per learner spread over recent weeks, so every leaderboard period differs."""
    now = timezone.now()
    rows: list[tuple] = []
    for user in users:
        for number in range(rng.randint(0, MAX_LEDGER_ENTRIES)):
            action = rng.choice(EARNING_ACTIONS)
            rows.append(
                (
                    user.pk,
                    action,
                    DEFAULT_RULES[action][0],
                    ledger_key(learner=user, action=action, key=f"load:{number}"),
                    "",
                    now - timedelta(seconds=rng.randint(0, HISTORY_DAYS * 86400)),
                )
            )
    return _write_ledger_rows(rows)
