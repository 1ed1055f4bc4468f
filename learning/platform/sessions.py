"""Database-backed sessions whose read is hand-written SQL (``SESSION_ENGINE`` without Redis).

Every page a logged-in visitor opens loads their session first, and Django's database store
reads it through the ORM, whose compilation of that one indexed read cost more than the read
(bench/RESULTS.md). This store reads the same row, under the same conditions (the key, not
expired), with ``learning.platform.raw_sql``; writing, expiry and everything else are Django's. With
Redis the sessions come from the shared cache (``cached_db``) and seldom reach the database.

Use: none from domain code; ``SESSION_ENGINE`` names it (without Redis).
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.db import models
from django.utils import timezone

from learning.platform import raw_sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = raw_sql.instances(
            self.model,
            _session_sql(self.model),
            [self.session_key, raw_sql.db_datetime(timezone.now())],
        )
        if found:
            return found[0]
        # As Django's store does: an unknown or expired key is forgotten, and a new one made.
        self._session_key = None
        return None


@functools.cache
def _session_sql(model: type[models.Model]) -> str:
    # Measured, ORM against this SQL (Django's database store's read): SQLite 0.240 against 0.043 ms
    # CPU a call (5.6x), PostgreSQL 0.396 against 0.131 (3.0x); bench/orm_vs_sql.py, 2026-12-07,
    # 2,000 learners, medians of 15 rounds of 200 calls, bench/RESULTS.md "Session 7".
    col = raw_sql.column
    return (
        f"SELECT {raw_sql.select_list(model, 's')} FROM {raw_sql.table(model)} s "  # noqa: S608
        f"WHERE s.{col(model, 'session_key')} = %s AND s.{col(model, 'expire_date')} > %s"
    )
