"""How the report command's columns get their memory. A ten-million-row report makes dozens of
80 MB columns one after another (Arrow's and numpy's); by default each freed one is handed back
to the OS, and the next must have its pages handed over again one by one (on a virtual machine
~170 ms per column, measured). Kept for reuse instead — Arrow's in jemalloc with its decay
turned off, numpy's in glibc's heap rather than a mapping each — the 10M-row report went from
~8.4 s to ~6 s (benchmarks/bench_report.py).

A log read in chunks is the opposite case: each chunk is freed before the next, and a heap that
keeps everything grows with its holes, so there memory is handed back as by default
(:func:`as_by_default`)."""

from __future__ import annotations

import ctypes
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

KEEP = -1  # jemalloc's decay time meaning "never": freed memory stays for the next column
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_MMAP_MAX = -1, -3, -4  # glibc's mallopt parameters (malloc.h)
HEAP = {M_MMAP_MAX: 0, M_TRIM_THRESHOLD: 2**31 - 1}  # big blocks from the heap, its free top kept
# glibc's own, as its sliding threshold settles once big blocks are freed: up to 32 MB from the
# heap (a chunk's columns), bigger ones mapped, a free heap top over 64 MB handed back
GLIBC = {M_MMAP_MAX: 65_536, M_MMAP_THRESHOLD: 32 << 20, M_TRIM_THRESHOLD: 64 << 20}

_default: Any = None  # Arrow's own pool, set aside while jemalloc keeps freed memory


def _libc() -> Any:
    """glibc, to set how malloc hands out big blocks; None elsewhere (musl, macOS, Windows)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _malloc(values: dict[int, int]) -> None:
    libc = _libc()
    if libc is not None:
        for name, value in values.items():
            libc.mallopt(name, value)


def reuse_freed_memory() -> bool:
    """For the rest of this process, freed memory is kept for the next column: Arrow's buffers
    come from jemalloc (where the pyarrow build has it; not on Windows) and glibc's malloc serves
    numpy's from its heap. Whether it was applied."""
    global _default
    import pyarrow as pa

    if "jemalloc" not in pa.supported_memory_backends():
        return False
    _default = _default or pa.default_memory_pool()
    pa.set_memory_pool(pa.jemalloc_memory_pool())
    pa.jemalloc_set_decay_ms(KEEP)
    _malloc(HEAP)
    return True


@contextmanager
def as_by_default() -> Iterator[None]:
    """Within: memory handed back as by default — Arrow's own pool, what jemalloc kept returned,
    glibc's own settings; kept for reuse again after, if it was before."""
    if _default is None:
        yield
        return
    import pyarrow as pa

    pa.jemalloc_set_decay_ms(0)
    pa.set_memory_pool(_default)
    _malloc(GLIBC)
    try:
        yield
    finally:
        _malloc(HEAP)
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(KEEP)
