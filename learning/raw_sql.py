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
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


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


class _Reader(NamedTuple):
    """How to turn a model's columns into an instance."""

    model: type[models.Model]
    attnames: list[str]
    columns: list
    converters: list[tuple[int, Callable]]
    pk_index: int

    def convert(self, values: Sequence) -> list:
        values = list(values)
        for index, converter in self.converters:
            values[index] = converter(values[index], self.columns[index], connection)
        return values

    def build(self, values: Sequence) -> models.Model:
        return self.model.from_db(connection.alias, self.attnames, self.convert(values))


#: Per database connection (converters are its backend's bound methods): model -> _Reader.
_readers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _converters(columns: Sequence) -> list[tuple[int, Callable]]:
    # The converters the ORM's compiler would apply (booleans and datetimes on SQLite, JSON...).
    return [
        (index, converter)
        for index, col in enumerate(columns)
        if col is not None
        for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    ]


def _reader(model: type[models.Model]) -> _Reader:
    """Worked out once per model and connection: looking the converters up cost as much as
    the read itself."""
    known = _readers.setdefault(connections[DEFAULT_DB_ALIAS], {})
    if model not in known:
        fields = model._meta.concrete_fields
        attnames = [field.attname for field in fields]
        columns = [field.get_col(model._meta.db_table) for field in fields]
        pk_index = attnames.index(model._meta.pk.attname)
        known[model] = _Reader(model, attnames, columns, _converters(columns), pk_index)
    return known[model]


def fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_together(statements: Sequence[tuple[str, Sequence]]) -> list[list[tuple]]:
    """The rows of several independent reads: on PostgreSQL sent together in one round trip
    (psycopg's pipeline mode), elsewhere one after the other.

    Why: a request's database time on PostgreSQL is mostly its round trips, and reads that
    do not depend on each other (a practice question and the learner's points for it) need
    not wait for each other.
    """
    if connection.vendor != "postgresql" or len(statements) < 2:
        return [fetch(sql, params) for sql, params in statements]
    connection.ensure_connection()
    cursors = [connection.cursor() for _ in statements]
    try:
        with connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
            return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def rows(sql: str, params: Sequence, fields: Sequence[models.Field | None]) -> list[Sequence]:
    """Rows of ``sql``, whose columns are those of ``fields`` (of any models) in order, each
    value converted as the ORM's compiler would; ``None`` instead of a field keeps that column
    as the database returns it."""
    return converted_rows(fetch(sql, params), fields)


def converted_rows(found: Sequence[Sequence], fields: Sequence[models.Field | None]) -> list:
    """``rows`` of rows already fetched (``fetch_together``)."""
    columns, converters = _field_converters(fields)
    if not converters:
        return found
    converted = []
    for row in found:
        row = list(row)
        for index, converter in converters:
            row[index] = converter(row[index], columns[index], connection)
        converted.append(row)
    return converted


#: Per connection, the converters of each list of fields read by ``rows``.
_field_lists: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _field_converters(fields: Sequence[models.Field | None]) -> tuple[list, list]:
    known = _field_lists.setdefault(connections[DEFAULT_DB_ALIAS], {})
    # Fields live as long as their models, so their identities name them.
    key = tuple(map(id, fields))
    if key not in known:
        columns = [
            None if field is None else field.get_col(field.model._meta.db_table) for field in fields
        ]
        known[key] = (columns, _converters(columns))
    return known[key]


def instances(
    model: type[models.Model],
    sql: str,
    params: Sequence,
    *,
    related: Sequence[str] = (),
    annotations: Sequence[str] = (),
) -> list[models.Model]:
    """Model instances from rows of ``sql``, whose columns are ``select_list(model, ...)``,
    then ``select_list`` of the model of each forward foreign key named in ``related`` (attached
    as ``select_related`` attaches them), then one column per name of ``annotations`` (set as
    ``annotate()`` sets them; raw database values, no converters)."""
    return instances_from(model, fetch(sql, params), related=related, annotations=annotations)


def instances_from(
    model: type[models.Model],
    found: Sequence[Sequence],
    *,
    related: Sequence[str] = (),
    annotations: Sequence[str] = (),
) -> list[models.Model]:
    """``instances`` of rows already fetched (``fetch_together``)."""
    readers = [_reader(model)] + [
        _reader(model._meta.get_field(name).related_model) for name in related
    ]
    links = [model._meta.get_field(name) for name in related]
    instances = []
    for row in found:
        start, built = 0, []
        for reader in readers:
            built.append(reader.build(row[start : start + len(reader.attnames)]))
            start += len(reader.attnames)
        instance = built[0]
        for link, other in zip(links, built[1:], strict=True):
            link.set_cached_value(instance, other)
        for name, value in zip(annotations, row[start:], strict=True):
            setattr(instance, name, value)
        instances.append(instance)
    return instances


def rows_to_instances(model: type[models.Model], found: Sequence[Sequence]) -> list[models.Model]:
    """Model instances from rows already read whose first columns are ``select_list(model, ...)``
    (further columns, as in a ``UNION`` of several reads, are ignored)."""
    reader = _reader(model)
    return [reader.build(row[: len(reader.attnames)]) for row in found]


def joined(
    model_list: Sequence[type[models.Model]], sql: str, params: Sequence
) -> list[tuple[models.Model | None, ...]]:
    """Rows of a join as tuples of instances, one per model of ``model_list``.

    The columns of ``sql`` are ``select_list`` of each model in turn. A model whose primary
    key is NULL in a row (an outer join that found nothing) is None there; one whose primary
    key repeats from the row before (the "one" side of a one-to-many join) is the same
    instance, built once.
    """
    return joined_rows(model_list, fetch(sql, params))


def joined_rows(
    model_list: Sequence[type[models.Model]], fetched: Sequence[Sequence]
) -> list[tuple[models.Model | None, ...]]:
    """``joined`` of rows already fetched (``fetch_together``)."""
    readers = [_reader(model) for model in model_list]
    found: list[tuple[models.Model | None, ...]] = []
    previous: tuple[models.Model | None, ...] = (None,) * len(readers)
    for row in fetched:
        start, built = 0, []
        for reader, before in zip(readers, previous, strict=True):
            values = row[start : start + len(reader.attnames)]
            start += len(reader.attnames)
            pk = values[reader.pk_index]
            if pk is None or (before is not None and before.pk == pk):
                built.append(None if pk is None else before)
                continue
            built.append(reader.build(values))
        previous = tuple(built)
        found.append(previous)
    return found
