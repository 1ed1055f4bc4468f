"""SQLite writers queue on a file lock and begin as soon as the writer before them commits
(``learning.platform.db.sqlite_writer_queue``).

Each writer is its own process (``sqlite_writer_client.py``), as gunicorn workers are, on a
database file in the test's temporary folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import sqlite3
import statistics
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ENGINE = "learning.platform.db.sqlite_writer_queue"
CLIENT = Path(__file__).with_name("sqlite_writer_client.py")
#: Seconds to wait for a writer's answer before the test fails instead of hanging.
ANSWER_TIMEOUT = 60

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the writer queue is for SQLite databases only"
)


class Writer:
    """A writer process on one database, driven one command line at a time."""

    def __init__(self, folder: Path, name: str, options: dict) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - our own script, run by this Python
            [sys.executable, str(CLIENT), ENGINE, name, json.dumps(options)],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answers: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self._process.stdout:
            self._answers.put(json.loads(line))

    def send(self, command: str) -> None:
        self._process.stdin.write(f"{command}\n")
        self._process.stdin.flush()

    def answer(self) -> dict:
        return self._answers.get(timeout=ANSWER_TIMEOUT)

    def stop(self) -> None:
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "exam.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
    return path


@pytest.fixture
def start_writers(tmp_path, database):
    """Start writers (on the test's database file unless named) and stop them afterwards."""
    started: list[Writer] = []

    def start(count: int, *, name: str = str(database), **options) -> list[Writer]:
        options = {**settings.DATABASES["default"]["OPTIONS"], "timeout": 5, **options}
        writers = [Writer(tmp_path, name, options) for _ in range(count)]
        started.extend(writers)
        for writer in writers:
            assert writer.answer() == {"ready": True}
        return writers

    yield start
    for writer in started:
        writer.stop()


def _queue_is_taken(database: Path) -> bool:
    with open(f"{database}.writelock") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def test_the_sqlite_database_queues_its_writers():
    assert settings.DATABASES["default"]["ENGINE"] == ENGINE


def test_a_waiting_writer_begins_within_milliseconds_of_the_commit(start_writers):
    holder, waiter = start_writers(2)
    gaps = []
    for _ in range(3):
        holder.send("hold 0.2")
        holder.answer()
        waiter.send("write")
        held, wrote = holder.answer(), waiter.answer()
        assert wrote["asked"] < held["committing"] <= wrote["began"]
        gaps.append(wrote["began"] - held["committed"])
    # SQLite's busy handler alone wakes a writer that has waited 0.2 s only at 0.228 s (about
    # 30 ms late here); the queue takes well under 1 ms, with room for a loaded machine.
    assert statistics.median(gaps) < 0.010, gaps


def test_a_failed_inner_block_keeps_the_queue_until_the_outer_commit(start_writers, database):
    (holder,) = start_writers(1)
    holder.send("hold 0.2 inner-failure")
    holder.answer()
    assert _queue_is_taken(database)
    holder.answer()
    assert not _queue_is_taken(database)


@pytest.mark.parametrize("ending", ["rollback", "fail"])
def test_a_rolled_back_transaction_lets_the_next_writer_in_at_once(start_writers, ending):
    first, second = start_writers(2)
    first.send(ending)
    first.answer()
    second.send("write")
    wrote = second.answer()
    # A queue left taken would hold the second writer back for its whole 5 s timeout.
    assert wrote["began"] - wrote["asked"] < 1


def test_a_writer_goes_ahead_when_the_queue_is_stuck_past_its_timeout(start_writers, database):
    (writer,) = start_writers(1, timeout=0.5)
    with open(f"{database}.writelock") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        writer.send("write")
        wrote = writer.answer()
    assert 0.4 < wrote["began"] - wrote["asked"] < 3


@pytest.mark.parametrize(
    ("name", "transaction_mode"),
    [
        (":memory:", "IMMEDIATE"),
        ("file:exam?mode=memory&cache=shared", "IMMEDIATE"),
        ("deferred.sqlite3", "DEFERRED"),
    ],
)
def test_in_memory_and_non_immediate_databases_make_no_lock_file(
    start_writers, tmp_path, name, transaction_mode
):
    (writer,) = start_writers(1, name=name, transaction_mode=transaction_mode)
    writer.send("write")
    writer.answer()
    assert list(tmp_path.glob("*.writelock")) == []


def test_parallel_writers_lose_no_update(start_writers, database):
    writers = start_writers(3)
    for writer in writers:
        writer.send("increment 100")
    for writer in writers:
        writer.answer()
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT n FROM counter").fetchone() == (300,)
