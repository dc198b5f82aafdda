"""The store of held rows: each key's rows together in one partition, in file order; a chunk
cleaned again replaces what it held the first time; the private folder removed on close."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.sfa.held import Held


def _chunk(number: int, keys: list[int], tag: str) -> tuple:
    raw = pd.DataFrame({"key": keys, "tag": [tag] * len(keys)}, index=[number * 10 + k for k in keys])
    frame = raw.assign(row=raw.index + 2)
    return number, np.array(keys, dtype=np.uint64), raw, frame, pd.Series(False, index=raw.index)


def test_few_rows_stay_in_memory():
    with Held.for_rows(3, part_rows=10) as held:
        held.add(*_chunk(0, [1, 2], "a"))
        held.add(*_chunk(1, [1], "b"))
        assert held.partitions == 1 and held._folder is None
        [(raw, frame, out)] = list(held)
    assert raw["key"].tolist() == [1, 2, 1] and frame["row"].tolist() == [3, 4, 13] and not out.any()


def test_many_rows_are_partitioned_by_key_in_file_order():
    held = Held.for_rows(40, part_rows=10)
    folder = Path(held._folder.name)
    with held:
        assert held.partitions == 4 and folder.is_dir()
        for n in range(4):
            held.add(*_chunk(n, [k for k in range(10) if (k + n) % 3], f"c{n}"))
        held.add(*_chunk(2, [k for k in range(10) if (k + 2) % 3], "again"))  # chunk 2 cleaned again
        parts = list(held)
    assert not folder.exists()
    seen: dict[int, int] = {}
    for raw, frame, _ in parts:
        assert (raw.index == frame.index).all() and list(raw.index) == sorted(raw.index)
        for key in raw["key"].unique():
            assert key not in seen  # a key never split over partitions
            seen[key] = len(raw[raw["key"] == key])
        assert "c2" not in set(raw["tag"])
    every = pd.concat([p[0] for p in parts])
    assert sorted(every.index) == sorted(i for n in range(4) for i in range(n * 10, n * 10 + 10)
                                         if (i - n * 10 + n) % 3)
    assert set(every.loc[every.index // 10 == 2, "tag"]) == {"again"}


def test_an_unusable_temporary_folder_is_said_with_the_way_out(tmp_path, monkeypatch):
    import tempfile

    import pytest

    from kpi_xl.errors import OutputError

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    with pytest.raises(OutputError) as caught:
        Held.for_rows(3_000_000, part_rows=1_000_000)
    said = caught.value.message("en")
    assert str(tmp_path / "gone") in said and "3,000,000 repeated rows" in said and "TMPDIR" in said
    assert "TMPDIR" in caught.value.message("ja") and "3,000,000 行" in caught.value.message("ja")


def test_a_disk_that_fills_up_is_said_with_the_way_out(monkeypatch):
    """ENOSPC while rows are written, or when the last buffered bytes are: the same one line,
    and the private folder is gone."""
    import errno

    import pytest

    from kpi_xl.errors import OutputError

    held = Held.for_rows(40, part_rows=10)
    folder = Path(held._folder.name)

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kpi_xl.sfa.held.pickle.dump", full)
    with pytest.raises(OutputError) as caught:
        held.add(*_chunk(0, [1, 2, 3], "a"))
    assert "No space left on device" in caught.value.message("en") and "TMPDIR" in caught.value.message("en")
    assert not folder.exists()
