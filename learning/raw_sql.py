"""Hand-written SQL for the few reads that every API request makes.

Django spends about 0.3 ms of CPU building and compiling an ORM query; for a request whose
useful work is one or two indexed reads that is most of its cost (bench/RESULTS.md). The hot
reads (the bearer token, a learner's answers...) therefore keep their SQL text, built once from
the models' metadata so that renamed columns still work, and turn rows back into model
instances with ``Model.from_db``: callers keep working with models, and values go through the
fields' own converters exactly as with the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from django.db import connection, models


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return quote(model._meta.db_table)


def column(model: type[models.Model], field_name: str) -> str:
    """The quoted column of a field (``"user_id"`` for ``user``)."""
    return quote(model._meta.get_field(field_name).column)


def select_list(model: type[models.Model], alias: str) -> str:
    """``alias."col1", alias."col2", ...`` for every concrete field, in ``from_db`` order."""
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def db_datetime(value: datetime):
    """A datetime as the backend expects it in a parameter (text on SQLite, aware on PostgreSQL)."""
    return connection.ops.adapt_datetimefield_value(value)


def instances(model: type[models.Model], sql: str, params: Sequence) -> list[models.Model]:
    """Model instances from rows of ``sql``, whose columns are ``select_list(model, ...)``."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return rows_to_instances(model, cursor.fetchall())


def rows_to_instances(model: type[models.Model], rows: Sequence[Sequence]) -> list[models.Model]:
    """Model instances from rows whose first columns are ``select_list(model, ...)`` (further
    columns, as in a ``UNION`` of several reads, are ignored)."""
    attnames, columns, converters = _conversion(model, connection.vendor)
    found = []
    for row in rows:
        row = list(row[: len(attnames)])
        for index, converter in converters:
            row[index] = converter(row[index], columns[index], connection)
        found.append(model.from_db(connection.alias, attnames, row))
    return found


@functools.cache
def _conversion(model: type[models.Model], vendor: str) -> tuple[list, list, list]:
    """The attribute names, columns and converters of the model's fields (by backend: working
    them out cost as much as the read)."""
    fields = model._meta.concrete_fields
    # The converters the ORM's compiler would apply (booleans and datetimes on SQLite, JSON...).
    columns = [field.get_col(model._meta.db_table) for field in fields]
    converters = [
        (index, converter)
        for index, col in enumerate(columns)
        for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    ]
    return [field.attname for field in fields], columns, converters
