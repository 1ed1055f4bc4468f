"""Queueing background work that belongs to a database transaction.

A task that follows a write (grading done: award the points) must run only if the write
commits. With a broker outside the database (Redis) that means queueing after the commit
(``on_commit``). With django-q2's ORM broker (the embedded default) the task is itself a row in
the same database, so it is written inside the transaction: it commits or rolls back with the
write, cannot be lost between the commit and the queueing, and on SQLite the request takes the
database's single write lock once instead of twice (bench/RESULTS.md, submit).

A task the broker refuses (Redis unreachable) is not lost: it is kept as a ``DeferredTask``
row and queued again by ``retry_deferred`` (every minute, once the queue runs again), and the
failure is logged. The request that queued it goes on as if it had been queued.

Use: every background task a domain service queues goes through ``enqueue`` (or
``enqueue_with_transaction`` when it follows a write in the same transaction), by dotted path;
never django-q2's ``async_task`` directly.
"""

from __future__ import annotations

import logging
import os

from django.db import transaction

logger = logging.getLogger(__name__)

#: Deferred tasks queued again per ``retry_deferred`` run.
RETRY_BATCH = 500

#: This process's connection to the queue, by process id (a forked worker makes its own).
_brokers: dict[int, object] = {}


def enqueue(func: str, *args, **kwargs) -> None:
    """``async_task`` through one broker per process.

    django-q2 makes a new broker for every task unless given one, and for Redis that is a new
    connection: a TCP handshake and a ``CLIENT SETINFO`` whose library version redis-py reads
    from the installed package's metadata, about 1 ms of a submit's CPU (bench).
    """
    from django_q.brokers import get_broker
    from django_q.tasks import async_task

    try:
        broker = _brokers.get(os.getpid())
        if broker is None:
            _brokers.clear()
            broker = _brokers[os.getpid()] = get_broker()
        async_task(func, *args, broker=broker, **kwargs)
    except Exception as exc:  # the broker's errors are its own (redis-py's, ...)
        from django_q.conf import Conf

        if Conf.ORM:  # the queue is the database: its failure is the request's own
            raise
        _defer(func, args, kwargs, exc)


def _defer(func: str, args, kwargs, exc: Exception) -> None:
    from learning.models import DeferredTask

    logger.error("task queue: %s could not be queued (%s); kept to retry", func, exc)
    DeferredTask.objects.create(
        func=func, args=list(args), kwargs=dict(kwargs), last_error=str(exc)[:2000]
    )


def retry_deferred() -> int:
    """Queue again the tasks the broker refused; those it refuses again stay for the next run.

    Each row is deleted in the same transaction that queues it, so a task is queued once even
    when two runs overlap (``select_for_update(skip_locked=True)`` on PostgreSQL).
    """
    from django_q.tasks import async_task

    from learning.models import DeferredTask

    queued = 0
    with transaction.atomic():
        pending = DeferredTask.objects.select_for_update(skip_locked=True)[:RETRY_BATCH]
        for task in pending:
            try:
                async_task(task.func, *task.args, **task.kwargs)
            except Exception as exc:  # noqa: BLE001 - the broker's own errors, kept for the next run
                DeferredTask.objects.filter(pk=task.pk).update(
                    tries=task.tries + 1, last_error=str(exc)[:2000]
                )
                break
            task.delete()
            queued += 1
    return queued


def enqueue_with_transaction(func: str, *args, **kwargs) -> None:
    from django_q.conf import Conf

    # Synchronous runs (tests) execute at once: they wait for the commit like any broker.
    if Conf.ORM and not Conf.SYNC and transaction.get_connection(Conf.ORM).in_atomic_block:
        enqueue(func, *args, **kwargs)
    else:
        transaction.on_commit(lambda: enqueue(func, *args, **kwargs))
