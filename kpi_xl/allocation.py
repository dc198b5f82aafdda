"""How the report command asks the OS for memory. A ten-million-row report makes dozens of
80 MB columns, one after another; by default each is a fresh mapping whose pages the OS must
hand over one by one (on a virtual machine ~170 ms per column, measured), then gives back. Kept
in the process's heap instead, a freed column's memory serves the next at no cost: the 10M-row
report went from ~9 s to ~6.5 s and its peak memory fell (benchmarks/bench_report.py)."""

from __future__ import annotations

import ctypes
import platform

M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4  # glibc's mallopt parameters (malloc.h)
KEEP_FREED = 2**31 - 1  # bytes of free heap top kept rather than returned to the OS (mallopt takes an int)


def reuse_freed_memory() -> bool:
    """For the rest of this process: large blocks from the heap (not a mapping each), freed memory
    kept for reuse, and Arrow's buffers allocated the same way. glibc only (Linux); elsewhere
    nothing changes. Whether it was applied."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    if not (libc.mallopt(M_MMAP_MAX, 0) and libc.mallopt(M_TRIM_THRESHOLD, KEEP_FREED)):
        return False
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    return True
