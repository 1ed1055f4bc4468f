"""Writing many rows in as few statements as each database engine allows: a row inserted with
its children, a few fields of many model instances updated, writes made only while a locked
row is in a given state, and the answer to whether work should be done before a write lock.

Why: the exam's hot writes (an attempt's start with its 80 questions, an autosave, a submit's
80 grades) spent more of their time in Django composing ``bulk_create``/``bulk_update`` and in
round trips than in the database (bench/RESULTS.md, sessions 4 to 6). Each function here
writes its statement from the models' metadata (renamed columns keep working) and sends the
values through each field's own conversion, so JSON, decimals and datetimes are stored exactly
as the ORM stores them.

Use: by a domain service for a write that bench/RESULTS.md shows the ORM at least 1.5 times
slower on its endpoint, the measurement cited beside the call. The engines differ in how
(PostgreSQL: one statement with ``WITH`` and ``unnest``, atomic by itself and one round trip;
SQLite: several prepared statements in one transaction, where round trips cost nothing); that
difference stays in this module, and the domain calls one function per write.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection, models, transaction

from learning.platform import raw_sql

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# A row and its children


def insert_with_children(
    *,
    parent: type[models.Model],
    parent_fields: tuple[str, ...],
    parent_values: Sequence,
    child: type[models.Model],
    link: str,
    child_fields: tuple[str, ...],
    child_rows: Sequence[Sequence],
    child_literals: tuple[tuple[str, str], ...] = (),
) -> int:
    """Insert one row of ``parent`` (``parent_values`` of ``parent_fields``, prepared for the
    database) and ``child_rows`` of ``child`` (values of ``child_fields``, prepared; a
    JSONField's as JSON text), each linked to it by the foreign key ``link``; returns the
    parent's primary key. ``child_literals`` are (field, SQL literal) pairs written into every
    child row as text, the same for every call (the defaults the ORM would write), so the
    statement text, and the plan prepared for it, repeat.

    All or nothing: a refused parent (``IntegrityError``) writes no child. PostgreSQL takes
    both in one statement (the children as one array per column, ``unnest``), atomic by itself:
    no transaction, so no BEGIN and COMMIT round trips; inside the caller's transaction a
    savepoint, so a refused insert leaves it usable. SQLite takes two statements in one
    transaction.
    """
    with _atomic_unless_one_statement(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = _parent_and_children_sql(
                parent, parent_fields, child, link, child_fields, child_literals
            )
            arrays = [list(column) for column in zip(*child_rows, strict=True)]
            cursor.execute(sql, [*parent_values, *arrays])
            return cursor.fetchone()[0]
        cursor.execute(_insert_sql(parent, parent_fields), list(parent_values))
        parent_id = cursor.lastrowid
        cursor.execute(
            _children_sql(child, link, child_fields, child_literals, len(child_rows)),
            [value for row in child_rows for value in (parent_id, *row)],
        )
        return parent_id


def _atomic_unless_one_statement():
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _columns(model: type[models.Model], names) -> str:
    return ", ".join(raw_sql.column(model, name) for name in names)


@functools.cache
def _insert_sql(model: type[models.Model], fields: tuple[str, ...]) -> str:
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {raw_sql.table(model)} ({_columns(model, fields)}) VALUES ({marks})"  # noqa: S608


@functools.cache
def _children_sql(child, link, fields, literals, count: int) -> str:
    """SQLite: the children as one ``VALUES`` list of ``count`` rows."""
    row = ", ".join(["%s"] * (1 + len(fields)) + [literal for _name, literal in literals])
    names = (link, *fields, *(name for name, _literal in literals))
    return (
        f"INSERT INTO {raw_sql.table(child)} ({_columns(child, names)}) "  # noqa: S608
        f"VALUES {', '.join([f'({row})'] * count)}"
    )


@functools.cache
def _parent_and_children_sql(parent, parent_fields, child, link, child_fields, literals) -> str:
    """PostgreSQL: the parent, then its children from one array per column, in one statement
    (a parameter bound on the server has no type: each is cast to its column's)."""
    meta = child._meta
    is_json = [isinstance(meta.get_field(name), models.JSONField) for name in child_fields]
    casts = [
        "text" if json else meta.get_field(name).db_type(connection)
        for name, json in zip(child_fields, is_json, strict=True)
    ]
    arrays = ", ".join(f"CAST(%s AS {cast}[])" for cast in casts)
    parent_casts = ", ".join(
        f"CAST(%s AS {parent._meta.get_field(name).db_type(connection)})" for name in parent_fields
    )
    aliases = [f"c{index}" for index in range(len(child_fields))]
    selected = ", ".join(
        f"CAST(v.{alias} AS {meta.get_field(name).db_type(connection)})" if json else f"v.{alias}"
        for alias, name, json in zip(aliases, child_fields, is_json, strict=True)
    )
    pk = raw_sql.quote(parent._meta.pk.column)
    names = (link, *child_fields, *(name for name, _literal in literals))
    literal_values = "".join(f", {literal}" for _name, literal in literals)
    return (
        f"WITH p AS (INSERT INTO {raw_sql.table(parent)} "  # noqa: S608
        f"({_columns(parent, parent_fields)}) VALUES ({parent_casts}) RETURNING {pk}), "
        f"c AS (INSERT INTO {raw_sql.table(child)} ({_columns(child, names)}) "
        f"SELECT p.{pk}, {selected}{literal_values} "
        f"FROM p, unnest({arrays}) v({', '.join(aliases)})) "
        f"SELECT {pk} FROM p"
    )


# ---------------------------------------------------------------------------------------------
# Fields of many instances

#: One write: the model, its rows (instances, or anything with ``pk`` and the fields'
#: attributes) and the field names to write.
Write = tuple[type[models.Model], list, tuple[str, ...]]


def update_rows(model: type[models.Model], rows: list, field_names) -> None:
    """Write these fields of each row (a model instance, or anything with ``pk`` and the
    fields' attributes).

    SQLite runs one prepared ``UPDATE`` per row (``executemany``: no round trips to pay).
    PostgreSQL gets one ``UPDATE … FROM`` the rows' values for several rows: as many
    statements as rows cost it more to start than to run.
    """
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 1:
            cursor.execute(*_values_update(model, rows, field_names))
            return
        sql = _update_sql(model, tuple(field_names))
        params = _row_params(model, rows, field_names)
        if len(params) == 1:
            # psycopg's executemany runs a pipeline, an extra exchange for a single row.
            cursor.execute(sql, params[0])
        else:
            cursor.executemany(sql, params)


@functools.cache
def _update_sql(model: type[models.Model], field_names: tuple[str, ...]) -> str:
    meta = model._meta
    assignments = ", ".join(f"{raw_sql.column(model, name)} = %s" for name in field_names)
    return f"UPDATE {raw_sql.table(model)} SET {assignments} WHERE {raw_sql.quote(meta.pk.column)} = %s"  # noqa: S608


def update_together(*writes: Write) -> None:
    """Several ``update_rows`` at once; no row in two of them.

    On PostgreSQL in one statement (each but the last in a ``WITH``): a submit's grades and
    its attempt's new state were two round trips to the database inside its transaction.
    """
    writes = tuple(write for write in writes if write[1])
    if connection.vendor != "postgresql" or len(writes) < 2:
        for write in writes:
            update_rows(*write)
        return
    statements = [_values_update(*write) for write in writes]
    sql = "WITH " + ", ".join(
        f"write{index} AS ({update})" for index, (update, _params) in enumerate(statements[:-1])
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql} {statements[-1][0]}", [p for _sql, params in statements for p in params]
        )


def update_if_in_state(
    *, model: type[models.Model], pk: int, field: str, value, writes: Sequence[Write]
) -> bool:
    """Make ``writes`` (no row in two of them) only if the row ``pk`` of ``model`` has
    ``field`` equal to ``value`` once it is locked; whether it had.

    A writer holding the lock (a submit closing an attempt) is waited for, and the state read
    after it. PostgreSQL: one statement (the locked read in a ``WITH`` that each write joins),
    without a transaction's BEGIN and COMMIT, two of an autosave's five round trips. SQLite:
    the read and the writes in one transaction, which holds its one write lock.
    """
    writes = [write for write in writes if write[1]]
    # SQLite has no row locks: its IMMEDIATE transactions (settings) hold its one write lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    pk_column = raw_sql.quote(model._meta.pk.column)
    guard = (
        f"SELECT {pk_column} FROM {raw_sql.table(model)} "  # noqa: S608
        f"WHERE {pk_column} = %s AND {raw_sql.column(model, field)} = %s{lock}"
    )
    if connection.vendor != "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(guard, [pk, value])
            if cursor.fetchone() is None:
                return False
            for write in writes:
                update_rows(*write)
            return True
    sql = f"WITH open AS ({guard})"
    params: list = [pk, value]
    for index, write in enumerate(writes):
        update, values = _values_update(*write, also_from="open")
        sql += f", write{index} AS ({update})"
        params += values
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} SELECT COUNT(*) FROM open", params)  # noqa: S608
        return cursor.fetchone()[0] == 1


