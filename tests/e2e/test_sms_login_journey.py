"""短信验证码登录 and 忘记密码 in a real browser (issue 17, item 7): the code goes out through the
locmem SMS backend, the journey reads it from the outbox and types it in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.steps import horizontal_overflow, settled, unlabelled_fields

NEW_PASSWORD = "Xinmima-2026-春"


def small_tap_targets(page) -> list[str]:
    """Links, buttons and fields in the page's main part smaller than 44x44 CSS pixels."""
    settled(page)
    return page.evaluate(
        """[...document.querySelectorAll("main a, main button, main input, main select")]
            .filter(el => el.type !== "hidden" && el.offsetParent !== null
                          && el.getAttribute("aria-hidden") !== "true")
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.height < 44 || box.width < 44)
            .map(([el, box]) => `${el.outerHTML.slice(0, 60)} ${box.width}x${box.height}`)"""
    )


def code_from(outbox) -> str:
    assert outbox, "no text message was sent"
    return re.search(r"\d{6}", outbox[-1].text).group()


def check_layout(page) -> None:
    assert horizontal_overflow(page) == 0
    assert unlabelled_fields(page) == []
    assert small_tap_targets(page) == []


def test_learner_logs_in_with_a_text_message_code(
    page, shot, transactional_db, home_page, learner, sms_outbox
):
    page.goto("/accounts/login/?next=/me/")
    expect(page.get_by_role("link", name="忘记密码？")).to_be_visible()
    shot("password-tab")
    page.get_by_role("link", name="短信验证码登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/sms/\?next=/me/"))
    page.get_by_label("手机号").fill(
        f"{learner.phone[:3]} {learner.phone[3:7]} {learner.phone[7:]}"
    )
    check_layout(page)
    shot("sms-tab")
    send = page.get_by_role("button", name="获取验证码")
    send.click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    countdown = page.locator("[data-sms-code]")
    expect(countdown).to_be_disabled()
    expect(countdown).to_have_text(re.compile(r"^(60|59|58) 秒后重新获取$"))
    expect(page.get_by_label("验证码", exact=True)).to_be_focused()
    check_layout(page)
    shot("code-sent")
    assert len(sms_outbox) == 1 and sms_outbox[0].phone == learner.phone
    page.get_by_label("验证码", exact=True).fill(code_from(sms_outbox))
    page.get_by_label("验证码", exact=True).press("Enter")  # Enter logs in, it does not resend
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_text("李晓梅").first).to_be_visible()
    shot("logged-in")
    assert len(sms_outbox) == 1


def test_a_wrong_code_says_so_and_asking_again_too_soon_shows_the_wait(
    page, shot, transactional_db, home_page, learner, sms_outbox
):
    page.goto("/accounts/login/sms/")
    page.get_by_label("手机号").fill(learner.phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    wrong = f"{(int(code_from(sms_outbox)) + 1) % 10**6:06d}"
    page.get_by_label("验证码", exact=True).fill(wrong)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("手机号或验证码不正确")
    # The page came back from the server: the button counts down what is left of the minute.
    expect(page.locator("[data-sms-code]")).to_have_text(re.compile(r"秒后重新获取$"))
    check_layout(page)
    shot("wrong-code")


def test_learner_resets_a_forgotten_password(
    page, shot, transactional_db, home_page, learner, sms_outbox
):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", name="忘记密码")).to_be_visible()
    page.get_by_label("手机号").fill(learner.phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    page.get_by_label("验证码", exact=True).fill(code_from(sms_outbox))
    page.get_by_label("新密码", exact=True).fill("12345678")
    page.get_by_label("确认新密码").fill("12345678")
    page.get_by_role("button", name="重置密码").click()
    expect(page.locator(".field .error").first).to_be_visible()
    check_layout(page)
    shot("weak-password")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="重置密码").click()
    expect(page.get_by_text("密码已重置，请用新密码登录。")).to_be_visible()
    shot("reset-done")
    page.get_by_label("手机号").fill(learner.phone)
    page.get_by_label("密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("李晓梅").first).to_be_visible()
