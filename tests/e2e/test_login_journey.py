from playwright.sync_api import expect

from tests.conftest import PASSWORD


def test_learner_logs_in_by_phone_and_out_again(page, shot, home_page, learner):
    page.goto("/")
    shot("home-anonymous")
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("手机号").fill(f"+86 {learner.phone}")
    page.get_by_label("密码").fill(PASSWORD)
    shot("login-form")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("李晓梅，欢迎回来！")).to_be_visible()
    shot("home-logged-in")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录").first).to_be_visible()


def test_wrong_password_shows_a_clear_error(page, home_page, learner):
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(learner.phone)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("手机号或密码不正确")
