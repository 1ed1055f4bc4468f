"""Lecturers edit only their own page and publish only through the organisers' approval."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text

from learning.accounts import roles
from learning.models import Organiser, User
from lecturers.models import LecturerPage
from lecturers.permissions import grant_lecturer_page_permissions
from tests.conftest import PASSWORD


@pytest.fixture
def organiser(db):
    user = User.objects.create_user(phone="13800000002", name="王建国", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user)
    return user


def edit_data(page: LecturerPage, **changes) -> dict:
    data = {
        "title": page.title,
        "slug": page.slug,
        "lecturer_type": page.lecturer_type,
        "position": page.position,
        "organisation": page.organisation,
        "intro": page.intro,
        "bio": rich_text(page.bio or "<p>简介</p>"),
        "expertise": "社区治理",
        "comments": {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0"},
    }
    data.update(changes)
    return nested_form_data(data)


def test_lecturer_opens_the_editor_of_their_own_page(client, make_lecturer):
    page = make_lecturer(name="周明", account=True)
    client.force_login(page.user)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


def test_lecturer_cannot_edit_another_lecturers_page(client, make_lecturer):
    mine = make_lecturer(name="周明", account=True)
    theirs = make_lecturer(name="吴敏", account=True)
    client.force_login(mine.user)
    refused = client.post(f"/admin/pages/{theirs.pk}/edit/", edit_data(theirs, title="篡改"))
    assert refused.status_code == 302 and refused.url == "/admin/"
    theirs.refresh_from_db()
    assert theirs.title == "吴敏" and not theirs.has_unpublished_changes


def test_lecturer_cannot_add_lecturer_pages(client, make_lecturer, lecturer_index):
    page = make_lecturer(name="周明", account=True)
    client.force_login(page.user)
    response = client.get(f"/admin/pages/add/lecturers/lecturerpage/{lecturer_index.pk}/")
    assert response.status_code == 302 and response.url == "/admin/"


def test_lecturer_publish_only_saves_a_draft(client, make_lecturer):
    page = make_lecturer(name="周明", account=True, position="讲师")
    client.force_login(page.user)
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_data(page, position="副教授", **{"action-publish": "1"}),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.position == "讲师"
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().position == "副教授"


def test_lecturer_cannot_change_the_linked_account(client, make_lecturer, organiser):
    page = make_lecturer(name="周明", account=True)
    client.force_login(page.user)
    client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, user=str(organiser.pk)))
    assert page.get_latest_revision_as_object().user_id == page.user_id


def _submit(client, page, **changes):
    client.force_login(page.user)
    response = client.post(
        f"/admin/pages/{page.pk}/edit/", edit_data(page, **changes, **{"action-submit": "1"})
    )
    assert response.status_code == 302
    return WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    )


def test_organiser_approves_a_submitted_change_which_publishes_it(client, make_lecturer, organiser):
    page = make_lecturer(name="周明", account=True, position="讲师")
    state = _submit(client, page, position="副教授")
    client.force_login(organiser)
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{state.current_task_state.pk}/",
        {"comment": "内容属实，同意发布。"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.position == "副教授"
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_organiser_rejects_with_a_comment(client, make_lecturer, organiser):
    page = make_lecturer(name="周明", account=True, position="讲师")
    state = _submit(client, page, position="教授")
    client.force_login(organiser)
    client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{state.current_task_state.pk}/",
        {"comment": "请附职称证明。"},
    )
    state.refresh_from_db()
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "请附职称证明。"
    assert page.position == "讲师"


def test_lecturer_cannot_approve_their_own_submission(client, make_lecturer):
    page = make_lecturer(name="周明", account=True, position="讲师")
    state = _submit(client, page, position="副教授")
    client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{state.current_task_state.pk}/",
        {"comment": ""},
    )
    page.refresh_from_db()
    assert page.position == "讲师"


def test_relinking_the_account_moves_the_right_to_edit(client, make_lecturer):
    page = make_lecturer(name="周明", account=True)
    old_user = page.user
    new_user = User.objects.create_user(phone="13900009999", name="周明", password=PASSWORD)
    page.user = new_user
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.permissions_for_user(new_user).can_edit()
    assert not page.permissions_for_user(old_user).can_edit()


def test_in_a_section_opened_to_lecturers_they_edit_their_own_pages_but_do_not_publish(
    make_lecturer, organiser, home_page
):
    lecturer = make_lecturer(name="周明", account=True).user
    colleague = make_lecturer(name="吴敏", account=True).user
    section = Page.objects.get(pk=home_page.pk)
    grant_lecturer_page_permissions(section)
    draft = section.add_child(instance=Page(title="社区矫正实务", slug="course", owner=lecturer))
    assert "add" in section.permissions_for_user(lecturer).permissions
    assert draft.permissions_for_user(lecturer).can_edit()
    assert not draft.permissions_for_user(lecturer).can_publish()
    assert not draft.permissions_for_user(colleague).can_edit()
    assert draft.permissions_for_user(organiser).can_publish()
    assert draft.permissions_for_user(organiser).can_delete()
    assert draft.get_workflow().name == "讲师内容审核"


def test_organiser_links_an_account_which_may_then_edit_the_page(client, make_lecturer, organiser):
    page = make_lecturer(name="周明")
    lecturer = User.objects.create_user(phone="13900008888", name="周明", password=PASSWORD)
    client.force_login(organiser)
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_data(page, user=str(lecturer.pk), **{"action-publish": "1"}),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.user_id, page.owner_id) == (lecturer.pk, lecturer.pk)
    assert lecturer.groups.filter(name=roles.LECTURERS).exists()
    client.force_login(lecturer)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


def test_lecturers_may_choose_and_upload_photos(client, make_lecturer):
    lecturer = make_lecturer(name="周明", account=True).user
    client.force_login(lecturer)
    assert client.get("/admin/images/chooser/").status_code == 200
    assert client.get("/admin/images/multiple/add/").status_code == 200


def test_page_types_fit_the_tree(home_page, lecturer_index):
    from learning.models import HomePage
    from lecturers.models import LecturerIndexPage

    assert lecturer_index.url == "/lecturers/"
    assert LecturerIndexPage.allowed_parent_page_models() == [HomePage]
    assert LecturerPage.allowed_parent_page_models() == [LecturerIndexPage]
    assert not LecturerIndexPage.can_create_at(home_page)  # only one directory
    assert LecturerPage.can_create_at(lecturer_index)
    assert LecturerPage.allowed_subpage_models() == []


def test_a_copied_lecturer_page_starts_without_the_account(make_lecturer, lecturer_index):
    page = make_lecturer(name="周明", account=True)
    copy = page.copy(to=lecturer_index, update_attrs={"slug": "zhou-copy", "title": "周明（副本）"})
    copy = LecturerPage.objects.get(pk=copy.pk)
    assert copy.user_id is None and page.user_id is not None
