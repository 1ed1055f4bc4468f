"""A worker killed mid-send (SIGKILL, no clean-up) and the recovery after it: every message is
delivered exactly once (issue 16).

The send task runs in a separate Python process, as a qcluster worker runs it, against the
test database; its backend talks to the fake gateway and kills its own process at a chosen
moment: after claiming but before the first provider call, or right after the provider
accepted a message and before the worker could record it. The recovery is the ordinary
sweep once the claims' lease has expired, as the restarted cluster runs it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from learning.models import ReminderPreference, SmsMessage, SmsStatus
from learning.sms.backends import HttpBackend
from learning.sms.delivery import queue, send_due
from tests.learning.sms.sms_gateway import FakeGateway

ROOT = Path(__file__).resolve().parents[3]
COUNT = 10


class DiesMidSend(HttpBackend):
    """The http backend of a worker that is killed during its ``KILL_AT``-th send, before
    the provider call (``KILL_WHEN=before``) or after the provider accepted (``after``)."""

    sends = 0

    def send(self, message):
        DiesMidSend.sends += 1
        dying = DiesMidSend.sends == int(os.environ["KILL_AT"])
        if dying and os.environ["KILL_WHEN"] == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = super().send(message)
        if dying:
            os.kill(os.getpid(), signal.SIGKILL)
        return result


WORKER = """
import json, os, sys
import django
django.setup()
from django.conf import settings
settings.SMS_BACKEND = "tests.learning.sms.test_sms_worker_kill.DiesMidSend"
settings.SMS_HTTP_URL = os.environ["GATEWAY_URL"]
settings.SMS_HTTP_KEY = "gateway-key"
from learning.tasks import send_messages
send_messages(json.loads(os.environ["KEYS"]))
"""


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_killed_worker(keys: list[str], *, url: str, kill_at: int, when: str) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning.settings.test",
        "DATABASE_URL": database_url(),
        "GATEWAY_URL": url,
        "KEYS": json.dumps(keys),
        "KILL_AT": str(kill_at),
        "KILL_WHEN": when,
    }
    env.pop("TEST_DB_NAME", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER], cwd=ROOT, env=env, timeout=120, capture_output=True
    )
    return done.returncode


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("kill_at", "when"), [(1, "before"), (4, "after")])
def test_a_worker_killed_mid_send_delivers_every_message_exactly_once_after_restart(
    make_learner, settings, monkeypatch, kill_at, when
):
    # The send task goes to the worker process below instead of running inline.
    monkeypatch.setattr("learning.sms.delivery.enqueue_send", lambda keys: None)
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_KEY = "gateway-key"
    settings.SMS_HTTP_TIMEOUT = 2
    people = [make_learner(name=f"学员{i}") for i in range(COUNT)]
    keys = [f"reminder:kill:{i}" for i in range(COUNT)]
    for person, key in zip(people, keys, strict=True):
        # No quiet hours: the messages are due whatever the clock says when the test runs.
        ReminderPreference.objects.create(user=person, quiet_start=time(0), quiet_end=time(0))
        queue(phone=person.phone, body="今天的每日一练已更新", key=key, learner=person)
    with FakeGateway(key="gateway-key", webhook_secret=settings.SMS_WEBHOOK_SECRET) as gateway:
        settings.SMS_HTTP_URL = gateway.url
        status = run_killed_worker(keys, url=gateway.url, kill_at=kill_at, when=when)
        assert status == -signal.SIGKILL
        assert SmsMessage.objects.filter(status=SmsStatus.SENDING).count() == COUNT - kill_at + 1
        accepted_before_restart = dict(gateway.accepted)
        assert len(accepted_before_restart) == (kill_at if when == "after" else 0)
        recorded = set(
            SmsMessage.objects.filter(status=SmsStatus.SENT).values_list("key", flat=True)
        )

        # Before the lease runs out nothing is taken from the dead worker (it might be alive).
        assert send_due(now=timezone.now()) == {}
        restart = timezone.now() + timedelta(seconds=settings.SMS_SENDING_STALE_SECONDS + 1)
        counts = send_due(now=restart)

    assert counts == {"sent": COUNT - kill_at + 1}
    assert sorted(gateway.accepted) == sorted(keys)  # each key accepted by the provider once
    assert len(gateway.receipts) == COUNT
    rows = dict(SmsMessage.objects.values_list("key", "provider_message_id"))
    assert rows == gateway.accepted
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsStatus.SENT}
    sent_per_key = [r["idempotency_key"] for r in gateway.requests]
    resent = {key for key in sent_per_key if sent_per_key.count(key) > 1}
    # Only the message the provider took just before the kill was asked for again, and the
    # provider recognised its idempotency key.
    assert resent == set(accepted_before_restart) - recorded
    assert len(resent) == (1 if when == "after" else 0)
