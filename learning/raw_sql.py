"""Hand-written SQL for the few reads that every API request makes.

Django spends about 0.3 ms of CPU building and compiling an ORM query; for a request whose
useful work is one or two indexed reads that is most of its cost (bench/RESULTS.md). The hot
reads (the bearer token, a learner's answers...) therefore keep their SQL text, built once from
the models' metadata so that renamed columns still work, and turn rows back into model
instances with ``Model.from_db``: callers keep working with models, and values go through the
fields' own converters exactly as with the ORM.
"""

from __future__ import annotations

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
    return [row[0] for row in joined([model], sql, params)]


def joined(
    model_list: Sequence[type[models.Model]], sql: str, params: Sequence
) -> list[tuple[models.Model | None, ...]]:
    """Rows of a join as tuples of instances, one per model of ``model_list``.

    The columns of ``sql`` are ``select_list`` of each model in turn. A model whose primary
    key is NULL in a row (an outer join that found nothing) is None there; one whose primary
    key repeats from the row before (the "one" side of a one-to-many join) is the same
    instance, built once.
    """
    readers = [_reader(model) for model in model_list]
    found: list[tuple[models.Model | None, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    previous: tuple[models.Model | None, ...] = (None,) * len(readers)
    for row in rows:
        start, built = 0, []
        for (model, attnames, columns, converters, pk_index), before in zip(
            readers, previous, strict=True
        ):
            values = row[start : start + len(attnames)]
            start += len(attnames)
            pk = values[pk_index]
            if pk is None or (before is not None and before.pk == pk):
                built.append(None if pk is None else before)
                continue
            if converters:
                values = list(values)
                for index, converter in converters:
                    values[index] = converter(values[index], columns[index], connection)
            built.append(model.from_db(connection.alias, attnames, values))
        previous = tuple(built)
        found.append(previous)
    return found


def _reader(model: type[models.Model]):
    """How to build ``model`` from its columns, worked out once per model and connection."""
    readers = getattr(connection, "_raw_sql_readers", None)
    if readers is None:
        # Kept on the (thread's) connection: the converters are the backend's bound methods.
        readers = connection._raw_sql_readers = {}
    if model not in readers:
        fields = model._meta.concrete_fields
        attnames = [field.attname for field in fields]
        # The converters the ORM's compiler would apply (booleans and datetimes on SQLite,
        # JSON...).
        columns = [field.get_col(model._meta.db_table) for field in fields]
        converters = [
            (index, converter)
            for index, col in enumerate(columns)
            for converter in connection.ops.get_db_converters(col)
            + col.get_db_converters(connection)
        ]
        pk_index = attnames.index(model._meta.pk.attname)
        readers[model] = (model, attnames, columns, converters, pk_index)
    return readers[model]
