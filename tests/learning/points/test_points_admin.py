import re

import pytest
from django.contrib.auth.models import Group

from learning.accounts import roles
from learning.accounts.organisations import get_or_create_path
from learning.models import LedgerEntry, Organiser, PointRule, User
from learning.points.ledger import award


def make_organiser(phone, organisation):
    user = User.objects.create_user(phone=phone, name="王建国", password="pw")
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def organiser(db, community):
    """A street office (街镇) organiser."""
    return make_organiser("13800000002", community.get_parent())


@pytest.fixture
def prefecture_organiser(db):
    return make_organiser("13800000012", None)


def form_token(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def test_organiser_edits_a_rule_and_award_follows_it(client, prefecture_organiser, learner):
    client.force_login(prefecture_organiser)
    rule = PointRule.objects.get(action="lesson_completed")
    response = client.post(
        f"/admin/point_rules/edit/{rule.pk}/",
        {"action": "lesson_completed", "points": "3", "daily_cap": "9", "active": "on"},
    )
    assert response.status_code == 302
    got = [award(learner=learner, action="lesson_completed", key=f"l{i}") for i in range(4)]
    assert got == [3, 3, 3, 0]


def test_organiser_switches_a_rule_off(client, prefecture_organiser, learner):
    client.force_login(prefecture_organiser)
    rule = PointRule.objects.get(action="course_completed")
    client.post(
        f"/admin/point_rules/edit/{rule.pk}/",
        {"action": "course_completed", "points": "10", "daily_cap": "0"},
    )
    assert award(learner=learner, action="course_completed", key="c1") == 0


def test_street_organiser_may_read_but_not_change_the_rules(client, organiser, learner):
    client.force_login(organiser)
    assert "完成课时" in client.get("/admin/point_rules/").content.decode()
    rule = PointRule.objects.get(action="lesson_completed")
    client.post(
        f"/admin/point_rules/edit/{rule.pk}/",
        {"action": "lesson_completed", "points": "50", "daily_cap": "0", "active": "on"},
    )
    rule.refresh_from_db()
    assert rule.points == 2


def test_manual_adjustment_adds_a_ledger_row_with_reason_and_organiser(client, organiser, learner):
    client.force_login(organiser)
    token = form_token(client.get("/admin/points/adjust/").content.decode())
    data = {"phone": learner.phone, "points": "-4", "reason": "重复签到更正", "token": token}
    assert client.post("/admin/points/adjust/", data).status_code == 302
    assert client.post("/admin/points/adjust/", data).status_code == 302  # double submit
    entry = LedgerEntry.objects.get(action="manual_adjustment")
    assert (entry.learner, entry.points, entry.note, entry.created_by) == (
        learner,
        -4,
        "重复签到更正",
        organiser,
    )


def test_adjustment_outside_the_organisers_street_is_refused(client, organiser, make_learner):
    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    stranger = make_learner(name="外街学员", organisation=elsewhere)
    client.force_login(organiser)
    response = client.post(
        "/admin/points/adjust/",
        {"phone": stranger.phone, "points": "5", "reason": "x", "token": "abc"},
    )
    assert response.status_code == 200
    assert "没有这个手机号的学员" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_zero_adjustment_is_a_form_error(client, organiser, learner):
    client.force_login(organiser)
    response = client.post(
        "/admin/points/adjust/",
        {"phone": learner.phone, "points": "0", "reason": "x", "token": "abc"},
    )
    assert "不能为 0" in response.content.decode()


def test_ledger_is_listed_with_masked_phones_and_cannot_be_edited(
    client, organiser, learner, django_assert_max_num_queries
):
    for index in range(30):
        award(learner=learner, action="course_completed", key=f"c{index}")
    entry = LedgerEntry.objects.first()
    client.force_login(organiser)
    with django_assert_max_num_queries(40):
        html = client.get("/admin/ledger/").content.decode()
    assert "李晓梅" in html and learner.phone not in html and "完成课程" in html
    assert f"/admin/ledger/edit/{entry.pk}/" not in html
    client.post(f"/admin/ledger/edit/{entry.pk}/", {"points": "999"})
    client.post(f"/admin/ledger/delete/{entry.pk}/")
    entry.refresh_from_db()
    assert entry.points == 10


def test_ledger_is_read_only_for_superusers_too(client, learner):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    award(learner=learner, action="course_completed", key="c1")
    entry = LedgerEntry.objects.get()
    client.force_login(admin)
    assert client.get("/admin/ledger/").status_code == 200
    client.post(f"/admin/ledger/delete/{entry.pk}/")
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_organiser_sees_only_their_streets_ledger(client, organiser, make_learner):
    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    award(learner=make_learner(name="本街学员"), action="course_completed", key="c")
    award(
        learner=make_learner(name="外街学员", organisation=elsewhere),
        action="course_completed",
        key="c",
    )
    client.force_login(organiser)
    html = client.get("/admin/ledger/").content.decode()
    assert "本街学员" in html and "外街学员" not in html
