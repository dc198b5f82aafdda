"""Batches read one ahead in a thread: the same items in the same order, an error where it
happened, and nothing left running when the reader stops early."""

from __future__ import annotations

import threading

import pytest

from kpi_xl.sfa.prefetch import prefetched


def test_the_items_come_in_order():
    assert list(prefetched(iter(range(1000)))) == list(range(1000))
    assert list(prefetched(iter([]))) == []


def test_an_error_is_raised_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("row 3 is ragged")

    got = []
    with pytest.raises(ValueError, match="row 3 is ragged"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_closes_the_source_and_the_thread():
    closed = threading.Event()

    def items():
        try:
            yield from range(10**9)
        finally:
            closed.set()

    reader = prefetched(items())
    assert [next(reader) for _ in range(3)] == [0, 1, 2]
    reader.close()
    assert closed.is_set()
    assert not any(t.name == "kpi-xl-prefetch" and t.is_alive() for t in threading.enumerate())


def test_the_next_item_is_made_while_this_one_is_used():
    made = []

    def items():
        for i in range(3):
            made.append(i)
            yield i

    reader = prefetched(items())
    assert next(reader) == 0
    for _ in range(200):  # the thread has made item 1 by now, before it is asked for
        if len(made) >= 2:
            break
        threading.Event().wait(0.01)
    assert made[:2] == [0, 1]
    reader.close()
