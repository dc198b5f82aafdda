"""Which team (or manager) each rep belongs to, from a small table (担当者, チーム/マネージャー)."""

from __future__ import annotations

from pathlib import Path

from kpi_xl.errors import DataError
from kpi_xl.sfa.header import recognise
from kpi_xl.sfa.sources import read_raw
from kpi_xl.sfa.vocabulary import load_vocabulary


def read_teams(path: Path | str) -> dict[str, str]:
    """owner → team. The first row is the header; owner and team columns are recognised
    like an export's (担当者/Owner/Sales Agent, チーム/Manager/Team)."""
    raw = read_raw(path)
    vocab = load_vocabulary()
    header = [str(v).strip() if v is not None else "" for v in raw.rows.iloc[0].tolist()]
    fields = recognise(header, vocab)
    if "owner" not in fields or "team" not in fields:
        missing = [f for f in ("owner", "team") if f not in fields]
        raise DataError("data_columns", file=raw.name, missing=", ".join(missing),
                        expected="owner: 担当者 / Owner; team: チーム / Manager / Team", found=", ".join(header))
    teams = {}
    for row in raw.rows.iloc[1:].itertuples(index=False):
        owner, team = row[fields["owner"]], row[fields["team"]]
        if owner is not None and team is not None and str(owner).strip() and str(team).strip():
            teams[str(owner).strip()] = str(team).strip()
    return teams
