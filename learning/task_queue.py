"""Queueing background work that belongs to a database transaction.

A task that follows a write (grading done: award the points) must run only if the write
commits. With a broker outside the database (Redis) that means queueing after the commit
(``on_commit``). With django-q2's ORM broker (the embedded default) the task is itself a row in
the same database, so it is written inside the transaction: it commits or rolls back with the
write, cannot be lost between the commit and the queueing, and on SQLite the request takes the
database's single write lock once instead of twice (bench/RESULTS.md, submit).
"""

from __future__ import annotations

import os

from django.db import transaction

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

    broker = _brokers.get(os.getpid())
    if broker is None:
        _brokers.clear()
        broker = _brokers[os.getpid()] = get_broker()
    async_task(func, *args, broker=broker, **kwargs)


def enqueue_with_transaction(func: str, *args, **kwargs) -> None:
    from django_q.conf import Conf

    # Synchronous runs (tests) execute at once: they wait for the commit like any broker.
    if Conf.ORM and not Conf.SYNC and transaction.get_connection(Conf.ORM).in_atomic_block:
        enqueue(func, *args, **kwargs)
    else:
        transaction.on_commit(lambda: enqueue(func, *args, **kwargs))
