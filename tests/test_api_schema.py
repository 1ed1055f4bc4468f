"""Property-based test of the whole JSON API against its own OpenAPI schema (issue 16).

Schemathesis generates requests for every operation of ``/api/v1/openapi.json``, valid ones
and invalid ones, sent as the demo learner (bearer token) through Django's WSGI handler.
Every answer must be no 5xx and, where the schema describes it, match the schema: a
response model that does not fit what a view returns is a bug in the view or the model.

Kept fast enough for CI (``.ci/run`` runs it with the suite, on SQLite and PostgreSQL): a
bounded number of examples per operation (``API_FUZZ_EXAMPLES``, default 10 valid and 5
invalid), derandomized so a run is reproducible, one database transaction for the whole
run. Path ids are drawn half of the time from the objects the demo holds, so detail views
answer 200 and their bodies are checked too, not only their 404s.
"""

from __future__ import annotations

import io
import os

import hypothesis.errors
import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from learning.accounts.services import issue_token
from learning.site.home_page import ensure_home_page

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))

#: The demo as far as the learner's API needs it: the backdated points and study of other
#: learners (for the organisers' reports and full leaderboards) are left out for speed.
DEMO_LOADERS = [
    "learning.accounts.demo.load",
    "learning.reminders.demo.load",
    "lecturers.demo.load",
    "exams.bank.demo.load",
    "exams.papers.demo.load",
    "courses.demo.catalogue.load",
]
DEMO_LEARNER = "13800000001"

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _load_demo() -> None:
    ensure_home_page()
    for dotted in DEMO_LOADERS:
        assert dotted in django_settings.DEMO_LOADERS, dotted
        import_string(dotted)(stdout=io.StringIO())


def _real_ids(learner) -> dict[str, list[int]]:
    """Ids of objects the demo holds, by the name of the path parameter that takes them."""
    from courses.models import CoursePage, LessonPage
    from exams.models import Attempt, Paper, Question
    from lecturers.models import LecturerPage, TrainingSession

    return {
        "course_id": list(CoursePage.objects.live().values_list("pk", flat=True)),
        "lesson_id": list(LessonPage.objects.live().values_list("pk", flat=True)),
        "lecturer_id": list(LecturerPage.objects.live().values_list("pk", flat=True)),
        "training_id": list(TrainingSession.objects.values_list("pk", flat=True)),
        "question_id": list(Question.objects.values_list("pk", flat=True)[:200]),
        "paper_id": list(Paper.objects.values_list("pk", flat=True)),
        "attempt_id": list(Attempt.objects.filter(learner=learner).values_list("pk", flat=True)),
    }


def _run(operation, mode: GenerationMode, headers: dict, ids: dict, max_examples: int):
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 10**6))
    def check(case, pick):
        if mode is GenerationMode.POSITIVE and pick % 2 == 0:
            for name in list(case.path_parameters or {}):
                if ids.get(name):
                    case.path_parameters[name] = ids[name][pick % len(ids[name])]
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.fixture
def connection_kept_open():
    """Django's WSGI handler closes the database connection after each request, as in
    production; in a test that would end the test's transaction (PostgreSQL). Django's test
    client keeps it open the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_open")
def test_the_api_answers_generated_requests_without_5xx_and_within_its_schema():
    from learning.models import User

    _load_demo()
    learner = User.objects.get(phone=DEMO_LEARNER)
    headers = {"Authorization": f"Bearer {issue_token(user=learner).token}"}
    ids = _real_ids(learner)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode, examples in (
            (GenerationMode.POSITIVE, EXAMPLES),
            (GenerationMode.NEGATIVE, max(1, EXAMPLES // 2)),
        ):
            try:
                _run(operation, mode, headers, ids, examples)
            # Every operation is tried and all failures are reported (schemathesis raises a
            # group of the distinct failures it found).
            except hypothesis.errors.Unsatisfiable:
                # No invalid request can be generated for this operation (a provider callback
                # takes any JSON body, and its path parameters are plain strings): nothing to
                # try, not a defect of the API.
                if mode != GenerationMode.NEGATIVE:
                    raise
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:4000]}")
    assert operations >= 35
    assert not failures, "\n\n".join(failures)
