"""Issue 21.3: the organisers' dashboard kept whole per viewer (learning.platform.admin_page_cache).

Each test asserts what a viewer gets through HTTP: their own copy, never another organiser's,
another scope's or another language's; a new copy after the figures are refreshed or their
permissions change; CSRF tokens that are their browser's own.
"""
# ruff: noqa: F811 - the fixtures of tests/courses/test_reports.py, imported to be used

from __future__ import annotations

import re

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from learning.accounts import roles
from learning.models import Organiser
from learning.platform.admin_page_cache import STATUS_HEADER
from learning.platform.page_cache import CSRF_PLACEHOLDER
from tests.courses.test_reports import (  # noqa: F401 - fixtures
    REPORTS,
    _newcomer,
    _report_settings,
    organiser_of,
    world,
)


def cached(response) -> str:
    assert response.status_code == 200
    return response[STATUS_HEADER]


def tokens(html: str) -> tuple[str, str]:
    """(the refresh form's CSRF token, the one in Wagtail's config)."""
    form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    config = re.search(r'"CSRF_TOKEN": "([^"]+)"', html).group(1)
    return form, config


def test_a_second_view_is_served_from_the_viewers_copy(client, world):
    client.force_login(organiser_of(None))
    first = client.get(REPORTS)
    again = client.get(REPORTS)
    assert (cached(first), cached(again)) == ("miss", "hit")
    assert "培训统计" in again.content.decode()
    assert "清河县" in again.content.decode()


def test_another_organiser_of_the_same_scope_gets_a_copy_of_their_own(client, world):
    first = organiser_of(None)
    second = organiser_of(None)
    client.force_login(first)
    client.get(REPORTS)
    other = Client()
    other.force_login(second)
    response = other.get(REPORTS)
    assert cached(response) == "miss"
    # The sidebar names the viewer (their phone number: the admin's user name).
    assert second.phone in response.content.decode()
    assert first.phone not in response.content.decode()


#: A row of the prefecture's page (its county), on no page of the street 城关镇.
COUNTY_ROW = '?org={pk}">清河县</a>'


def test_a_street_organiser_never_gets_the_prefectures_copy(client, world):
    county_row = COUNTY_ROW.format(pk=world.chengguan.get_parent().pk)
    client.force_login(organiser_of(None))
    assert county_row in client.get(REPORTS).content.decode()
    street = Client()
    street.force_login(organiser_of(world.chengguan))
    response = street.get(REPORTS)
    assert cached(response) == "miss"
    assert county_row not in response.content.decode()
    assert "幸福里社区" in response.content.decode()
    again = street.get(REPORTS)  # their own copy
    assert cached(again) == "hit"
    assert county_row not in again.content.decode()


def test_a_changed_scope_gets_a_new_copy(client, world):
    county_row = COUNTY_ROW.format(pk=world.chengguan.get_parent().pk)
    organiser = organiser_of(world.chengguan)
    client.force_login(organiser)
    assert county_row not in client.get(REPORTS).content.decode()
    Organiser.objects.filter(user=organiser).update(organisation=None)
    response = client.get(REPORTS)
    assert cached(response) == "miss"
    assert county_row in response.content.decode()


def test_each_language_gets_its_own_copy_and_charts(client, world):
    client.force_login(organiser_of(None))
    english = client.get(REPORTS, HTTP_ACCEPT_LANGUAGE="en")
    assert "Training statistics" in english.content.decode()
    assert "Registered" in english.content.decode()  # the coverage chart's legend
    chinese = client.get(REPORTS, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert cached(chinese) == "miss"
    html = chinese.content.decode()
    assert "Training statistics" not in html
    assert "Registered" not in html
    assert ">报考<" in html


def test_refreshed_figures_make_a_new_copy(client, world, make_learner):
    client.force_login(organiser_of(None))
    client.get(REPORTS)
    assert cached(client.get(REPORTS)) == "hit"
    _newcomer(make_learner, world)
    refreshed = client.post(REPORTS)
    # The page after the refresh carries its message: rendered, not kept.
    with_message = client.get(refreshed["Location"])
    assert cached(with_message) == "bypass"
    assert "统计数据已更新" in with_message.content.decode()
    assert with_message.context["total"].candidates == 5
    after = client.get(REPORTS)
    assert cached(after) == "miss"  # a new snapshot: a new copy, without the message
    assert "统计数据已更新" not in after.content.decode()
    assert cached(client.get(REPORTS)) == "hit"


def test_a_lost_permission_takes_effect_at_once(client, world):
    organiser = organiser_of(None)
    client.force_login(organiser)
    roster_item = f'"{reverse("roster_import")}"'  # the sidebar's roster import menu item
    assert roster_item in client.get(REPORTS).content.decode()
    assert cached(client.get(REPORTS)) == "hit"
    group = Group.objects.get(name=roles.ORGANISERS)
    group.permissions.remove(Permission.objects.get(codename="add_learnerprofile"))
    response = client.get(REPORTS)
    assert cached(response) == "miss"
    assert roster_item not in response.content.decode()


def test_a_new_page_permission_takes_effect_at_once(client, world):
    organiser = organiser_of(None, phones=False)
    client.force_login(organiser)
    client.get(REPORTS)
    assert cached(client.get(REPORTS)) == "hit"
    group = Group.objects.create(name="页面编辑")
    GroupPagePermission.objects.create(
        group=group, page=Page.get_first_root_node(), permission_type="change"
    )
    organiser.groups.add(group)
    assert cached(client.get(REPORTS)) == "miss"


def test_page_permissions_of_the_viewers_group_take_effect_at_once(client, world):
    """A change to a group's page permissions alone (no Django permission of the user)."""
    organiser = organiser_of(None)
    client.force_login(organiser)
    client.get(REPORTS)
    assert cached(client.get(REPORTS)) == "hit"
    GroupPagePermission.objects.create(
        group=Group.objects.get(name=roles.ORGANISERS),
        page=Page.get_first_root_node(),
        permission_type="publish",
    )
    assert cached(client.get(REPORTS)) == "miss"


def test_a_kept_copy_carries_each_browsers_own_csrf_token(world):
    organiser = organiser_of(None)
    clients = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = []
    for browser in clients:
        browser.force_login(organiser)
        pages.append(browser.get(REPORTS))
    assert [cached(page) for page in pages] == ["miss", "hit"]
    html = pages[1].content.decode()
    assert CSRF_PLACEHOLDER not in html
    form_token, config_token = tokens(html)
    assert form_token != tokens(pages[0].content.decode())[0]
    # The refresh button of the kept copy works in its browser (its token, its cookie)...
    assert clients[1].post(REPORTS, {"csrfmiddlewaretoken": form_token}).status_code == 302
    assert (
        clients[1].post(REPORTS, HTTP_X_CSRFTOKEN=config_token).status_code == 302
    )  # ...and so do the admin's scripts, with the config's token
    # The first browser's token is not the second browser's.
    first_token = tokens(pages[0].content.decode())[0]
    assert clients[1].post(REPORTS, {"csrfmiddlewaretoken": first_token}).status_code == 403


def test_an_organiser_without_admin_access_is_refused_before_any_copy(client, world):
    organiser = organiser_of(None)
    client.force_login(organiser)
    client.get(REPORTS)
    organiser.groups.clear()
    response = client.get(REPORTS)
    assert response.status_code in (302, 403)
    assert "清河县" not in response.content.decode()
