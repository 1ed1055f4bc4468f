"""The site's pages for 短信验证码登录 and 忘记密码 (issue 17, item 7), without JavaScript:
the 获取验证码 button posts the page's form."""

from __future__ import annotations

import re

import pytest

from learning.models import SmsCode
from tests.conftest import PASSWORD

NEW_PASSWORD = "Xinmima-2026-春"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.SMS_BACKEND = "locmem"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(path, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return send


def code_in(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1].text).group()


def test_the_password_log_in_links_to_sms_log_in_and_reset(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/login/sms/"' in html and "短信验证码登录" in html
    assert 'href="/accounts/password-reset/"' in html and "忘记密码" in html


def test_sms_log_in_without_javascript(client, post, learner, sms_outbox):
    page = client.get("/accounts/login/sms/?next=/me/")
    assert page.status_code == 200 and "获取验证码" in page.content.decode()
    sent = post("/accounts/login/sms/", {"phone": learner.phone, "code": "", "send_code": "1"})
    assert sent.status_code == 200
    html = sent.content.decode()
    assert "验证码已发送" in html and 'data-retry-after="60"' in html
    assert f'value="{learner.phone}"' in html
    response = post(
        "/accounts/login/sms/",
        {"phone": learner.phone, "code": code_in(sms_outbox), "next": "/me/"},
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_a_wrong_code_on_the_page_says_so(client, post, learner, sms_outbox):
    post("/accounts/login/sms/", {"phone": learner.phone, "send_code": "1"})
    wrong = f"{(int(code_in(sms_outbox)) + 1) % 10**6:06d}"
    response = post("/accounts/login/sms/", {"phone": learner.phone, "code": wrong})
    assert response.status_code == 200
    assert "手机号或验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_asking_again_within_a_minute_shows_the_wait(post, learner):
    post("/accounts/login/sms/", {"phone": learner.phone, "send_code": "1"})
    again = post("/accounts/login/sms/", {"phone": learner.phone, "send_code": "1"})
    assert again.status_code == 429 and int(again["Retry-After"]) <= 60
    assert "获取验证码过于频繁" in again.content.decode()


def test_a_bad_number_for_a_code_is_shown_on_the_page(post, db):
    response = post("/accounts/login/sms/", {"phone": "123", "send_code": "1"})
    assert response.status_code == 200 and "请输入有效的中国大陆手机号" in response.content.decode()
    assert not SmsCode.objects.exists()


def test_forgotten_password_reset_on_the_site(client, post, learner, sms_outbox):
    post("/accounts/password-reset/", {"phone": learner.phone, "send_code": "1"})
    assert sms_outbox[-1].kind == "reset_code"
    code = code_in(sms_outbox)
    fields = {"phone": learner.phone, "code": code}
    mismatch = post(
        "/accounts/password-reset/",
        {**fields, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    weak = post(
        "/accounts/password-reset/", {**fields, "new_password1": "1234", "new_password2": "1234"}
    )
    assert weak.status_code == 200 and "new_password1" in weak.context["form"].errors
    done = post(
        "/accounts/password-reset/",
        {**fields, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/login/"
    assert "密码已重置" in done.content.decode()
    assert client.login(username=learner.phone, password=NEW_PASSWORD)
    learner.refresh_from_db()
    assert not learner.check_password(PASSWORD)


def test_a_bad_reset_code_on_the_site(post, learner, sms_outbox):
    post("/accounts/password-reset/", {"phone": learner.phone, "send_code": "1"})
    response = post(
        "/accounts/password-reset/",
        {
            "phone": learner.phone,
            "code": "12345x",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "验证码不正确或已失效" in response.content.decode()
