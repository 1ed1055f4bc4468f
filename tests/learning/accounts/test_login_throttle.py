"""The log-in throttle (issue 16, item 2): growing delays per phone and per client address,
the client address taken through the trusted proxies only, and no way to lock someone else out."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from learning.platform.client_address import address_key, client_address
from tests.conftest import PASSWORD
from tests.parallel import run_together

PROXY = "10.0.0.2"


def post_token(client, phone, password, *, remote="203.0.113.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/api/v1/auth/token",
        data=json.dumps({"phone": phone, "password": password}),
        content_type="application/json",
        **extra,
    )


@pytest.fixture
def clock(monkeypatch):
    """Time that moves only when the test says so."""

    class Clock:
        now = timezone.now()

        def advance(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    moving = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moving.now)
    return moving


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def test_wrong_passwords_through_the_proxy_do_not_hold_up_everyone(client, learner, behind_proxy):
    """Before: the proxy's address was counted, and 30 failures anywhere locked every user out
    of the API, the site and the admin."""
    for index in range(40):
        response = post_token(
            client, f"1390000{index:04d}", "guess", remote=PROXY, forwarded=f"198.51.100.{index}"
        )
        assert response.status_code == 401
    ok = post_token(client, learner.phone, PASSWORD, remote=PROXY, forwarded="198.51.100.200")
    assert ok.status_code == 200
    site = Client().post(
        "/accounts/login/",
        {"username": learner.phone, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.201",
    )
    assert site.status_code == 302


def test_one_client_spraying_numbers_through_the_proxy_is_held_back_alone(
    client, learner, behind_proxy
):
    for index in range(30):
        post_token(client, f"1390000{index:04d}", "guess", remote=PROXY, forwarded="198.51.100.7")
    held = post_token(client, learner.phone, PASSWORD, remote=PROXY, forwarded="198.51.100.7")
    assert held.status_code == 429
    other = post_token(client, learner.phone, PASSWORD, remote=PROXY, forwarded="198.51.100.8")
    assert other.status_code == 200


def test_hammering_a_number_from_one_address_does_not_stop_its_owner(client, learner, clock):
    """Before: five wrong passwords for a number refused its owner's right one everywhere."""
    attacker = "203.0.113.66"
    failures = 0
    while failures < 12:  # past the free failures of the pair and of the number
        response = post_token(client, learner.phone, "guess", remote=attacker)
        if response.status_code == 401:
            failures += 1
        else:
            assert response.status_code == 429
            clock.advance(int(response["Retry-After"]))
    assert post_token(client, learner.phone, PASSWORD, remote=attacker).status_code == 429
    assert post_token(client, learner.phone, PASSWORD, remote="198.51.100.23").status_code == 200


def test_guesses_from_many_addresses_slow_each_of_them_but_not_the_owner(client, learner):
    for index in range(15):
        assert (
            post_token(client, learner.phone, "guess", remote=f"192.0.2.{index}").status_code == 401
        )
    # The number has had 15 failures (its free 10 used up): every address that guessed waits...
    again = post_token(client, learner.phone, "guess", remote="192.0.2.3")
    assert again.status_code == 429
    # ...while the owner, on an address that never failed for it, gets in at once.
    assert post_token(client, learner.phone, PASSWORD, remote="198.51.100.99").status_code == 200


def test_delays_grow_with_each_failure_and_waiting_them_out_works(client, learner, clock):
    for _ in range(5):
        assert post_token(client, learner.phone, "guess").status_code == 401
    waits = []
    for _round in range(4):
        held = post_token(client, learner.phone, PASSWORD)
        assert held.status_code == 429
        assert set(held.json()) == {"detail", "retry_after"}
        waits.append(int(held["Retry-After"]))
        assert held.json()["retry_after"] == waits[-1]
        clock.advance(waits[-1] - 1)
        assert post_token(client, learner.phone, PASSWORD).status_code == 429
        clock.advance(1)
        assert post_token(client, learner.phone, "guess").status_code == 401
    assert waits == [30, 60, 120, 240]
    assert "8 分钟" in post_token(client, learner.phone, PASSWORD).json()["detail"]
    clock.advance(8 * 60)
    assert post_token(client, learner.phone, PASSWORD).status_code == 200


