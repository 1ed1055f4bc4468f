"""A learner sits a mock exam in a real browser: countdown, autosave, reload, flag, submit."""

import re

from playwright.sync_api import expect

from exams.models import Attempt
from tests.conftest import PASSWORD
from tests.exams.mock_helpers import choice_question, fixed_paper


def log_in(page, learner):
    page.goto("/accounts/login/?next=/exams/")
    page.get_by_label("手机号").fill(learner.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_learner_sits_a_mock_exam(page, shot, transactional_db, home_page, learner):
    fixed_paper([choice_question(stem=f"第{i}题题干") for i in range(1, 4)], title="浏览器模考")
    log_in(page, learner)
    expect(page.get_by_role("heading", name="浏览器模考")).to_be_visible()
    shot("paper-list")
    page.get_by_role("button", name="开始作答").click()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^0[01]:\d\d:\d\d$"))
    page.locator("#q1 .option").nth(1).click()
    expect(page.locator("#save-status")).to_contain_text("已自动保存")
    with page.expect_response(re.compile(r"/answers$")):
        page.locator("#q2 .flag input").check()
    expect(page.locator("[data-nav] >> nth=1")).to_have_class(re.compile("flagged"))
    shot("answered-and-flagged")
    page.reload()
    expect(page.locator("#q1 .option input").nth(1)).to_be_checked()
    expect(page.locator("#q2 .flag input")).to_be_checked()
    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("得分"))).to_be_visible()
    shot("result")
    assert "2、3" in messages[0]
    assert Attempt.objects.get().state == "finished"
