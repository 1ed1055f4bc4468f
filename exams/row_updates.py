"""Writing a few fields of many rows at once: an autosave's answers, a submit's 80 grades.

``bulk_update`` builds a CASE with a branch per row and field, and Django spent more time
composing it than the database spent running it (bench). Here the statement is written from
the model's metadata, and the values go through each field's own conversion, so JSON, decimals
and datetimes are stored exactly as the ORM stores them.
"""

from __future__ import annotations

from django.db import connection, models


def update_rows(model: type[models.Model], rows: list, field_names) -> None:
    """Write these fields of each row (a model instance, or anything with ``pk`` and the
    fields' attributes).

    SQLite runs one prepared ``UPDATE`` per row (``executemany``: no round trips to pay).
    PostgreSQL gets one ``UPDATE … FROM unnest(…)`` for several rows (``values_update``): as
    many statements as rows cost it more to start than to run.
    """
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 1:
            cursor.execute(*values_update(model, rows, field_names))
            return
        quote = connection.ops.quote_name
        meta = model._meta
        assignments = ", ".join(
            f"{quote(meta.get_field(name).column)} = %s" for name in field_names
        )
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        params = _row_params(model, rows, field_names)
        if len(params) == 1:
            # psycopg's executemany runs a pipeline, an extra exchange for a single row.
            cursor.execute(sql, params[0])
        else:
            cursor.executemany(sql, params)


def update_together(*writes: tuple[type[models.Model], list, tuple[str, ...]]) -> None:
    """Several ``update_rows`` (model, rows, field names) at once; no row in two of them.

    On PostgreSQL in one statement (each but the last in a ``WITH``): a submit's grades and
    its attempt's new state were two round trips to the database inside its transaction.
    """
    writes = tuple(write for write in writes if write[1])
    if connection.vendor != "postgresql" or len(writes) < 2:
        for write in writes:
            update_rows(*write)
        return
    statements = [values_update(*write) for write in writes]
    sql = "WITH " + ", ".join(
        f"write{index} AS ({update})" for index, (update, _params) in enumerate(statements[:-1])
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql} {statements[-1][0]}", [p for _sql, params in statements for p in params]
        )


#: Up to this many rows are written from a ``VALUES`` list, more from arrays (``unnest``).
FEW_ROWS = 16


def values_update(
    model: type[models.Model], rows: list, field_names, *, also_from: str = ""
) -> tuple[str, list]:
    """PostgreSQL: one ``UPDATE … FROM`` a list of the rows' new values, and its parameters.

    Both forms are prepared and planned once per connection, each for its own reason. An
    autosave's few rows come as ``VALUES``: the row count is in the text, so the generic plan
    is as cheap as a fresh one and PostgreSQL keeps it (from arrays of unknown length it
    planned every autosave anew: 0.8 ms). A submit's 80 come as one array per column: the
    same text for any count, where 240 placeholders made psycopg parse the text on every
    submit (1 ms). ``also_from`` names one more row source (a ``WITH`` query): when it holds
    no row, nothing is written (``exams.attempts`` makes an autosave depend on its attempt
    being open, locked, within the same statement).
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
