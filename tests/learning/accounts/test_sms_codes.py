"""Text-message codes over the API (issue 17, item 7): POST /api/v1/auth/sms-code, token log-in
with a code, POST /api/v1/auth/password-reset."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from learning.accounts.sms_codes import code_message
from learning.models import ApiToken, SmsCode, SmsMessage, SmsOptOut
from learning.sms.text import SIGNATURE
from tests.conftest import PASSWORD
from tests.parallel import run_together

NEW_PASSWORD = "Xinmima-2026-春"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.SMS_BACKEND = "locmem"


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = timezone.now()

        def advance(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    moving = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moving.now)
    return moving


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """POST /api/v1/auth/sms-code, running what the request queues on commit (the send)."""

    def post(phone, purpose="login", *, remote="203.0.113.1", forwarded=""):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/api/v1/auth/sms-code",
                data=json.dumps({"phone": phone, "purpose": purpose}),
                content_type="application/json",
                REMOTE_ADDR=remote,
                HTTP_X_FORWARDED_FOR=forwarded,
            )

    return post


def post_json(client, path, body, **extra):
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


def last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1].text).group()


def test_a_registered_number_gets_a_six_digit_code(ask, learner, sms_outbox):
    response = ask(learner.phone)
    assert response.status_code == 200
    assert response.json() == {"sent": True, "retry_after": 60}
    assert len(sms_outbox) == 1 and sms_outbox[0].phone == learner.phone
    code = last_code(sms_outbox)
    assert sms_outbox[0].text == SIGNATURE + code_message("login", code)
    assert sms_outbox[0].kind == "login_code"
    assert "回T退订" not in sms_outbox[0].text


def test_an_unregistered_number_gets_the_same_answer_and_nothing_is_sent(ask, db, sms_outbox):
    response = ask("13912345678")
    assert response.status_code == 200
    assert response.json() == {"sent": True, "retry_after": 60}
    assert sms_outbox == [] and not SmsMessage.objects.exists()
    assert ask("13912345678").status_code == 429  # limited alike: the 429 tells nothing either


def test_the_code_is_stored_only_as_a_salted_hash(ask, learner, sms_outbox):
    ask(learner.phone)
    stored = SmsCode.objects.get().code_hash
    assert last_code(sms_outbox) not in stored and len(stored) > 40


def test_a_bad_phone_number_is_400_with_detail(ask, db):
    response = ask("12345")
    assert response.status_code == 400 and "手机号" in response.json()["detail"]
    assert ask("13800000001", purpose="signup").status_code == 422


def test_one_code_a_minute_per_number(ask, learner, clock):
    assert ask(learner.phone).status_code == 200
    clock.advance(20)
    refused = ask(learner.phone)
    assert refused.status_code == 429
    assert refused.json()["retry_after"] == 40 and refused["Retry-After"] == "40"
    assert "40 秒" in refused.json()["detail"]
    clock.advance(40)
    assert ask(learner.phone, purpose="reset").status_code == 200


def test_five_codes_an_hour_and_ten_a_day_per_number(ask, learner, clock):
    for _ in range(5):
        assert ask(learner.phone).status_code == 200
        clock.advance(61)
    refused = ask(learner.phone)
    assert refused.status_code == 429
    assert refused.json()["retry_after"] == 3600 - 5 * 61
    clock.advance(3600)
    for _ in range(5):
        assert ask(learner.phone).status_code == 200
        clock.advance(61)
    clock.advance(3600)
    refused = ask(learner.phone)
    assert refused.status_code == 429 and "22 小时" in refused.json()["detail"]
    assert refused.json()["retry_after"] > 12 * 3600
    clock.advance(refused.json()["retry_after"])
    assert ask(learner.phone).status_code == 200


def test_thirty_codes_an_hour_per_client_address(ask, learner, clock):
    for index in range(30):
        assert ask(f"1391234{index:04d}", remote="198.51.100.4").status_code == 200
    assert ask(learner.phone, remote="198.51.100.4").status_code == 429
    assert ask(learner.phone, remote="198.51.100.5").status_code == 200


def test_the_per_address_limit_counts_clients_behind_the_proxy(ask, learner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for index in range(30):
        response = ask(f"1391234{index:04d}", remote="10.0.0.2", forwarded="198.51.100.4")
        assert response.status_code == 200
    assert ask(learner.phone, remote="10.0.0.2", forwarded="198.51.100.4").status_code == 429
    assert ask(learner.phone, remote="10.0.0.2", forwarded="198.51.100.5").status_code == 200


def test_a_code_logs_in_like_a_password_once(ask, client, learner, sms_outbox):
    ask(learner.phone)
    code = last_code(sms_outbox)
    response = post_json(client, "/api/v1/auth/token", {"phone": learner.phone, "code": code})
    assert response.status_code == 200 and set(response.json()) == {"token", "expires_at"}
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert me.json()["id"] == learner.pk
    again = post_json(client, "/api/v1/auth/token", {"phone": learner.phone, "code": code})
    assert again.status_code == 401 and "detail" in again.json()


def test_phone_and_code_in_full_width_digits_with_spaces(ask, client, learner, sms_outbox):
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    assert ask(f"+86 {learner.phone[:3]}-{learner.phone[3:]}".translate(wide)).status_code == 200
    code = last_code(sms_outbox)
    typed = f"{code[:3]} {code[3:]}".translate(wide)
    response = post_json(
        client, "/api/v1/auth/token", {"phone": learner.phone.translate(wide), "code": typed}
    )
    assert response.status_code == 200


def test_a_code_expires_after_five_minutes(ask, client, learner, sms_outbox, clock):
    ask(learner.phone)
    clock.advance(5 * 60 + 1)
    body = {"phone": learner.phone, "code": last_code(sms_outbox)}
    assert post_json(client, "/api/v1/auth/token", body).status_code == 401


def test_five_wrong_guesses_kill_the_code(ask, client, learner, sms_outbox):
    ask(learner.phone)
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        body = {"phone": learner.phone, "code": wrong}
        assert post_json(client, "/api/v1/auth/token", body).status_code == 401
    body = {"phone": learner.phone, "code": code}
    assert (
        post_json(client, "/api/v1/auth/token", body, REMOTE_ADDR="198.51.100.9").status_code == 401
    )


def test_four_wrong_guesses_leave_the_code_usable(ask, client, learner, sms_outbox):
    ask(learner.phone)
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        post_json(client, "/api/v1/auth/token", {"phone": learner.phone, "code": wrong})
    body = {"phone": learner.phone, "code": code}
    assert post_json(client, "/api/v1/auth/token", body).status_code == 200


def test_only_the_newest_code_counts(ask, client, learner, sms_outbox, clock):
    ask(learner.phone)
    first = last_code(sms_outbox)
    clock.advance(61)
    ask(learner.phone)
    second = last_code(sms_outbox)
    if first != second:
        body = {"phone": learner.phone, "code": first}
        assert post_json(client, "/api/v1/auth/token", body).status_code == 401
    body = {"phone": learner.phone, "code": second}
    assert post_json(client, "/api/v1/auth/token", body).status_code == 200


def test_a_reset_code_does_not_log_in(ask, client, learner, sms_outbox):
    ask(learner.phone, purpose="reset")
    body = {"phone": learner.phone, "code": last_code(sms_outbox)}
    assert post_json(client, "/api/v1/auth/token", body).status_code == 401
    assert sms_outbox[-1].kind == "reset_code"
    assert sms_outbox[-1].text == SIGNATURE + code_message("reset", last_code(sms_outbox))


def test_token_needs_a_password_or_a_code(client, learner):
    response = post_json(client, "/api/v1/auth/token", {"phone": learner.phone})
    assert response.status_code == 422 and "detail" in response.json()
    both = {"phone": learner.phone, "password": PASSWORD, "code": "123456"}
    assert post_json(client, "/api/v1/auth/token", both).status_code == 422


def test_password_reset_with_a_code(ask, client, learner, sms_outbox, token_for):
    old_token = token_for(learner)
    ask(learner.phone, purpose="reset")
    code = last_code(sms_outbox)
    body = {"phone": learner.phone, "code": code, "new_password": NEW_PASSWORD}
    response = post_json(client, "/api/v1/auth/password-reset", body)
    assert response.status_code == 200 and response.json() == {"reset": True}
    login = {"phone": learner.phone, "password": NEW_PASSWORD}
    assert post_json(client, "/api/v1/auth/token", login).status_code == 200
    old = {"phone": learner.phone, "password": PASSWORD}
    assert post_json(client, "/api/v1/auth/token", old).status_code == 401
    assert client.get("/api/v1/me", **old_token).status_code == 401
    assert post_json(client, "/api/v1/auth/password-reset", body).status_code == 400


def test_a_weak_new_password_is_400_and_the_code_stays_usable(ask, client, learner, sms_outbox):
    ask(learner.phone, purpose="reset")
    code = last_code(sms_outbox)
    for weak in ["123", "12345678", "password"]:
        body = {"phone": learner.phone, "code": code, "new_password": weak}
        response = post_json(client, "/api/v1/auth/password-reset", body)
        assert response.status_code == 400 and response.json()["detail"]
    body = {"phone": learner.phone, "code": code, "new_password": NEW_PASSWORD}
    assert post_json(client, "/api/v1/auth/password-reset", body).status_code == 200


def test_a_bad_reset_code_is_400(ask, client, learner, sms_outbox):
    ask(learner.phone, purpose="reset")
    body = {"phone": learner.phone, "code": "abcdef", "new_password": NEW_PASSWORD}
    response = post_json(client, "/api/v1/auth/password-reset", body)
    assert response.status_code == 400 and "验证码" in response.json()["detail"]
    body["phone"] = "not a phone"
    assert post_json(client, "/api/v1/auth/password-reset", body).status_code == 400
    unknown = {"phone": "13912345678", "code": "123456", "new_password": NEW_PASSWORD}
    assert post_json(client, "/api/v1/auth/password-reset", unknown).status_code == 400


def test_codes_are_sent_at_once_in_quiet_hours_and_after_an_opt_out(
    ask, learner, sms_outbox, clock
):
    clock.now = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    SmsOptOut.objects.create(phone=learner.phone)
    assert ask(learner.phone).status_code == 200
    assert len(sms_outbox) == 1
    assert SmsMessage.objects.get().status == "delivered"


def test_a_deactivated_account_gets_no_code(ask, learner, sms_outbox):
    type(learner).objects.filter(pk=learner.pk).update(is_active=False)
    assert ask(learner.phone).json() == {"sent": True, "retry_after": 60}
    assert sms_outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_log_ins_with_one_code_give_exactly_one_token(learner, sms_outbox):
    Client().post(
        "/api/v1/auth/sms-code",
        data=json.dumps({"phone": learner.phone, "purpose": "login"}),
        content_type="application/json",
    )
    body = json.dumps({"phone": learner.phone, "code": last_code(sms_outbox)})

    def log_in(index):
        return lambda: Client().post(
            "/api/v1/auth/token",
            data=body,
            content_type="application/json",
            REMOTE_ADDR=f"198.51.100.{index}",
        )

    responses = run_together([log_in(index) for index in range(8)])
    assert Counter(r.status_code for r in responses) == {200: 1, 401: 7}
    assert ApiToken.objects.filter(user=learner).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_for_one_number_send_one_code(learner, sms_outbox):
    def ask_once(index):
        return lambda: (
            Client()
            .post(
                "/api/v1/auth/sms-code",
                data=json.dumps({"phone": learner.phone, "purpose": "login"}),
                content_type="application/json",
                REMOTE_ADDR=f"198.51.100.{index}",
            )
            .status_code
        )

    statuses = run_together([ask_once(index) for index in range(8)])
    assert Counter(statuses) == {200: 1, 429: 7}
    assert SmsCode.objects.count() == 1 and len(sms_outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_from_one_address_stay_within_its_limit(db, settings):
    settings.SMS_CODE_LIMITS_PER_ADDRESS = [(3, 3600)]

    def ask_once(index):
        return lambda: (
            Client()
            .post(
                "/api/v1/auth/sms-code",
                data=json.dumps({"phone": f"1391234{index:04d}", "purpose": "login"}),
                content_type="application/json",
                REMOTE_ADDR="198.51.100.77",
            )
            .status_code
        )

    statuses = run_together([ask_once(index) for index in range(8)])
    assert Counter(statuses) == {200: 3, 429: 5}


def test_organisers_cannot_read_live_codes_in_the_message_log(ask, client, learner, sms_outbox):
    from django.contrib.auth.models import Group

    from learning.accounts import roles
    from learning.models import Organiser, User

    ask(learner.phone)
    code = last_code(sms_outbox)
    url = f"/admin/sms_messages/inspect/{SmsMessage.objects.get().pk}/"
    organiser = User.objects.create_user(phone="13800000002", name="王建国", password="pw")
    organiser.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=organiser, organisation=None)  # the whole prefecture
    client.force_login(organiser)
    page = client.get(url)
    assert page.status_code == 200 and "验证码为******" in page.text and code not in page.text
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    assert code in client.get(url).text


from learning.sms.backends import BaseSmsBackend  # noqa: E402


class FailingBackend(BaseSmsBackend):
    """A provider that is down."""

    def send(self, message):
        from learning.sms import RetryableSmsError

        raise RetryableSmsError("HTTP 503")


def test_a_code_the_provider_fails_is_retried_at_night_but_not_after_it_expired(
    ask, learner, settings, clock
):
    from learning.sms.delivery import send_due

    settings.SMS_BACKEND = "tests.learning.accounts.test_sms_codes.FailingBackend"
    clock.now = start = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    ask(learner.phone)
    message = SmsMessage.objects.get()
    assert message.status == "queued" and message.next_attempt_at == start + timedelta(minutes=1)
    send_due(now=start + timedelta(minutes=1))
    message.refresh_from_db()
    assert message.next_attempt_at == start + timedelta(minutes=3)  # 1 + 2, not 08:00
    send_due(now=start + timedelta(minutes=3))  # the next wait (4 min) ends after the 5
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3
