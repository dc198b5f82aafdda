"""Read, recognise and clean every export file, then aggregate: one call for the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import DataError
from kpi_xl.sfa.aggregate import Actuals, aggregate
from kpi_xl.sfa.cleaning import Cleaned, clean
from kpi_xl.sfa.findings import Finding, Rule
from kpi_xl.sfa.header import Header, MetricWord, find_header
from kpi_xl.sfa.overlaps import across_files, refuse_copies
from kpi_xl.sfa.reading import RawFile, check_encoding
from kpi_xl.sfa.sources import expanded, read_sheets
from kpi_xl.sfa.streaming import read_in_chunks
from kpi_xl.sfa.vocabulary import Vocabulary, key, load_vocabulary, team_today


@dataclass
class Source:
    """What was read from one file, for the Assumptions sheet."""

    raw: RawFile
    header: Header
    cleaned: Cleaned


@dataclass
class Ingested:
    sources: list[Source]
    actuals: Actuals
    vocab: Vocabulary = field(default_factory=load_vocabulary)

    @property
    def findings(self) -> list[Finding]:
        out = []
        for source in self.sources:
            if source.raw.note:
                out.append(Finding(source.raw.note, source.raw.name, [], source.raw.delimiter or ""))
            if source.header.above:
                out.append(Finding(Rule.ABOVE_HEADER, source.raw.name, range(1, source.header.above + 1)))
            out.extend(source.cleaned.findings)
        return out + self.actuals.findings


def ingest(paths: Sequence[Path | str], template: Template, mapping: Path | str | None = None,
           progress: Any = None, encoding: str | None = None, today: date | None = None) -> Ingested:
    """Read every file, recognise its header, clean it, then count per rep × month and week.

    ``progress`` is anything with ``update(1)`` (a tqdm bar): called after each file is read,
    after it is cleaned, and after the counting. ``encoding`` overrides CSV detection.
    ``today`` (default: today in the team's time zone) is the last day an activity can have
    happened on; one dated later was planned, not done."""
    vocab = load_vocabulary(mapping)
    vocab.today = today or team_today(vocab.timezone)
    words = metric_words(template)
    given = check_encoding(encoding) if encoding else None
    sources = []
    for path in expanded(paths):
        chunked = read_in_chunks(path, given, vocab, words)
        if chunked is not None:  # a log too big to hold
            sources.append(Source(*chunked))
            _tick(progress)
            _tick(progress)
            continue
        raws = read_sheets(path, given)
        _tick(progress)
        sources.extend(_sheets(raws, vocab, words))
        _tick(progress)
    refuse_copies([s.raw for s in sources])
    kinds = [_kind(s) for s in sources]
    sources = [replace(s, cleaned=c) for s, c in zip(sources, across_files([s.cleaned for s in sources], kinds))]
    done = Ingested(sources, aggregate([s.cleaned for s in sources], template), vocab)
    _tick(progress)
    return done


def _source(raw: RawFile, vocab: Vocabulary, words: dict[str, MetricWord]) -> Source:
    """One file's (or sheet's) header recognised and rows cleaned; an error if none is usable."""
    header = find_header(raw.rows, vocab, raw.name, words)
    if len(raw.rows) <= header.rows:  # a header and nothing under it
        raise DataError("data_empty", file=raw.name, read=0)
    cleaned = clean(raw, header, vocab)
    if cleaned.used == 0:
        raise DataError("data_empty", file=raw.name, read=cleaned.read)
    raw.rows = raw.rows.iloc[:0]  # the raw text is no longer needed; free it before the next file
    return Source(raw, header, cleaned)


def _sheets(raws: list[RawFile], vocab: Vocabulary, words: dict[str, MetricWord]) -> list[Source]:
    """Each sheet of a workbook as its own source. A sheet without a header or a usable row (a
    cover sheet, notes) is skipped with the finding ``sheet_skipped`` while another sheet is
    used; when none is, the first sheet's error is the file's."""
    if len(raws) == 1:
        return [_source(raws[0], vocab, words)]
    used, skipped, errors = [], [], []
    for raw in raws:
        try:
            used.append(_source(raw, vocab, words))
        except DataError as exc:
            errors.append(exc)
            skipped.append(Finding(Rule.SHEET_SKIPPED, raw.name, []))
    if not used:
        raise errors[0]
    used[0].cleaned.findings.extend(skipped)
    return used


def metric_words(template: Template) -> dict[str, MetricWord]:
    """How a per-rep summary table may name its columns: like the template's metrics."""
    words: dict[str, MetricWord] = {}
    for metric in template.tree.metrics.values():
        for word in (metric.name.ja, metric.name.en, *metric.aliases):
            words.setdefault(key(word), MetricWord(metric.id, metric.kind not in (Kind.COUNT, Kind.AMOUNT),
                                                   metric.kind is Kind.COUNT))
    return words


def _kind(source: Source) -> tuple:
    """Which exports are one log: the same shape and ID header, or without IDs the same header."""
    header = source.header
    if "id" in header.fields:
        return source.cleaned.shape, key(header.names[header.fields["id"]])
    return source.cleaned.shape, tuple(key(name) for name in header.names)


def _tick(progress: Any) -> None:
    if progress is not None:
        progress.update(1)
