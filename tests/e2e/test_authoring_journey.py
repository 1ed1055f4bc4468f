"""Authoring in a real browser: a lecturer writes a course with a case-study lesson and a cover
in the Wagtail admin and submits it; an organiser approves; a learner finds it."""

import re
from io import BytesIO

from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from courses.models import CoursePage
from learning.accounts import roles
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
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page).to_have_url(re.compile("/admin/$"))


def admin_log_out(page, user) -> None:
    """Log out from the sidebar's account menu; on a phone the sidebar is opened first."""
    account = page.get_by_role("button", name=user.phone)
    toggle = page.locator(".sidebar-nav-toggle")
    # Wait until the sidebar has settled: is_visible() alone does not wait, and read too early
    # on a desktop it sent the click to the phone-only toggle.
    expect(account.or_(toggle).filter(visible=True).first).to_be_visible()
    if not account.is_visible():
        toggle.click()
    account.click()
    page.get_by_role("button", name=re.compile("退出|注销")).click()
    expect(page).to_have_url(re.compile("/admin/login/"))


def cover_png(tmp_path):
    path = tmp_path / "调解现场.png"
    buffer = BytesIO()
    Image.new("RGB", (800, 450), (30, 110, 160)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def submit_for_moderation(page) -> None:
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-submit']").click()


def approve(page, title: str) -> None:
    """Approve ``title`` from the dashboard's "awaiting your review" panel."""
    page.goto("/admin/")
    row = page.locator("tr", has_text=title).first
    row.locator("[data-w-dropdown-target='toggle']").click()
    row.get_by_role("button", name="批准", exact=True).click()
    expect(page.locator("tr", has_text=title)).to_have_count(0)


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
    expect(page.locator(".modal")).to_be_hidden()
    shot("course-form")
    submit_for_moderation(page)
    expect(page.locator(".messages")).to_contain_text(TITLE)
    shot("course-submitted")

    course = CoursePage.objects.get(title=TITLE)
    page.goto(f"/admin/pages/add/courses/lessonpage/{course.pk}/")
    page.locator("#id_title").fill("第一课：一次楼道噪音纠纷")
    page.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="案例").click()
    page.locator("#body-0-value-title").fill("楼上楼下的噪音之争")
    page.locator("#body-0-value-background").fill(
        "502室居民多次反映楼上夜间噪音，双方在业主群里争吵。"
    )
    page.locator("#body-0-value-questions-0-value").fill("社工第一次入户应该先做什么？")
    page.locator("[data-contentpath='analysis'] [contenteditable=true]").fill(
        "先分别倾听，再约双方面对面沟通。"
    )
    # The rich-text editor writes its hidden field after the fill: wait for it, or the
    # form may go out without the (required) analysis.
    expect(page.locator("#body-0-value-analysis")).to_have_value(re.compile("先分别倾听"))
    page.locator("#body-0-value-takeaway").fill("调解前先把事实和情绪分开。")
    shot("lesson-form")
    submit_for_moderation(page)
    expect(page.locator(".messages")).to_contain_text("第一课")
    admin_log_out(page, lecturer)

    admin_log_in(page, organiser)
    expect(page.get_by_text("等待你的审查")).to_be_visible()
    shot("organiser-dashboard")
    for title in (TITLE, "第一课：一次楼道噪音纠纷"):
        approve(page, title)
    page.goto("/admin/")  # the dashboard, settled: no longer awaiting review
    expect(page.get_by_text("等待你的审查")).to_have_count(0)
    shot("approved")
    page.context.clear_cookies()

    log_in(page, learner, next_url="/courses/")
    expect(page.get_by_role("link", name=re.compile(TITLE)).first).to_be_visible()
    cover = page.locator("img.cover").first
    cover.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=cover.element_handle()
    )
    shot("catalogue")
    page.goto("/search/?q=纠纷调解")
    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    page.get_by_role("link", name=re.compile("第一课")).first.click()
    expect(page.get_by_text("楼上楼下的噪音之争")).to_be_visible()
    shot("case-study-lesson")
