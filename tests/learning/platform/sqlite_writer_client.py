"""One writer process for ``test_sqlite_writer_queue``: Django with only a database, nothing else.

Run as ``python sqlite_writer_client.py ENGINE NAME OPTIONS_JSON``. It reads one command per line
on stdin and answers each with one JSON line on stdout; times are ``time.monotonic()``, which on
Linux is one clock for every process, so the test can compare two writers' times.

- ``write``: one transaction; answers when it asked for it and when it began.
- ``hold SECONDS [inner-failure]``: begins a transaction, answers ``holding``, keeps it open
  (after an inner ``atomic()`` block that failed, if asked), then commits and answers when.
- ``rollback`` / ``fail``: a transaction ended by ``set_rollback`` / by an exception.
- ``increment TIMES``: read, add one, write back, each in its own transaction.
"""

import json
import sys
import time

import django
from django.conf import settings
from django.db import connection, transaction


class Planned(Exception):
    """Raised inside ``atomic()`` to make it roll back."""


def answer(**fields) -> None:
    print(json.dumps(fields), flush=True)  # noqa: T201


def touch() -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1 WHERE id = 1")


def write() -> None:
    asked = time.monotonic()
    with transaction.atomic():
        began = time.monotonic()
        touch()
    answer(asked=asked, began=began)


def hold(seconds: str, inner_failure: str = "") -> None:
    with transaction.atomic():
        touch()
        if inner_failure:
            try:
                with transaction.atomic():
                    touch()
                    raise Planned
            except Planned:
                pass
        answer(holding=time.monotonic())
        time.sleep(float(seconds))
        committing = time.monotonic()
    answer(committing=committing, committed=time.monotonic())


def rollback() -> None:
    with transaction.atomic():
        touch()
        transaction.set_rollback(True)
    answer()


def fail() -> None:
    try:
        with transaction.atomic():
            touch()
            raise Planned
    except Planned:
        answer()


def increment(times: str) -> None:
    for _ in range(int(times)):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter WHERE id = 1")
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
    answer()


COMMANDS = {
    "write": write,
    "hold": hold,
    "rollback": rollback,
    "fail": fail,
    "increment": increment,
}


def main(engine: str, name: str, options: str) -> None:
    settings.configure(
        DATABASES={"default": {"ENGINE": engine, "NAME": name, "OPTIONS": json.loads(options)}},
        USE_TZ=True,
    )
    django.setup()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER)")
        cursor.execute("INSERT OR IGNORE INTO counter VALUES (1, 0)")
    answer(ready=True)
    for line in sys.stdin:
        command, *arguments = line.split()
        COMMANDS[command](*arguments)


if __name__ == "__main__":
    main(*sys.argv[1:])
