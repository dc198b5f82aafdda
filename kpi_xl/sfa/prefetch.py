"""Batches read one ahead, in a thread: while a chunk of a big log is cleaned, the next is parsed
(pyarrow parses without holding the GIL; its streaming CSV reader is single-threaded, so the
second core was idle)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


def prefetched(items: Iterator[T]) -> Generator[T]:
    """``items`` as they come, the next one produced in a thread while the caller works on this
    one. An error in producing it is raised here, in order; stopping early stops the thread and
    closes ``items``."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the caller, raised there
            put((_END, exc))

    worker = threading.Thread(target=produce, name="kpi-xl-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, error = ready.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join()
        close = getattr(items, "close", None)
        if close is not None:
            close()
