"""Authoring in a real browser: a lecturer writes a course with a case-study lesson and a cover
in the Wagtail admin and submits it; an organiser approves; a learner finds it."""

import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from learning import roles
from learning.models import User
from tests.conftest import PASSWORD
from tests.e2e.steps import log_in

TITLE = "邻里纠纷调解实务"


def staff(phone: str, name: str, group: str) -> User:
    user = User.objects.create_user(phone=phone, name=name, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


def admin_log_in(page, user) -> None:
    page.goto("/admin/login/")
    page.get_by_label("手机号").fill(user.phone)
    page.locator("#id_password").fill(PASSWORD)  # Wagtail leaves "Password" untranslated
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page).to_have_url(re.compile("/admin/$"))


def cover_png(tmp_path):
    path = tmp_path / "调解现场.png"
    buffer = BytesIO()
    Image.new("RGB", (800, 450), (30, 110, 160)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def submit_for_moderation(page) -> None:
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-submit']").click()


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_course_goes_from_draft_to_catalogue(
    page, shot, tmp_path, transactional_db, home_page, course_index, learner
):
    lecturer = staff("13800000003", "陈静", roles.LECTURERS)
    organiser = staff("13800000002", "王建国", roles.ORGANISERS)

    admin_log_in(page, lecturer)
    page.goto(f"/admin/pages/add/courses/coursepage/{course_index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_level").select_option(index=1)
    page.locator("#id_summary").fill("通过真实案例学习邻里纠纷调解的步骤和方法。")
    page.get_by_role("button", name="选择一个图片").click()
    page.get_by_role("tab", name=re.compile("上传")).click()
    page.locator(".modal input[type=file]").set_input_files(str(cover_png(tmp_path)))
    page.locator(".modal #id_image-chooser-upload-title").fill("调解现场")
    page.locator(".modal form[data-chooser-modal-creation-form] button[type=submit]").click()
    expect(page.locator("[data-chooser-title]").first).to_contain_text("调解现场")
    shot("course-form")
    submit_for_moderation(page)
    expect(page.locator(".messages")).to_contain_text(TITLE)
    shot("course-submitted")