def prepared_before_write_lock(prepare: Callable[[], T]) -> T | None:
    """``prepare()`` run now where the database admits one writer at a time (SQLite), None
    elsewhere.

    Why: on SQLite a writing transaction blocks every other writer, so the reads and the
    computation a write needs are best done before it, and only checked under the lock
    (a submit grades the saved answers first, then compares them with those saved by the time
    it holds the lock). With row locks (PostgreSQL) the same work under the lock costs nobody
    else anything and saves a round trip. Use: when the caller has both orders written, and
    the result of ``prepare`` stays valid only if it is checked under the lock.
    """
    return prepare() if connection.vendor == "sqlite" else None


#: Up to this many rows are written from a ``VALUES`` list, more from arrays (``unnest``).
FEW_ROWS = 16


def _values_update(
    model: type[models.Model], rows: list, field_names, *, also_from: str = ""
) -> tuple[str, list]:
    """PostgreSQL: one ``UPDATE … FROM`` a list of the rows' new values, and its parameters.

    Both forms are prepared and planned once per connection, each for its own reason. An
    autosave's few rows come as ``VALUES``: the row count is in the text, so the generic plan
    is as cheap as a fresh one and PostgreSQL keeps it (from arrays of unknown length it
    planned every autosave anew: 0.8 ms). A submit's 80 come as one array per column: the
    same text for any count, where 240 placeholders made psycopg parse the text on every
    submit (1 ms). ``also_from`` names one more row source (a ``WITH`` query): when it holds
    no row, nothing is written (``update_if_in_state``).
    """
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in field_names]
    columns = [quote(field.column) for field in fields] + [quote(meta.pk.column)]
    # Each value cast to its column's type: a parameter bound on the server has none.
    casts = [field.db_type(connection) for field in fields] + [meta.pk.db_type(connection)]
    params = _row_params(model, rows, field_names)
    if len(rows) <= FEW_ROWS:
        row = "(" + ", ".join(f"CAST(%s AS {cast})" for cast in casts) + ")"
        values = f"(VALUES {', '.join([row] * len(rows))})"
        params = [value for row_params in params for value in row_params]
    else:
        values = "unnest(" + ", ".join(f"CAST(%s AS {cast}[])" for cast in casts) + ")"
        params = [list(column) for column in zip(*params, strict=True)]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns[:-1])
    pk = columns[-1]
    source = f"{also_from}, " if also_from else ""
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
        f"FROM {source}{values} v({', '.join(columns)}) "
        f"WHERE {quote(meta.db_table)}.{pk} = v.{pk}"
    )
    return sql, params


def _row_params(model: type[models.Model], rows: list, field_names) -> list[list]:
    """Each row's values prepared by its fields, then its primary key.

    Prepared once per distinct row of values (a submit's 80 grades are a handful), unless
    JSON is among them (JSON tells ``1`` from ``true``, which compare equal).
    """
    fields = [model._meta.get_field(name) for name in field_names]
    names = [field.attname for field in fields]
    known = None if any(isinstance(field, models.JSONField) for field in fields) else {}
    params = []
    for row in rows:
        values = tuple(getattr(row, name) for name in names)
        prepared = None if known is None else known.get(values)
        if prepared is None:
            prepared = [
                field.get_db_prep_save(value, connection)
                for field, value in zip(fields, values, strict=True)
            ]
            if known is not None:
                known[values] = prepared
        params.append([*prepared, row.pk])
    return params
