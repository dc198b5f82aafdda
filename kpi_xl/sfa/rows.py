"""A finding's source rows, kept as runs of consecutive rows ([2, 3, 4, 9] → 2–4, 9). A rule
that hits every row of a 100M-row log — a 2026/10/05 date on each, as many Japanese exports
write them — holds one run, not 100M Python integers (7 GB measured at 73 bytes a row), and
the runs are what the workbook and ``--json`` show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np


class Rows:
    """Source row numbers, ascending and each once, as runs ``first[i]…last[i]`` (inclusive)."""

    __slots__ = ("first", "last")

    def __init__(self, first: np.ndarray, last: np.ndarray) -> None:
        self.first, self.last = first, last

    @classmethod
    def of(cls, numbers: Iterable[int] | np.ndarray) -> Rows:
        """The rows ``numbers`` name, in any order, a repeated one once."""
        values = np.asarray(numbers if isinstance(numbers, np.ndarray) else list(numbers), dtype=np.int64)
        if len(values) > 1 and not (values[1:] > values[:-1]).all():
            values = np.unique(values)
        breaks = np.flatnonzero(values[1:] != values[:-1] + 1) + 1  # where a run ends and the next begins
        return cls(values[np.r_[0, breaks]] if len(values) else values,
                   values[np.r_[breaks - 1, len(values) - 1]] if len(values) else values)

    @classmethod
    def joined(cls, parts: Iterable[Rows]) -> Rows:
        """Every row of ``parts`` (a file's chunks, in any order): runs that touch become one."""
        parts = list(parts)
        first = np.concatenate([p.first for p in parts]) if parts else np.empty(0, np.int64)
        last = np.concatenate([p.last for p in parts]) if parts else np.empty(0, np.int64)
        if not len(first):
            return cls(first, last)
        order = np.argsort(first, kind="stable")
        first, last = first[order], last[order]
        reach = np.maximum.accumulate(last)  # the furthest row the runs so far cover
        starts = np.r_[0, np.flatnonzero(first[1:] > reach[:-1] + 1) + 1]
        return cls(first[starts], np.maximum.reduceat(last, starts))

    def __len__(self) -> int:
        return int((self.last - self.first + 1).sum())

    def __bool__(self) -> bool:
        return len(self.first) > 0

    def __iter__(self) -> Iterator[int]:
        for a, b in self.runs():
            yield from range(a, b + 1)

    def runs(self) -> list[tuple[int, int]]:
        """(first, last) of each run, as Python integers."""
        return list(zip(self.first.tolist(), self.last.tolist()))

    def tolist(self) -> list[int]:
        return list(self)

    def text(self, limit: int | None = None) -> str:
        """"2–4, 9"; cut with " …" after ``limit`` characters (a cell holds 32,767)."""
        out: list[str] = []
        size = 0
        for a, b in self.runs():
            size += (2 if out else 0) + len(piece := str(a) if a == b else f"{a}–{b}")
            out.append(piece)
            if limit is not None and size > limit:
                return ", ".join(out)[:limit] + " …"
        return ", ".join(out)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return np.array_equal(self.first, other.first) and np.array_equal(self.last, other.last)
        if isinstance(other, (list, tuple, range)):
            return self.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by value, like the list it stands for

    def __repr__(self) -> str:
        return f"Rows({self.text(200)!r})"
