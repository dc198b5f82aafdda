"""Rows that two exports both hold. Monthly or weekly exports often overlap (an export of
1–15 October and one of the whole month), and counting both would double a month's calls.
Read together they are one log: an ID held by a later file (in the order given) is counted
from that file, as inside one file an ID's last row is the one kept, and the earlier file's
row is excluded with a finding naming the later file. Exports without IDs are compared by
content: a row as the later file also holds it is counted from there — as often as the file
holding it most often has it, since two identical calls on a day are two calls. The same
export given twice (identical content) is refused: no overlap rule can tell which copy was meant."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from kpi_xl.errors import DataError
from kpi_xl.sfa.cleaning import Cleaned
from kpi_xl.sfa.findings import Finding, Listed, Rule
from kpi_xl.sfa.reading import RawFile


def refuse_copies(raws: Sequence[RawFile]) -> None:
    """One line naming two exports with the same content, if given."""
    first: dict[tuple[str, str | None], RawFile] = {}
    for raw in raws:
        content = (raw.sha256, raw.table)  # two sheets of one workbook are two exports
        if content in first:
            raise DataError("data_same_file", first=_where(first[content]), second=_where(raw))
        first[content] = raw


def _where(raw: RawFile) -> str:
    return f"{raw.path}:{raw.table}" if raw.table else str(raw.path)


def across_files(cleaned: Sequence[Cleaned], kinds: Sequence[Hashable] | None = None) -> list[Cleaned]:
    """``cleaned`` with each row whose ID a later file of the same kind holds excluded (rule
    ``id_in_later_file``). A kind is the shape and, as ``kinds`` gives it, the ID column's
    header: exports of one report share it, while two tools that both number from 1 (a CTI's
    通話ID, an SFA's 活動ID) are never taken for one log. A file read in chunks keeps no rows to
    compare: it is left as read, and says so (``not_compared``) when others of its kind were given."""
    out = list(cleaned)
    kinds = list(kinds) if kinds is not None else [c.shape for c in cleaned]
    for kind in set(kinds):
        alike = [i for i, k in enumerate(kinds) if k == kind]
        if len(alike) > 1:  # one export of its kind (the common case): nothing to compare
            _as_one_log(out, alike)
    return out


def _as_one_log(out: list[Cleaned], alike: list[int]) -> None:
    """The files at ``alike`` read as one log, from the last given back to the first."""
    later = pd.Series(dtype=object)  # ID → the last file given that holds it
    held = pd.DataFrame({"rows": pd.Series(dtype="int64"), "file": pd.Series(dtype=object)})  # row content → …
    flags = {name for i in alike for name, kind in out[i].frame.dtypes.items() if pd.api.types.is_bool_dtype(kind)}
    values = sorted({name for i in alike for name in out[i].frame.columns} - {"row"})
    for i in reversed(alike):
        c = out[i]
        if c.tally is not None:  # said, not silently left double
            out[i] = replace(c, findings=[*c.findings, Finding(Rule.NOT_COMPARED, c.file, [])])
        elif "id" in c.frame:
            later = _by_id(out, i, later)
        else:
            held = _by_content(out, i, held, _content(out[i].frame, values, flags))


def _content(frame: pd.DataFrame, values: list[str], flags: set[str]) -> pd.DataFrame:
    """A file's rows as values to compare: the same columns for every file of its kind (an
    outcome no row of a file had is a column of False there), the values as read — 2026/10/01
    and 2026-10-01 are one date."""
    content = frame.reindex(columns=values)
    for name in flags & set(values):
        content[name] = content[name].fillna(False).astype(bool)
    return content


def _by_content(out: list[Cleaned], i: int, held: pd.DataFrame, content: pd.DataFrame) -> pd.DataFrame:
    """File ``i`` without IDs against the later files' rows (``held``: each row content's most
    rows in one later file, and the last file given that holds it): as many of its rows as a
    later file holds are excluded (rule ``row_in_later_file``). The rows now held, returned."""
    c = out[i]
    keys = pd.Series(pd.util.hash_pandas_object(content, index=False).to_numpy())
    nth = keys.groupby(keys).cumcount().to_numpy()  # 0 for a content's first row, 1 for its second …
    hit = nth < held["rows"].reindex(keys).fillna(0).to_numpy()
    _exclude(out, i, hit, Rule.ROW_IN_LATER_FILE, held["file"].reindex(keys[hit].unique()))
    mine = keys.value_counts()
    rows = np.maximum(held["rows"].reindex(mine.index).fillna(0).to_numpy(), mine.to_numpy()).astype("int64")
    files = held["file"].reindex(mine.index).fillna(c.file)
    return pd.concat([held.drop(mine.index, errors="ignore"), pd.DataFrame({"rows": rows, "file": files})])


def _exclude(out: list[Cleaned], i: int, hit: np.ndarray, rule: Rule, files: pd.Series) -> None:
    """File ``i`` without the rows ``hit`` (held by a later file, counted from there), with a
    finding of ``rule`` naming ``files``, the later files holding them."""
    if hit.any():
        c = out[i]
        found = Finding(rule, c.file, c.frame["row"][hit].to_numpy(dtype="int64"), Listed(set(files.astype(str))))
        out[i] = replace(c, frame=c.frame.loc[~hit].reset_index(drop=True), findings=[*c.findings, found])


def _by_id(out: list[Cleaned], i: int, later: pd.Series) -> pd.Series:
    """File ``i``'s rows whose ID a later file holds (``later``: ID → that file) excluded; the
    IDs now held, returned."""
    c = out[i]
    ids = c.frame["id"].astype(object)
    hit = ids.notna().to_numpy(dtype=bool) & ids.isin(later.index).to_numpy(dtype=bool)
    _exclude(out, i, hit, Rule.ID_IN_LATER_FILE, later.reindex(ids[hit].unique()))
    mine = pd.Series(c.file, index=pd.Index(ids.dropna().unique(), dtype=object))
    return pd.concat([later, mine[~mine.index.isin(later.index)]])
