from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.cache import cache

from learning.models import LedgerEntry, User
from learning.platform import process_memo
from learning.points.ledger import record_daily_login
from tests.conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")


def logins(user):
    return LedgerEntry.objects.filter(learner=user, action="daily_login").count()


def test_site_log_in_awards_the_days_log_in_points_once(client, home_page, learner):
    for _ in range(2):
        client.post("/accounts/login/", {"username": learner.phone, "password": PASSWORD})
        client.post("/accounts/logout/")
    assert logins(learner) == 1


def test_token_requests_award_log_in_points_once_a_day(client, learner, token_for):
    headers = token_for(learner)
    client.get("/api/v1/me", **headers)
    client.get("/api/v1/me", **headers)
    assert logins(learner) == 1


def test_later_token_requests_cost_no_extra_queries(
    client, learner, token_for, django_assert_num_queries
):
    headers = token_for(learner)
    client.get("/api/v1/me", **headers)
    with django_assert_num_queries(4):  # token, profile, its path, totals: no log-in check
        client.get("/api/v1/me", **headers)


def test_staff_without_a_learner_profile_earn_no_log_in_points(client, db):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password=PASSWORD)
    client.post("/admin/login/", {"username": admin.phone, "password": PASSWORD})
    assert logins(admin) == 0


def test_log_in_points_start_again_after_local_midnight(learner):
    late = datetime(2026, 11, 25, 23, 59, tzinfo=SHANGHAI)
    early = datetime(2026, 11, 26, 0, 1, tzinfo=SHANGHAI)
    assert record_daily_login(user=learner, now=late) == 1
    assert record_daily_login(user=learner, now=late) == 0
    cache.clear()  # another process that has not seen today's log-in yet
    process_memo.clear_all()
    assert record_daily_login(user=learner, now=late) == 0
    assert record_daily_login(user=learner, now=early) == 1
    assert logins(learner) == 2


def test_a_worker_that_recorded_todays_log_in_asks_neither_cache_nor_database(
    learner, monkeypatch, django_assert_num_queries
):
    now = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    assert record_daily_login(user=learner, now=now) == 1
    cache.clear()  # the shared flag is gone (evicted): this worker still remembers

    def no_cache_read(*args, **kwargs):
        raise AssertionError("asked the shared cache")

    monkeypatch.setattr(cache, "get", no_cache_read)
    with django_assert_num_queries(0):
        assert record_daily_login(user=learner, now=now) == 0
