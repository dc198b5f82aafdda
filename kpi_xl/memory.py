"""How the report command's columns get their memory. A ten-million-row report makes dozens of
80 MB Arrow columns one after another; by default Arrow hands freed memory back to the OS within
a second, and the next column must have its pages handed over again one by one (on a virtual
machine ~170 ms per column, measured). Kept for reuse instead (jemalloc with its decay turned
off), the 10M-row report went from ~8.4 s to ~6.4 s (benchmarks/bench_report.py).

A log read in chunks is the opposite case: each chunk is freed before the next, and keeping
everything only raises the peak, so there memory is handed back as by default (:func:`as_by_default`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

KEEP = -1  # jemalloc's decay time meaning "never": freed memory stays for the next column

_default: Any = None  # Arrow's own pool, set aside while jemalloc keeps freed memory


def reuse_freed_memory() -> bool:
    """For the rest of this process, Arrow's buffers come from jemalloc, which keeps freed memory
    for the next column. Where the pyarrow build has no jemalloc (Windows), nothing changes.
    Whether it was applied."""
    global _default
    import pyarrow as pa

    if "jemalloc" not in pa.supported_memory_backends():
        return False
    _default = _default or pa.default_memory_pool()
    pa.set_memory_pool(pa.jemalloc_memory_pool())
    pa.jemalloc_set_decay_ms(KEEP)
    return True


@contextmanager
def as_by_default() -> Iterator[None]:
    """Within: Arrow's own pool, which hands freed memory back, and what jemalloc kept handed back
    too; jemalloc keeping freed memory again after, if it was in use."""
    if _default is None:
        yield
        return
    import pyarrow as pa

    pa.jemalloc_set_decay_ms(0)  # what jemalloc kept so far goes back too
    pa.set_memory_pool(_default)
    try:
        yield
    finally:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(KEEP)
