"""What `make bench` measures over HTTP: the registry of endpoints (issue 11).

To measure a new page or API call, append an :class:`~bench.harness.Endpoint` to
``ENDPOINTS``. Paths and bodies are templates filled from the values: those of every run
(``BASE_VALUES`` below) plus whatever the endpoint's ``prepare(ctx)`` returns. ``prepare``
runs once, in-process, before the server is loaded; create what the endpoint needs there
through your app's services (a course with lessons, a paper with 80 questions...) and return
the ids. Example, for the courses app::

    def _course(ctx: BenchContext) -> dict:
        from courses.models import CoursePage
        return {"course_id": CoursePage.objects.live().order_by("pk").first().pk}

    Endpoint("GET /api/v1/courses/{id}", "/api/v1/courses/{course_id}", auth="token",
             prepare=_course),

Writes whose every request must differ (each submit needs its own attempt) pass a callable
``path`` or ``body`` taking ``(values, n)``, n being the request number (0 and 1 are the
two in-process requests that count the queries, then 2, 3, ... under load; up to a few
thousand per endpoint, so ``prepare`` can make a pool of objects and the request take ``pool[n % len(pool)]``).
This module is imported after ``django.setup()``.
"""

from __future__ import annotations

from bench.harness import BenchContext, Endpoint


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
