"""Redis unreachable: the site keeps serving from the database, queued work is kept (#16.5)."""

import json

import pytest
from django.core.cache import cache
from django_q.conf import Conf

import learning.platform.health
from learning.models import DeferredTask
from learning.platform import task_queue
from tests.conftest import PASSWORD
from tests.exams.mock_helpers import choice_question, fixed_paper

#: Nothing listens on port 1: every connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "learning.platform.resilient_cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_pages_log_in_api_and_starting_an_attempt_work_without_redis(
    redis_down, client, learner, course_index
):
    paper = fixed_paper([choice_question(stem=f"第{i}题") for i in range(3)])
    assert client.get("/").status_code == 200
    assert client.get("/courses/").status_code == 200
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"phone": learner.phone, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    assert client.get("/api/v1/me", **headers).json()["phone"] == learner.phone
    started = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers)
    assert started.status_code == 201
    # The site log-in keeps its session in the database meanwhile.
    assert client.login(phone=learner.phone, password=PASSWORD)
    assert client.get("/practice/").status_code == 200


def test_the_cache_answers_from_memory_while_redis_is_down(redis_down):
    cache.set("k", 41)
    assert cache.get("k") == 41
    assert cache.incr("k") == 42
    assert not cache.available


def test_healthz_names_the_cache_and_queue_when_redis_is_down(
    redis_down, client, db, settings, monkeypatch
):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": DEAD_REDIS}
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", DEAD_REDIS)
    learning.platform.health._broker.cache_clear()
    try:
        response = client.get("/healthz")
    finally:
        learning.platform.health._broker.cache_clear()
    assert response.status_code == 503
    assert response.json()["cache"] == "error"
    assert response.json()["queue"] == "error"
    assert response.json()["database"] == "ok"


@pytest.fixture
def redis_broker_down(monkeypatch):
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "REDIS", DEAD_REDIS)
    task_queue._brokers.clear()
    yield
    task_queue._brokers.clear()


def test_a_task_the_broker_refuses_is_kept_and_queued_again_later(
    redis_broker_down, db, monkeypatch, caplog
):
    task_queue.enqueue("math.floor", 2.5, task_name="测试任务")
    kept = DeferredTask.objects.get()
    assert (kept.func, kept.args, kept.kwargs) == ("math.floor", [2.5], {"task_name": "测试任务"})
    assert "could not be queued" in caplog.text
    # Still down: the task stays, one more try counted.
    assert task_queue.retry_deferred() == 0
    assert DeferredTask.objects.get().tries == 1
    # The queue is back (synchronous here): queued once and removed.
    monkeypatch.setattr(Conf, "SYNC", True)
    assert task_queue.retry_deferred() == 1
    assert not DeferredTask.objects.exists()
    assert task_queue.retry_deferred() == 0


def test_with_the_orm_broker_a_queue_failure_is_not_hidden(db, monkeypatch):
    monkeypatch.setattr(Conf, "ORM", "default")
    monkeypatch.setattr(Conf, "SYNC", False)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("django_q.tasks.async_task", broken)
    with pytest.raises(RuntimeError):
        task_queue.enqueue("math.floor", 1.5)
    assert not DeferredTask.objects.exists()
