"""Issue 21.3: the organiser dashboard reads a snapshot row that a task refreshes after events."""
# ruff: noqa: F811 - the fixtures of tests/courses/test_reports.py, imported to be used

from __future__ import annotations

import pytest
from django.core.cache import cache

from courses.models import DashboardSnapshot
from courses.reports import snapshot
from courses.study.services import enrol
from tests.courses.test_reports import (  # noqa: F401 - fixtures
    REPORTS,
    _newcomer,
    _report_settings,
    organiser_of,
    table,
    world,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_page_reads_the_snapshot_in_constant_queries(
    client, world, make_learner, monkeypatch, django_assert_max_num_queries
):
    client.force_login(organiser_of(None))
    client.get(REPORTS)  # first view of the scope: computed and kept
    assert DashboardSnapshot.objects.filter(organisation=None).count() == 1
    for number in range(5):
        make_learner(name=f"学员{number}", organisation=world.xingfu, exam_level="junior")

    def never(*args, **kwargs):
        raise AssertionError("the page recomputed the figures")

    monkeypatch.setattr(snapshot, "compute", never)
    cache.clear()  # another process: only the row
    # The row, the session, the scope, the admin chrome, and the two reads of the viewer's
    # page key (content version, group ids: learning.platform.admin_page_cache).
    with django_assert_max_num_queries(13):
        response = client.get(REPORTS)
    assert response.context["total"].candidates == 4  # as kept, not live
    assert "数据更新于" in response.content.decode()
    # The next view is the viewer's kept page: no admin chrome queries left, and the
    # viewer's permissions and scope kept too (learning.accounts.access): the session, the
    # user, their Wagtail profile and the content version (for the permissions and the page).
    with django_assert_max_num_queries(5):
        again = client.get(REPORTS)
    assert again["X-Admin-Page-Cache"] == "hit"


def test_the_snapshot_is_refreshed_after_an_enrolment(
    client, world, make_learner, django_capture_on_commit_callbacks
):
    client.force_login(organiser_of(None))
    assert client.get(REPORTS).context["total"].candidates == 4
    newcomer = _newcomer(make_learner, world)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(learner=newcomer, course=world.course_a)
    assert client.get(REPORTS).context["total"].candidates == 5
    # Debounced: the next event within the minute queues nothing.
    other = make_learner(name="又一位", organisation=world.xingfu, exam_level="junior")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrol(learner=other, course=world.course_a)
    assert callbacks == []


def test_a_roster_import_refreshes_the_snapshot(client, world, django_capture_on_commit_callbacks):
    from learning.accounts.roster import import_roster

    client.force_login(organiser_of(None))
    before = client.get(REPORTS).context["total"].learners
    record = {
        "姓名": "新学员",
        "手机号": "13812345678",
        "县市": "清河县",
        "街镇": "城关镇",
        "社区": "幸福里社区",
    }
    with django_capture_on_commit_callbacks(execute=True):
        report = import_roster([record])
    assert not report.errors, report.errors
    assert client.get(REPORTS).context["total"].learners == before + 1


def test_each_scope_reads_its_own_row(client, world):
    client.force_login(organiser_of(None))
    client.get(REPORTS)
    client.force_login(organiser_of(world.chengguan))
    client.get(REPORTS)
    assert DashboardSnapshot.objects.count() == 2
    assert snapshot.refresh_all() == 2
    cache.clear()
    response = client.get(REPORTS)
    assert set(table(response.context["rows"])) == {"幸福里社区", "和平社区"}
    assert response.context["total"].candidates == 3
    # A street organiser asking for the whole prefecture still gets their own street.
    response = client.get(REPORTS, {"org": ""})
    assert response.context["total"].candidates == 3


def test_the_refresh_schedule_is_created_once(db):
    from django_q.models import Schedule

    snapshot.ensure_refresh_schedule()
    snapshot.ensure_refresh_schedule()
    found = Schedule.objects.filter(name=snapshot.REFRESH_SCHEDULE_NAME)
    assert found.count() == 1
    assert found.get().func == "courses.reports.snapshot.refresh_all"
