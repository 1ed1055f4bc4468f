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

from bench.harness import BenchContext, Endpoint, Job
from learning.models import User
from learning.roster import import_roster


def base_values(ctx: BenchContext) -> dict:
    """Values every endpoint may use: the bench learner and their community."""
    profile = ctx.learner.profile
    return {"learner_id": ctx.learner.pk, "community_code": profile.organisation.code}


#: The plain Django view (learning.benchmark): one indexed query and a tiny template. Every
#: endpoint's throughput is reported as a ratio to it, measured in the same run.
BASELINE = Endpoint("baseline (plain Django view)", "/bench/baseline/?code={community_code}")


def _prefecture_organiser(ctx: BenchContext) -> dict:
    """A prefecture-wide organiser (组织部) logged in: the reports' heaviest scope."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from learning import roles
    from learning.models import Organiser, User

    user, _created = User.objects.get_or_create(
        phone="19899990002", defaults={"name": "基准组织者", "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.get_or_create(user=user, defaults={"organisation": None})
    client = Client()
    client.force_login(user)
    return {"session_key": client.cookies["sessionid"].value}


ENDPOINTS: list[Endpoint] = [
    Endpoint("home page (anonymous)", "/"),
    Endpoint("GET /api/v1/me", "/api/v1/me", auth="token"),
    Endpoint("GET /healthz", "/healthz"),
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
JOBS: list[Job] = [
    Job("import_roster: 2,000 new learners", _import_roster, prepare=_roster_offset, repeat=2),
]
