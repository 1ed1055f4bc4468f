"""A learner sits a mock exam in a real browser: countdown, autosave, reload, flag, submit."""

import re

from playwright.sync_api import expect

from exams.models import Attempt
from tests.e2e.steps import log_in, seconds_left
from tests.exams.mock_helpers import choice_question, fixed_paper


def test_learner_sits_a_mock_exam(page, shot, transactional_db, home_page, learner):
    fixed_paper([choice_question(stem=f"第{i}题题干") for i in range(1, 4)], title="浏览器模考")
    log_in(page, learner, next_url="/exams/")
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
    before = seconds_left(page)
    page.wait_for_timeout(2_100)
    page.reload()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    assert before - 5 <= seconds_left(page) <= before - 2  # the server's deadline, not a restart
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
