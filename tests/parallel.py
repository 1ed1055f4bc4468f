"""Calls run at the same moment from threads, for the tests of races (on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import close_old_connections


def run_together(calls: Sequence[Callable]) -> list:
    """Start every call behind one barrier; their results in order (an exception raised by a
    call is returned in its place, so one failure does not hide the others)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
