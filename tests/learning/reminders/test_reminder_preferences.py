from learning.models import ReminderKind, ReminderPreference
from learning.sms.delivery import set_opt_out

ALL_ON = dict.fromkeys(ReminderKind.values, True)


def test_defaults_have_the_contract_shape(client, learner, token_for):
    body = client.get("/api/v1/me/reminders", **token_for(learner)).json()
    assert body == {
        "enabled": True,
        "quiet_start": "21:30",
        "quiet_end": "08:00",
        "kinds": ALL_ON,
        "opted_out": False,
    }


def test_put_saves_and_returns_the_settings(client, learner, token_for):
    payload = {
        "enabled": True,
        "quiet_start": "22:00",
        "quiet_end": "07:30",
        "kinds": {"weekly_rank": False},
    }
    response = client.put(
        "/api/v1/me/reminders", payload, content_type="application/json", **token_for(learner)
    )
    assert response.status_code == 200
    assert response.json() == {
        **payload,
        "kinds": {**ALL_ON, "weekly_rank": False},
        "opted_out": False,
    }
    assert client.get("/api/v1/me/reminders", **token_for(learner)).json() == response.json()


def test_unknown_kind_is_422(client, learner, token_for):
    payload = {"enabled": True, "quiet_start": "22:00", "quiet_end": "07:30", "kinds": {"spam": 1}}
    response = client.put(
        "/api/v1/me/reminders", payload, content_type="application/json", **token_for(learner)
    )
    assert response.status_code == 422 and "spam" in response.json()["detail"]


def test_bad_time_is_422(client, learner, token_for):
    payload = {"enabled": True, "quiet_start": "25:00", "quiet_end": "07:30", "kinds": {}}
    response = client.put(
        "/api/v1/me/reminders", payload, content_type="application/json", **token_for(learner)
    )
    assert response.status_code == 422


def test_anonymous_is_401(client, db):
    assert client.get("/api/v1/me/reminders").status_code == 401


def test_page_shows_and_saves_the_learners_settings(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    with django_assert_max_num_queries(8):
        page = client.get("/me/reminders/")
    assert page.status_code == 200 and "免打扰开始" in page.content.decode()
    response = client.post(
        "/me/reminders/",
        {"enabled": "on", "quiet_start": "22:00", "quiet_end": "06:30", "kind_inactivity": "on"},
    )
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=learner)
    assert preference.quiet_end.strftime("%H:%M") == "06:30"
    assert preference.kinds["inactivity"] is True and preference.kinds["weekly_rank"] is False


def test_page_needs_a_log_in(client, db):
    assert client.get("/me/reminders/").status_code == 302


def test_page_and_api_say_when_the_number_replied_t(client, learner, token_for):
    set_opt_out(phone=learner.phone, opted_out=True)
    assert client.get("/api/v1/me/reminders", **token_for(learner)).json()["opted_out"] is True
    client.force_login(learner)
    assert "回复“订阅”即可恢复" in client.get("/me/reminders/").content.decode()