def test_delays_stop_growing_at_the_maximum(client, learner, clock, settings):
    settings.LOGIN_DELAY_MAX_SECONDS = 100
    for _ in range(5):
        post_token(client, learner.phone, "guess")
    waits = []
    for _round in range(4):
        held = post_token(client, learner.phone, "guess")
        waits.append(int(held["Retry-After"]))
        clock.advance(waits[-1])
        post_token(client, learner.phone, "guess")
    assert waits == [30, 60, 100, 100]


def test_a_success_forgets_the_owners_own_typos(client, learner):
    for _ in range(4):
        post_token(client, learner.phone, "typo")
    assert post_token(client, learner.phone, PASSWORD).status_code == 200
    for _ in range(4):
        assert post_token(client, learner.phone, "typo").status_code == 401
    assert post_token(client, learner.phone, PASSWORD).status_code == 200


def test_a_spoofed_forwarded_for_from_an_untrusted_address_is_ignored(
    client, learner, behind_proxy
):
    for index in range(30):
        post_token(
            client, f"1390000{index:04d}", "guess", remote="203.0.113.9", forwarded=f"1.2.3.{index}"
        )
    held = post_token(client, learner.phone, PASSWORD, remote="203.0.113.9", forwarded="1.2.3.200")
    assert held.status_code == 429 and int(held["Retry-After"]) > 0


def test_what_a_client_writes_left_of_the_proxys_entry_is_ignored(client, learner, behind_proxy):
    for index in range(30):
        post_token(
            client,
            f"1390000{index:04d}",
            "guess",
            remote=PROXY,
            forwarded=f"1.2.3.{index}, 198.51.100.50",
        )
    held = post_token(
        client, learner.phone, PASSWORD, remote=PROXY, forwarded="9.9.9.9, 198.51.100.50"
    )
    assert held.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        ("203.0.113.5", "198.51.100.1", [], "203.0.113.5"),
        ("203.0.113.5", "198.51.100.1", [PROXY], "203.0.113.5"),
        (PROXY, "198.51.100.1", [PROXY], "198.51.100.1"),
        (PROXY, "6.6.6.6, 198.51.100.1", [PROXY], "198.51.100.1"),
        # a load balancer in front of nginx: both trusted, both skipped
        (PROXY, "198.51.100.1, 10.0.1.7", [PROXY, "10.0.1.0/24"], "198.51.100.1"),
        (PROXY, "198.51.100.1:5133", [PROXY], "198.51.100.1"),
        (PROXY, "[2001:db8::1]:443", [PROXY], "2001:db8::1"),
        (PROXY, "not-an-address", [PROXY], PROXY),
        (PROXY, "", [PROXY], PROXY),
        ("::ffff:10.0.0.2", "198.51.100.1", [PROXY], "198.51.100.1"),
    ],
)
def test_client_address_through_trusted_proxies(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_ipv6_addresses_count_per_64():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("198.51.100.1") == "198.51.100.1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_slip_past_the_free_failures(learner):
    """Counting before checking let every one of a burst of parallel guesses through."""
    statuses = run_together(
        [lambda: post_token(Client(), learner.phone, "guess").status_code for _ in range(16)]
    )
    counts = Counter(statuses)
    assert set(counts) <= {401, 429}
    assert counts[401] <= 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_owner_logs_in_during_a_parallel_attack(learner):
    def attack():
        return post_token(Client(), learner.phone, "guess", remote="203.0.113.66").status_code

    def owner():
        return post_token(Client(), learner.phone, PASSWORD, remote="198.51.100.5").status_code

    statuses = run_together([attack] * 12 + [owner])
    assert statuses[-1] == 200
    assert set(statuses[:-1]) <= {401, 429}
