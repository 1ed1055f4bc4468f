"""Issue 21.3: permissions and organiser scopes kept per user (learning.accounts.access).

The organisers' dashboard and every admin view read them from the kept answer; each test
changes one thing an administrator (or a shell) can change and asserts through HTTP that
the very next request sees it: refused, narrowed or widened.
"""
# ruff: noqa: F811 - the fixtures of tests/courses/test_reports.py, imported to be used

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.accounts import access, roles
from learning.accounts.organisations import get_or_create_child
from learning.models import Organisation, Organiser, User
from learning.platform import page_cache
from tests.courses.test_reports import (  # noqa: F401 - fixtures
    REPORTS,
    _report_settings,
    organiser_of,
    world,
)

#: A row of the prefecture's dashboard (its county), on no page of the street 城关镇.
COUNTY_ROW = '?org={pk}">清河县</a>'


#: The sidebar's roster import item, shown to holders of learning.add_learnerprofile.
ROSTER_IMPORT = f'"{reverse("roster_import")}"'


def county_row(world) -> str:
    return COUNTY_ROW.format(pk=world.chengguan.get_parent().pk)


def permission_reads(client, path: str = REPORTS) -> tuple[int, int]:
    """(status, queries of Django's permission tables) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    tables = ("auth_permission", "learning_organiser", "learning_user_groups")
    return response.status_code, sum(
        any(table in query["sql"] for table in tables) for query in queries.captured_queries
    )


def test_a_second_request_reads_no_permission_rows(client, world):
    client.force_login(organiser_of(None))
    assert permission_reads(client)[0] == 200
    assert permission_reads(client) == (200, 0)


def test_a_permission_taken_from_the_group_refuses_the_next_request(client, world):
    client.force_login(organiser_of(None))
    client.get(REPORTS)
    assert permission_reads(client) == (200, 0)
    group = Group.objects.get(name=roles.ORGANISERS)
    group.permissions.remove(Permission.objects.get(codename="access_admin"))
    response = client.get(REPORTS)
    assert response.status_code in (302, 403)
    assert "清河县" not in response.content.decode()


def test_leaving_the_group_refuses_the_next_request(client, world):
    organiser = organiser_of(None)
    client.force_login(organiser)
    assert client.get(REPORTS).status_code == 200
    organiser.groups.remove(Group.objects.get(name=roles.ORGANISERS))
    assert client.get(REPORTS).status_code in (302, 403)


def test_a_permission_given_to_the_user_applies_at_the_next_request(client, world):
    user = User.objects.create_user(phone="13900000001", name="新组织者", is_staff=True)
    Organiser.objects.create(user=user, organisation=None)
    client.force_login(user)
    assert client.get(REPORTS).status_code in (302, 403)  # no admin access yet
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert client.get(REPORTS).status_code == 200


def test_a_deleted_permission_or_group_refuses_the_next_request(client, world):
    organiser = organiser_of(None)
    client.force_login(organiser)
    assert client.get(REPORTS).status_code == 200
    Group.objects.get(name=roles.ORGANISERS).delete()  # its members' rows go with it
    assert client.get(REPORTS).status_code in (302, 403)

    other = organiser_of(None, phones=False)  # access_admin given to the user directly
    client.force_login(other)
    assert client.get(REPORTS).status_code == 200
    Permission.objects.get(codename="access_admin").delete()
    assert client.get(REPORTS).status_code in (302, 403)


def test_a_superuser_made_ordinary_is_refused_at_the_next_request(client, world):
    admin = User.objects.create_user(phone="13900000002", name="管理员", is_superuser=True)
    client.force_login(admin)
    assert client.get(REPORTS).status_code == 200
    admin.is_superuser = False
    admin.save()
    assert client.get(REPORTS).status_code in (302, 403)


@pytest.mark.parametrize("how", ["save", "update"])
def test_a_narrowed_scope_narrows_the_next_dashboard(client, world, how):
    organiser = organiser_of(None)
    client.force_login(organiser)
    assert county_row(world) in client.get(REPORTS).content.decode()
    if how == "save":
        row = Organiser.objects.get(user=organiser)
        row.organisation = world.chengguan
        row.save()
    else:
        Organiser.objects.filter(user=organiser).update(organisation=world.chengguan)
    response = client.get(REPORTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert county_row(world) not in html
    assert "幸福里社区" in html
    assert "东湖社区" not in html  # another street's community
    assert response.context["total"].learners == 4  # 城关镇's, not the prefecture's 5


def test_a_narrowed_scope_narrows_the_next_learner_list(client, world):
    organiser = organiser_of(None)
    client.force_login(organiser)
    assert "刘洋" in client.get("/admin/learners/").content.decode()  # 东湖镇's learner
    Organiser.objects.filter(user=organiser).update(organisation=world.chengguan)
    html = client.get("/admin/learners/").content.decode()
    assert "刘洋" not in html
    assert "林芳" in html  # 城关镇's


def test_an_organiser_row_removed_refuses_the_next_request(client, world):
    organiser = organiser_of(None)
    client.force_login(organiser)
    assert client.get(REPORTS).status_code == 200
    Organiser.objects.filter(user=organiser).delete()
    response = client.get(REPORTS)
    assert response.status_code == 302  # Wagtail's answer to the view's PermissionDenied
    assert response["Location"] == "/admin/"


def test_the_scope_follows_its_organisation_when_the_tree_changes(client, world):
    """Only which organisation is kept; its path is read on each request."""
    organiser = organiser_of(world.chengguan)
    client.force_login(organiser)
    assert "陈静" in client.get("/admin/learners/").content.decode()  # 城关镇/和平社区
    before = world.chengguan.path
    # A new street whose code sorts before 城关镇's: treebeard shifts the siblings' paths.
    get_or_create_child(parent=world.chengguan.get_parent(), name="北关镇", code="C01-00")
    assert Organisation.objects.get(pk=world.chengguan.pk).path != before
    html = client.get("/admin/learners/").content.decode()
    assert "陈静" in html
    assert "刘洋" not in html  # 东湖镇's


def test_organisers_never_get_each_others_kept_answer(world):
    prefecture, street = Client(), Client()
    prefecture.force_login(organiser_of(None))
    street.force_login(organiser_of(world.chengguan, phones=False))
    for _round in range(2):
        html = prefecture.get(REPORTS).content.decode()
        assert county_row(world) in html
        assert ROSTER_IMPORT in html  # the 组织者 group's permission
        html = street.get(REPORTS).content.decode()
        assert county_row(world) not in html
        assert "东湖社区" not in html
        assert ROSTER_IMPORT not in html  # not given to the second organiser


def test_an_answer_read_in_a_rolled_back_transaction_is_not_kept(client, world):
    """The version bumped in a rolled-back transaction may be reached again by another change."""
    organiser = organiser_of(None)
    group = Group.objects.get(name=roles.ORGANISERS)
    admin_access = Permission.objects.get(codename="access_admin")
    with pytest.raises(RuntimeError), transaction.atomic():
        group.permissions.remove(admin_access)
        assert not User.objects.get(pk=organiser.pk).has_perm("wagtailadmin.access_admin")
        raise RuntimeError("rolled back")
    # Another change takes the version number the rolled-back one had.
    page_cache.bump_content_version()
    page_cache.bump_content_version()
    client.force_login(organiser)
    assert client.get(REPORTS).status_code == 200
    assert access.of(User.objects.get(pk=organiser.pk)).group_ids == (group.pk,)


def test_a_visitor_who_is_not_logged_in_has_no_scope(db):
    from django.contrib.auth.models import AnonymousUser

    from learning.accounts.selectors import organiser_scope

    with pytest.raises(PermissionError):
        organiser_scope(AnonymousUser())
    assert not access.of(AnonymousUser()).group_ids
