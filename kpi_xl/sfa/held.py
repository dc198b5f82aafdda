"""The rows of a big log whose key repeats, held until every chunk has been read, so that the
rules comparing rows (duplicate rows, repeated IDs) see them together. A few: kept in memory.
Many — an export appended to itself holds every row twice — are spread by key over partitions
on disk and brought back one partition at a time. Rows with the same key are always in the same
partition, in file order, so each partition's rules find what they would find on all the rows
at once, and memory stays near one chunk's however many rows repeat."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from kpi_xl.errors import OutputError
from kpi_xl.i18n import os_reason

PART_ROWS = 1 << 20  # held rows per partition, about a chunk's

# (chunk number, raw rows, their cleaned frame, whether each was excluded already)
Part = tuple[int, pd.DataFrame, pd.DataFrame, pd.Series]


@dataclass
class Held:
    """The held rows of one file, by partition; a chunk cleaned again replaces what it held."""

    partitions: int
    _rows: int = 0
    _memory: list[Part] = field(default_factory=list)
    _folder: tempfile.TemporaryDirectory | None = None
    _files: list[IO[bytes]] = field(default_factory=list)

    @classmethod
    def for_rows(cls, rows: int, part_rows: int | None = None) -> Held:
        """A store for ``rows`` held rows: in memory up to ``part_rows`` (:data:`PART_ROWS`), else
        on disk in as many partitions as keep each near ``part_rows``."""
        held = cls(max(1, -(-rows // (part_rows or PART_ROWS))), _rows=rows)
        if held.partitions > 1:
            with held._explained():
                held._folder = tempfile.TemporaryDirectory(prefix="kpi-xl-held-")  # private (0700), removed on close
                held._files = [Path(held._folder.name, f"{p}.pickle").open("wb")  # noqa: SIM115 closed by close()
                               for p in range(held.partitions)]
        return held

    def add(self, chunk: int, keys: np.ndarray, raw: pd.DataFrame, frame: pd.DataFrame, out: pd.Series) -> None:
        """Hold a chunk's rows (``keys``: each row's key hash, in the rows' order)."""
        if not self._files:
            self._memory.append((chunk, raw, frame, out))
            return
        where = (keys % np.uint64(self.partitions)).astype(np.int64)
        with self._explained():
            for p in np.unique(where):
                mask = where == p
                pickle.dump((chunk, raw[mask], frame[mask], out[mask]), self._files[p], protocol=5)

    @contextmanager
    def _explained(self) -> Iterator[None]:
        """A full or unwritable temporary folder said as such, with the way out (TMPDIR)."""
        try:
            yield
        except OSError as exc:
            self.close()
            raise OutputError("held_unwritable", path=tempfile.gettempdir(), rows=self._rows,
                              reason=os_reason(exc)) from None

    def __iter__(self) -> Iterator[tuple[pd.DataFrame, pd.DataFrame, pd.Series]]:
        """Each partition's rows (raw, frame, excluded already), in file order."""
        if not self._files:
            if self._memory:  # no chunk at all: nothing to compare
                yield _joined(self._memory)
            return
        for handle in self._files:
            with self._explained():  # the last buffered bytes go to disk here: a full disk may say so now
                handle.close()
            parts = list(_records(Path(handle.name)))
            if parts:  # a partition no key fell in is skipped, not cleaned as a frame with no columns
                yield _joined(parts)

    def close(self) -> None:
        for handle in self._files:
            handle.close()
        if self._folder is not None:
            self._folder.cleanup()

    def __enter__(self) -> Held:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _records(path: Path) -> Iterator[Part]:
    with path.open("rb") as handle:  # written by this process, in its own private folder
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def _joined(parts: list[Part]) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """The parts in chunk order, a chunk's last (it was cleaned again knowing more) replacing its first."""
    latest = {chunk: (raw, frame, out) for chunk, raw, frame, out in parts}
    kept = [latest[c] for c in sorted(latest)]
    if not kept:
        return pd.DataFrame(), pd.DataFrame(), pd.Series(dtype=bool)
    return (pd.concat([k[0] for k in kept]), pd.concat([k[1] for k in kept]),
            pd.concat([k[2] for k in kept]).astype(bool))
