"""Queueing tasks (learning.platform.task_queue)."""

from __future__ import annotations

import django_q.tasks

from learning.platform import task_queue


def test_tasks_of_one_process_share_one_broker_connection(db, monkeypatch):
    brokers = []
    monkeypatch.setattr(
        django_q.tasks, "async_task", lambda *args, broker, **kwargs: brokers.append(broker)
    )
    monkeypatch.setattr(task_queue, "_brokers", {})
    for _ in range(3):
        task_queue.enqueue("math.floor", 1.5)
    assert len(brokers) == 3 and len({id(broker) for broker in brokers}) == 1
