import json
from datetime import timedelta

import pytest
from django.utils import timezone

from learning.models import ApiToken
from tests.conftest import PASSWORD


def post_token(client, phone, password, **extra):
    return client.post(
        "/api/v1/auth/token",
        data=json.dumps({"phone": phone, "password": password}),
        content_type="application/json",
        **extra,
    )


def test_token_login_with_phone_and_password(client, learner):
    response = post_token(client, learner.phone, PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200 and me.json()["id"] == learner.pk


def test_wrong_password_is_401_with_a_message(client, learner):
    response = post_token(client, learner.phone, "nope")
    assert response.status_code == 401
    assert response.json() == {"detail": "手机号或密码不正确。"}


def test_repeated_failures_hold_the_phone_back_from_that_address(client, learner):
    for _ in range(5):
        assert post_token(client, learner.phone, "wrong").status_code == 401
    held = post_token(client, learner.phone, PASSWORD)
    assert held.status_code == 429
    assert "30 秒" in held.json()["detail"] and held["Retry-After"] == "30"


def test_many_phones_from_one_address_hold_that_address_back(client, settings, learner):
    settings.LOGIN_FREE_FAILURES_PER_ADDRESS = 3
    for index in range(3):
        post_token(client, f"1390000000{index}", "guess", REMOTE_ADDR="10.0.0.9")
    assert post_token(client, learner.phone, PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert post_token(client, learner.phone, PASSWORD, REMOTE_ADDR="10.0.0.8").status_code == 200


def test_site_login_shows_the_wait(client, learner):
    for _ in range(5):
        client.post("/accounts/login/", {"username": learner.phone, "password": "bad"})
    response = client.post("/accounts/login/", {"username": learner.phone, "password": PASSWORD})
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert "登录尝试过于频繁，请 30 秒后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_is_throttled_too(client, learner):
    for _ in range(5):
        client.post("/admin/login/", {"username": learner.phone, "password": "bad"})
    response = client.post("/admin/login/", {"username": learner.phone, "password": PASSWORD})
    assert "登录尝试过于频繁" in response.content.decode()


def test_missing_or_bad_token_is_401_json(client, db):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_expired_token_is_refused(client, learner, token_for):
    headers = token_for(learner)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_malformed_body_is_422_with_detail(client, db):
    response = client.post("/api/v1/auth/token", data="{}", content_type="application/json")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


@pytest.mark.django_db
def test_session_login_reaches_the_api(client, learner):
    client.force_login(learner)
    assert client.get("/api/v1/me").json()["name"] == "李晓梅"


def test_token_user_is_the_same_user_the_orm_loads(learner, django_assert_num_queries):
    """The token look-up is hand-written SQL: the user it builds must match the ORM's."""
    from django.forms.models import model_to_dict

    from learning.accounts.services import issue_token, user_for_token

    key = issue_token(user=learner).token
    with django_assert_num_queries(1):
        found = user_for_token(key)
    expected = type(learner).objects.get(pk=learner.pk)
    fields = [f.attname for f in expected._meta.concrete_fields]
    assert {f: getattr(found, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert found.is_active is True and found.date_joined.tzinfo is not None
    assert model_to_dict(found) == model_to_dict(expected)


def test_token_of_a_deactivated_user_is_refused(client, learner, token_for):
    headers = token_for(learner)
    type(learner).objects.filter(pk=learner.pk).update(is_active=False)
    assert client.get("/api/v1/me", **headers).status_code == 401
