"""Hand-written SQL for the few reads that every API request makes.

Django spends about 0.3 ms of CPU building and compiling an ORM query; for a request whose
useful work is one or two indexed reads that is most of its cost (bench/RESULTS.md). The hot
reads (the bearer token, a learner's answers...) therefore keep their SQL text, built once from
the models' metadata so that renamed columns still work, and turn rows back into model
instances with ``Model.from_db``: callers keep working with models, and values go through the
fields' own converters exactly as with the ORM.
"""

from __future__ import annotations

import weakref
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


def rows(sql: str, params: Sequence, fields: Sequence[models.Field | None]) -> list[Sequence]:
    """Rows of ``sql``, whose columns are those of ``fields`` (of any models) in order, each
    value converted as the ORM's compiler would (booleans and datetimes on SQLite, JSON...);
    ``None`` instead of a field keeps that column as the database returns it."""
    columns, converters = _converters(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not converters:
        return found
    converted = []
    for row in found:
        row = list(row)
        for index, converter in converters:
            row[index] = converter(row[index], columns[index], connection)
        converted.append(row)
    return converted


#: Per connection (its operations object), the converters of each list of fields read: working
#: them out took longer than reading a row.
_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _converters(fields: Sequence[models.Field | None]) -> tuple[list, list]:
    """The fields' columns and ``(index, converter)`` for those that convert what is read."""
    known = _CONVERTERS.setdefault(connection.ops, {})
    # Fields live as long as their models, so their identities name them.
    key = tuple(map(id, fields))
    found = known.get(key)
    if found is None:
        columns = [
            None if field is None else field.get_col(field.model._meta.db_table) for field in fields
        ]
        converters = [
            (index, converter)
            for index, col in enumerate(columns)
            if col is not None
            for converter in connection.ops.get_db_converters(col)
            + col.get_db_converters(connection)
        ]
        known[key] = found = (columns, converters)
    return found


def instances(
    model: type[models.Model], sql: str, params: Sequence, *, related: Sequence[str] = ()
) -> list[models.Model]:
    """Model instances from rows of ``sql``, whose columns are ``select_list(model, ...)``.

    ``related`` names forward foreign keys whose models' ``select_list`` follow in each row, in
    that order; their instances are attached as ``select_related`` attaches them.
    """
    joined = [model] + [model._meta.get_field(name).related_model for name in related]
    fields = [list(each._meta.concrete_fields) for each in joined]
    attnames = [[field.attname for field in group] for group in fields]
    found = []
    for row in rows(sql, params, [field for group in fields for field in group]):
        built, start = [], 0
        for each, names in zip(joined, attnames, strict=True):
            built.append(each.from_db(connection.alias, names, row[start : start + len(names)]))
            start += len(names)
        for name, instance in zip(related, built[1:], strict=True):
            model._meta.get_field(name).set_cached_value(built[0], instance)
        found.append(built[0])
    return found
