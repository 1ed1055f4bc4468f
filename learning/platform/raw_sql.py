"""Hand-written SQL for the few reads that every API request makes, and every difference
between the database engines (PostgreSQL, SQLite) that domain code would otherwise branch on.

Django spends about 0.3 ms of CPU building and compiling an ORM query; for a request whose
useful work is one or two indexed reads that is most of its cost (bench/RESULTS.md). The hot
reads (the bearer token, a learner's answers...) therefore keep their SQL text, built once from
the models' metadata so that renamed columns still work, and turn rows back into model
instances with ``Model.from_db``: callers keep working with models, and values go through the
fields' own converters exactly as with the ORM.

Use: only for a statement that bench/RESULTS.md shows the ORM version at least 1.5 times
slower on its endpoint, with that measurement cited next to the statement; everything else is
the ORM. An engine difference (PostgreSQL's pipeline, ``COPY``, ``unnest``, ``LOCK TABLE``;
SQLite's ``PRAGMA``) stays in this module, behind one function the domain calls.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from contextlib import contextmanager
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


def write_together(statements: Sequence[tuple[str, Sequence]]) -> int:
    """Run several writes (``INSERT``/``UPDATE``/``DELETE`` without ``RETURNING``, none
    reading another's rows) all or nothing; how many rows the last one changed.

    Why: for a write of two statements on PostgreSQL, a transaction's BEGIN and COMMIT were
    two of its four round trips; there the writes go as one statement (each but the last in
    a ``WITH``), which is atomic by itself. SQLite, where round trips cost nothing, runs them
    one after the other in one transaction. Use: for writes small and frequent enough that
    those round trips show on their endpoint (a practice answer that earns no points).
    """
    if connection.vendor == "postgresql" and len(statements) > 1:
        sql = "WITH " + ", ".join(
            f"write{index} AS ({text})" for index, (text, _params) in enumerate(statements[:-1])
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} {statements[-1][0]}", [p for _text, params in statements for p in params]
            )
            return cursor.rowcount
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for text, params in statements:
            cursor.execute(text, params)
        return cursor.rowcount


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


def insert_rows(model: type[models.Model], rows: Sequence[dict]) -> None:
    """Insert ``rows`` (attname -> value) of ``model`` as ``bulk_create`` would (the other
    fields take their defaults, ``auto_now``/``auto_now_add`` dates the current time), many
    rows a statement. No instances and no primary keys come back: read them if needed.

    Why: ``bulk_create`` compiles every value of every object through the ORM's compiler,
    most of a 65,000-learner roster import. Measured on a batch as ``learning.accounts.roster``
    writes it (1,000 users and their profiles, and for these statements the read of the new
    users' ids too; medians of 9 runs, four rounds, 2 busy cores): SQLite ``bulk_create``
    0.24-0.41 s, these statements 0.03-0.06 s; PostgreSQL ``bulk_create`` 0.12-0.22 s,
    these statements (then ``INSERT ... SELECT FROM unnest``) 0.08 s. PostgreSQL gets the
    rows by ``COPY``, SQLite as many rows a statement as it takes.
    """
    if not rows:
        return
    from django.utils import timezone

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.has_default() or field.null or field.blank:
            defaults[field.attname] = field.get_default()
    db = connections[DEFAULT_DB_ALIAS]
    # The defaults are the same for every row: prepared for the database once.
    prepared = {
        name: f.get_db_prep_save(defaults[name], db)
        for f in fields
        if (name := f.attname) in defaults
    }
    prepare = [(field.attname, field.get_db_prep_save) for field in fields]
    params = [
        [prep(row[name], db) if name in row else prepared[name] for name, prep in prepare]
        for row in rows
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg writes each value with its C dumpers (arrays for unnest were
            # dumped in Python, a third of the import's time).
            with cursor.cursor.copy(f"COPY {table(model)} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            return
        row_marks = f"({', '.join(['%s'] * len(fields))})"
        per_statement = max(1, connection.features.max_query_params // len(fields))
        for start in range(0, len(params), per_statement):
            chunk = params[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table(model)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row_marks] * len(chunk))}",
                [value for row in chunk for value in row],
            )


@contextmanager
def custom_plans():
    """Inside a transaction: plan every statement for its own parameters (PostgreSQL's
    ``plan_cache_mode``); elsewhere nothing.

    Why: a bulk import repeats ``WHERE phone IN (%s, ... 1,000 values)`` once a batch.
    psycopg prepares a statement after its fifth run, and PostgreSQL's generic plan of a
    prepared IN list cannot hash the list: on a table whose statistics still say empty (the
    rows were inserted by this very transaction) each read compared every row with all 1,000
    values, 0.4 s a batch and 49 of the 75 s of a 65,000-learner import
    (bench/roster_import.py). A plan per execution hashes the list or uses the index.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
    yield


def update_rows(
    model: type[models.Model], rows: Sequence[dict], fields: Sequence[str], *, key: str = "pk"
) -> int:
    """Set ``fields`` (attnames) of the rows whose ``key`` field equals each row's ``key``
    value, every row its own values, in one statement; returns how many rows changed.

    Why: ``bulk_update`` builds a ``CASE WHEN pk = ...`` of every object for every field,
    resolved one by one through the ORM; re-importing a roster with 13,000 changed learners
    spent most of its time there. Measured on a batch as ``learning.accounts.roster`` writes it
    (1,000 users renamed and their profiles changed in three fields, median of 7 runs, 2 busy
    cores): SQLite ``bulk_update`` 1.14 s, these statements 0.05 s; PostgreSQL 1.44 s and
    0.17 s.
    """
    if not rows:
        return 0
    key_field = model._meta.pk if key == "pk" else model._meta.get_field(key)
    targets = [model._meta.get_field(name) for name in fields]
    params = [
        [
            *(field.get_db_prep_save(row[field.attname], connection) for field in targets),
            key_field.get_db_prep_save(row[key if key == "pk" else key_field.attname], connection),
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for all rows: the values arrive as one array per column.
            columns = [*targets, key_field]
            names = [f"c{index}" for index in range(len(columns))]
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
            settings = ", ".join(
                f"{quote(field.column)} = v.{name}"
                for field, name in zip(targets, names, strict=False)
            )
            cursor.execute(
                f"UPDATE {table(model)} t SET {settings} "  # noqa: S608
                f"FROM unnest({arrays}) AS v({', '.join(names)}) "
                f"WHERE t.{quote(key_field.column)} = v.{names[-1]}",
                [list(column) for column in zip(*params, strict=True)],
            )
        else:
            settings = ", ".join(f"{quote(field.column)} = %s" for field in targets)
            cursor.executemany(
                f"UPDATE {table(model)} SET {settings} "  # noqa: S608
                f"WHERE {quote(key_field.column)} = %s",
                params,
            )
        return cursor.rowcount


def date_param() -> str:
    """A placeholder for a date parameter inside an expression (``CASE ... THEN <date>``):
    PostgreSQL needs the type said (``CAST(%s AS DATE)``), SQLite takes the ISO text as is."""
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"


def lock_out_writers(model: type[models.Model]) -> None:
    """Inside a transaction: make other writers of ``model``'s table wait until it ends while
    readers still see the rows as they were (PostgreSQL's ``SHARE ROW EXCLUSIVE``). SQLite
    serialises writers anyway: nothing to do there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table(model)} IN SHARE ROW EXCLUSIVE MODE")


def refresh_statistics(model: type[models.Model], *, vacuum: bool = False) -> None:
    """After a bulk load: PostgreSQL's planner statistics of ``model``'s table (``ANALYZE``),
    and with ``vacuum`` its visibility map too, which index-only scans need (``VACUUM``
    cannot run inside a transaction: skipped there). SQLite plans without them."""
    if connection.vendor != "postgresql":
        return
    if vacuum and connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {table(model)}")


@contextmanager
def bulk_writes():
    """SQLite only, for this connection and this bulk load: no fsync, a large page cache.

    Safe for loads that a rerun repeats (synthetic data, rebuilt totals): a crash loses at
    most what was not yet checkpointed. The previous values are restored afterwards. Inside
    a transaction (tests) SQLite refuses to change them, and nothing is changed. PostgreSQL
    needs none of this: nothing is changed there either.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        saved = {}
        for name, value in (
            ("synchronous", "OFF"),
            ("cache_size", "-262144"),
            ("temp_store", "MEMORY"),
        ):
            cursor.execute(f"PRAGMA {name}")
            saved[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name}={value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in saved.items():
                cursor.execute(f"PRAGMA {name}={int(value)}")


class CompiledOnce:
    """An ORM query whose SQL the ORM writes once per process and database; each call only
    fills in its values.

    Why: building and compiling a queryset with subqueries costs far more CPU than running
    it. The review policy's read, asked on every practice answer, took 4-5 ms of a 11 ms
    request to compile (SQLite, bench data, in-process) and well under 0.1 ms to run; its
    shape never changes, only the learner, the question and the moment.

    Use: ``build(**values)`` returns a queryset whose shape does not depend on the values;
    the values are ints (ids) or aware datetimes, each compared with a column as it is
    (no arithmetic on them in SQL). Each is put in as a sentinel when compiling, and found
    again among the compiled parameters; a value the compiler does not pass as a parameter
    (inlined into the SQL text) is refused at the first call.
    """

    _BASE = -7_316_400_000

    def __init__(self, build: Callable[..., models.QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple[str, list]] = {}

    def __call__(self, **values) -> tuple[str, tuple]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            compiled = self._compiled[connection.vendor] = self._compile(values)
        sql, slots = compiled
        prepared = {name: self._prepare(value) for name, value in values.items()}
        return sql, tuple(prepared[slot[1]] if slot[0] else slot[1] for slot in slots)

    def _compile(self, values: dict) -> tuple[str, list]:
        sentinels = {}
        for index, (name, value) in enumerate(sorted(values.items())):
            if isinstance(value, datetime):
                sentinels[name] = datetime(
                    1901, 2, 3, 4, 5, 6, 700_000 + index, tzinfo=value.tzinfo
                )
            elif isinstance(value, int):
                sentinels[name] = self._BASE - index
            else:
                raise TypeError(f"CompiledOnce takes ints and datetimes, not {name}={value!r}")
        by_prepared = {self._prepare(sentinel): name for name, sentinel in sentinels.items()}
        sql, params = self._build(**sentinels).query.sql_with_params()
        for prepared in by_prepared:
            if str(prepared) in sql:
                raise ValueError("a value was written into the SQL text, not passed as a parameter")
        slots = [
            (True, by_prepared[p])
            if isinstance(p, str | int | datetime) and p in by_prepared
            else (False, p)
            for p in params
        ]
        return sql, slots

    _DATETIME = models.DateTimeField()

    @classmethod
    def _prepare(cls, value):
        if isinstance(value, datetime):
            return cls._DATETIME.get_db_prep_value(value, connection)
        return value
