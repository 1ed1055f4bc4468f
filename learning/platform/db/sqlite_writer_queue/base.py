"""SQLite backend whose write transactions queue on a file lock and start as soon as it is free.

With ``transaction_mode: IMMEDIATE`` every ``atomic()`` block starts with ``BEGIN IMMEDIATE``,
which takes SQLite's write lock. A connection that finds it taken waits in SQLite's busy
handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between attempts and is
never told when the lock is freed. Our write transactions last about 2 ms, so under several
gunicorn workers a waiting writer sleeps far longer than the transaction it waits for, and
those sleeps, not the work, bound how many exam submissions per second one database takes.

Here each writer first takes an exclusive ``flock`` on ``<database>.writelock`` (polled every
50-500 µs, see ``write_lock``) and only then runs ``BEGIN IMMEDIATE``; it lets go right after
COMMIT or ROLLBACK. The writer before it has then committed, so SQLite's lock is free and
the busy handler does not sleep. The file lock is advisory: writers that do not queue
(autocommit statements outside ``atomic()``, other programs) still meet SQLite's own lock and
busy timeout as before.

A writer that cannot take the file lock within the connection's ``timeout`` option goes on to
``BEGIN IMMEDIATE`` without it, so a stuck holder costs the same busy timeout and "database is
locked" error as before rather than a hang. In-memory databases (one process only) and other
transaction modes are left exactly as Django's backend handles them.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import unquote, urlsplit

from django.db.backends.sqlite3 import base as sqlite3_base
from django.db.backends.sqlite3 import features as sqlite3_features
from django.utils.functional import cached_property

from .write_lock import WriteLock

#: The sqlite3 module's busy timeout (seconds) when the ``timeout`` option is not given.
DEFAULT_TIMEOUT = 5.0


def write_lock_path(database_name: object) -> str:
    """The lock file beside a database given by path or by ``file:`` URI (Django opens URIs)."""
    name = str(database_name)
    if name.startswith("file:"):
        name = unquote(urlsplit(name).path)
    return f"{name}.writelock"


class DatabaseFeatures(sqlite3_features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        """The variables one statement may hold, as this SQLite library was built (32766
        since SQLite 3.32) rather than Django 5.2's fixed 999 (Django 6.0 asks the library
        too). Bulk writes take this many values a statement: a 1,000-row roster batch is one
        INSERT per table, not one per 80 rows (issue 21)."""
        with self.connection.temporary_connection() as cursor:
            return cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    """Django's SQLite connection, taking the writers' file lock around each transaction."""

    features_class = DatabaseFeatures

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write_lock: WriteLock | None = None

    def _start_transaction_under_autocommit(self):
        # The outermost atomic() block only: savepoints run inside the transaction it began.
        if lock := self._queue():
            lock.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            # The next connection opens the lock file again: the test runner, for one,
            # renames the database between two connections.
            if self._write_lock is not None:
                self._write_lock.close()
                self._write_lock = None

    def _queue(self) -> WriteLock | None:
        if self.transaction_mode != "IMMEDIATE" or self.is_in_memory_db():
            return None
        if self._write_lock is None:
            self._write_lock = WriteLock(write_lock_path(self.settings_dict["NAME"]))
        return self._write_lock

    def _leave_queue(self) -> None:
        if self._write_lock is not None:
            self._write_lock.release()
