"""Logged-in sessions: read with hand-written SQL (``learning.platform.sessions``,
``PhoneBackend.get_user``) and verified exactly as Django verifies them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from learning.auth_backends import PhoneBackend
from learning.models import User
from learning.platform.sessions import SessionStore
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_sessions(settings):
    # The store of deployments without Redis (with it, Django's cached_db serves them).
    settings.SESSION_ENGINE = "learning.platform.sessions"


def _log_in(client, learner) -> None:
    response = client.post("/accounts/login/", {"username": learner.phone, "password": PASSWORD})
    assert response.status_code == 302


def _shows(client, learner) -> bool:
    return learner.name in client.get("/").content.decode()


def test_a_logged_in_learner_is_recognised_on_the_next_page(client, home_page, learner):
    _log_in(client, learner)
    assert _shows(client, learner)


def test_changing_the_password_ends_the_other_sessions(client, home_page, learner):
    _log_in(client, learner)
    learner.set_password("another-long-passphrase-2026")
    learner.save()
    assert not _shows(client, learner)


def test_a_deactivated_learner_is_logged_out(client, home_page, learner):
    _log_in(client, learner)
    User.objects.filter(pk=learner.pk).update(is_active=False)
    assert not _shows(client, learner)


def test_an_expired_session_is_not_used(client, home_page, learner):
    _log_in(client, learner)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not _shows(client, learner)


def test_the_session_store_reads_what_djangos_reads(client, home_page, learner):
    _log_in(client, learner)
    key = Session.objects.get().session_key
    loaded = SessionStore(key).load()
    assert loaded and loaded == DjangoSessionStore(key).load()
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_the_backend_reads_the_user_as_the_orm_does(learner, make_learner):
    found = PhoneBackend().get_user(learner.pk)
    expected = User.objects.get(pk=learner.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.get_session_auth_hash() == expected.get_session_auth_hash()
    inactive = make_learner(name="王芳")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    assert PhoneBackend().get_user(inactive.pk) is None
    assert PhoneBackend().get_user(10**9) is None
    # Sessions store the id as text; anything that is not an id finds nobody, as in Django.
    assert PhoneBackend().get_user(str(learner.pk)).pk == learner.pk
    assert PhoneBackend().get_user("not-an-id") is None
