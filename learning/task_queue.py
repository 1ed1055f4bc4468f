"""Queueing background work that belongs to a database transaction.

A task that follows a write (grading done: award the points) must run only if the write
commits. With a broker outside the database (Redis) that means queueing after the commit
(``on_commit``). With django-q2's ORM broker (the embedded default) the task is itself a row in
the same database, so it is written inside the transaction: it commits or rolls back with the
write, cannot be lost between the commit and the queueing, and on SQLite the request takes the
database's single write lock once instead of twice (bench/RESULTS.md, submit).
"""

from __future__ import annotations

from django.db import transaction


def enqueue_with_transaction(func: str, *args, **kwargs) -> None:
    from django_q.conf import Conf
    from django_q.tasks import async_task

    # Synchronous runs (tests) execute at once: they wait for the commit like any broker.
    if Conf.ORM and not Conf.SYNC and transaction.get_connection(Conf.ORM).in_atomic_block:
        async_task(func, *args, **kwargs)
    else:
        transaction.on_commit(lambda: async_task(func, *args, **kwargs))
