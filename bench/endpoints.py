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

ENDPOINTS: list[Endpoint] = [
    Endpoint("home page (anonymous)", "/"),
    Endpoint("GET /api/v1/me", "/api/v1/me", auth="token"),
    Endpoint("GET /healthz", "/healthz"),
]
