import pytest
from django.contrib.auth.models import Group

from learning.accounts import roles
from learning.accounts.organisations import get_or_create_path
from learning.models import LearnerProfile, Organiser, User


@pytest.fixture
def street_organiser(db, community):
    user = User.objects.create_user(phone="13800000002", name="王建国", password="pw")
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user, organisation=community.get_parent())
    return user


def test_learner_list_masks_phone_numbers(client, learner, street_organiser):
    client.force_login(street_organiser)
    html = client.get("/admin/learners/").content.decode()
    assert "李晓梅" in html
    assert learner.phone not in html
    assert f"{learner.phone[:3]}****{learner.phone[-4:]}" in html


def test_user_admin_list_masks_phone_numbers(client, learner):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    html = client.get("/admin/users/").content.decode()
    assert "李晓梅" in html and learner.phone not in html


def test_street_organiser_sees_and_edits_only_their_street(client, make_learner, street_organiser):
    other_community, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    mine = make_learner(name="本街学员")
    theirs = make_learner(name="外街学员", organisation=other_community)
    client.force_login(street_organiser)
    html = client.get("/admin/learners/").content.decode()
    assert "本街学员" in html and "外街学员" not in html
    theirs_profile = LearnerProfile.objects.get(user=theirs)
    refused = client.get(f"/admin/learners/edit/{theirs_profile.pk}/")
    # Wagtail answers a PermissionDenied in the admin with a redirect and a message.
    assert refused.status_code == 302 and refused.url == "/admin/"
    assert client.post(f"/admin/learners/delete/{theirs_profile.pk}/").status_code == 302
    assert LearnerProfile.objects.filter(pk=theirs_profile.pk).exists()
    mine_profile = LearnerProfile.objects.get(user=mine)
    assert client.get(f"/admin/learners/edit/{mine_profile.pk}/").status_code == 200


def test_organiser_adds_a_learner_with_phone_and_name(client, community, street_organiser):
    client.force_login(street_organiser)
    response = client.post(
        "/admin/learners/new/",
        {
            "name": "新学员",
            "phone": "+86 139 1111 2222",
            "organisation": community.pk,
            "post_type": "staff",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = LearnerProfile.objects.get(user__phone="13911112222")
    assert profile.user.name == "新学员"


def test_bad_phone_in_the_admin_form_is_a_form_error(client, community, street_organiser):
    client.force_login(street_organiser)
    response = client.post(
        "/admin/learners/new/",
        {"name": "新学员", "phone": "12345", "organisation": community.pk, "post_type": "staff"},
    )
    assert response.status_code == 200
    assert "有效的中国大陆手机号" in response.content.decode()
    assert not LearnerProfile.objects.exists()


def test_organisations_are_added_under_a_parent(client, community):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    street = community.get_parent()
    response = client.post(
        "/admin/organisations/new/", {"name": "槐树社区", "code": "X-1", "parent": street.pk}
    )
    assert response.status_code == 302
    new = street.get_children().get(name="槐树社区")
    assert new.kind == "community"
    assert [o.name for o in street.subtree().order_by("path")] == [
        "城关镇",
        "幸福里社区",
        "槐树社区",
    ]


def test_admin_user_forms_use_phone_and_name(client, db):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    response = client.post(
        "/admin/users/new/",
        {
            "phone": "139 0000 7777",
            "name": "讲师甲",
            "password1": "Zx9-long-pass",
            "password2": "Zx9-long-pass",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(phone="13900007777").name == "讲师甲"
