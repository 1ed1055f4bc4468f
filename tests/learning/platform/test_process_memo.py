"""Worker-local copies in front of the shared cache (learning.platform.process_memo)."""

from __future__ import annotations

import time

from django.core.cache import cache

from learning.platform.process_memo import ProcessMemo, clear_all


def test_value_is_built_once_and_then_read_without_the_shared_cache(monkeypatch):
    memo = ProcessMemo(max_entries=10)
    built = []
    assert memo.through_cache("memo-test:a", lambda: built.append(1) or "A", 60) == "A"

    def no_shared_cache(*args, **kwargs):
        raise AssertionError("the worker's copy should have answered")

    monkeypatch.setattr(cache, "get", no_shared_cache)
    assert memo.through_cache("memo-test:a", lambda: built.append(1) or "B", 60) == "A"
    assert built == [1]


def test_another_worker_takes_the_shared_copy_instead_of_building():
    first, second = ProcessMemo(max_entries=10), ProcessMemo(max_entries=10)
    first.through_cache("memo-test:b", lambda: ["built once"], 60)
    assert second.through_cache("memo-test:b", lambda: ["built twice"], 60) == ["built once"]


def test_a_late_reader_keeps_the_shared_copy_only_for_what_is_left_of_its_lifetime():
    # Whole seconds: Redis keeps no shorter lifetimes.
    builder, late = ProcessMemo(max_entries=10), ProcessMemo(max_entries=10)
    builder.through_cache("memo-test:c", lambda: "old", 2)
    time.sleep(1.2)
    assert late.through_cache("memo-test:c", lambda: "unexpected", 2) == "old"
    time.sleep(1.0)
    assert late.get("memo-test:c") is None


def test_none_is_a_value_not_a_miss():
    memo = ProcessMemo(max_entries=10)
    built = []
    for _ in range(3):
        assert memo.through_cache("memo-test:d", lambda: built.append(1), 60) is None
    assert built == [1]


def test_least_recently_used_entry_goes_first():
    memo = ProcessMemo(max_entries=2)
    memo.set("a", 1)
    memo.set("b", 2)
    assert memo.get("a") == 1
    memo.set("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)


def test_clear_all_empties_every_memo():
    memo = ProcessMemo(max_entries=2)
    memo.set("a", 1)
    clear_all()
    assert memo.get("a", "gone") == "gone"
