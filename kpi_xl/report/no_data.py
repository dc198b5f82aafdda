"""Stages the plan tracks that no column of the exports feeds: shown as "no data" with the
reason and what would feed them, never as 0; their rates and statuses are not computed. And
stages fed in part: コネクト数 is calls reached plus emails replied, so a log of calls and
emails that says nothing of replies counts only the calls' — said beside the number."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from kpi_xl.engine.observations import Observation
from kpi_xl.engine.templates import Template
from kpi_xl.i18n import Text, label
from kpi_xl.sfa.aggregate import Actuals
from kpi_xl.sfa.vocabulary import Vocabulary, source_words


@dataclass(frozen=True)
class NoData:
    """A metric the data cannot tell, the counted metrics it lacks and what would feed them."""

    metric: str
    missing: tuple[str, ...]  # the counted metrics no column feeds
    needs: tuple[Text, ...]  # columns or values that would feed them, as an export in each language names them

    def needs_in(self, lang: str) -> list[str]:
        return _in(self.needs, lang)

    def text(self, template: Template, lang: str) -> str:
        names = template.tree.metrics
        missing = ", ".join(names[m].label(lang) for m in self.missing)
        needs = " / ".join(self.needs_in(lang)) or label("no_data_summary", lang, metric=missing)
        return label("no_data", lang, metric=names[self.metric].label(lang), missing=missing, needs=needs)


def _missing(template: Template, metric: str, observed: Collection[str]) -> list[str]:
    """The counted metrics under ``metric`` that no data feeds (itself when it is counted)."""
    if metric in observed:
        return []
    m = template.tree.metrics[metric]
    if m.numerator and m.denominator:
        return [*_missing(template, m.numerator, observed), *_missing(template, m.denominator, observed)]
    formula = template.tree.formulas.get(metric)
    if formula and formula.op == "+":
        return [x for a in formula.args for x in _missing(template, a, observed)]
    return [metric]


def no_data(template: Template, metrics: Iterable[str], observed: Collection[str], vocab: Vocabulary
            ) -> dict[str, NoData]:
    """metric → why the data cannot tell it, for each of ``metrics`` it cannot."""
    out = {}
    for metric in metrics:
        missing = list(dict.fromkeys(_missing(template, metric, observed)))
        if not missing:
            continue
        out[metric] = NoData(metric, tuple(missing),
                             _needs(vocab, (o for m in missing for o in template.observe.get(m, ()))))
    return out


def _needs(vocab: Vocabulary, observations: Iterable[Observation]) -> tuple[Text, ...]:
    """Columns or values that would tell ``observations``, each as an export in ja and in en names it."""
    pairs = (zip(source_words(vocab, o.value, "ja"), source_words(vocab, o.value, "en")) for o in observations)
    return tuple(dict.fromkeys(Text(ja, en) for words in pairs for ja, en in words))


def _in(needs: Iterable[Text], lang: str) -> list[str]:
    return list(dict.fromkeys(w.pick(lang) for w in needs))


@dataclass(frozen=True)
class Partial:
    """A metric counted from some of what makes it: the data has rows of a channel (emails
    sent) whose outcome (a reply) no column tells, so those rows add nothing to it."""

    metric: str
    counted: tuple[Observation, ...]
    missing: tuple[Observation, ...]
    needs: tuple[Text, ...]

    def needs_in(self, lang: str) -> list[str]:
        return _in(self.needs, lang)

    def as_json(self, template: Template, lang: str) -> dict[str, object]:
        return {"counted": [o.value for o in self.counted], "missing": [o.value for o in self.missing],
                "needs": self.needs_in(lang), "reason": self.text(template, lang)}

    def text(self, template: Template, lang: str) -> str:
        return label("partial_data", lang, metric=template.tree.metrics[self.metric].label(lang),
                     counted=_words(self.counted, lang), missing=self.missing_in(lang),
                     needs=" / ".join(self.needs_in(lang)))

    def missing_in(self, lang: str) -> str:
        """What the count leaves out, in ``lang``: 返信 / replied."""
        return _words(self.missing, lang)


def _words(items: Iterable[Observation], lang: str) -> str:
    return " / ".join(label(f"obs_{o.value}", lang) for o in items)


def partial(template: Template, metrics: Iterable[str], actuals: Actuals, vocab: Vocabulary) -> dict[str, Partial]:
    """metric → what it leaves out, for each of ``metrics`` the data feeds in part
    (:func:`~kpi_xl.engine.actuals.partly_observed`), with the columns that would tell it."""
    found = actuals.partly_observed(template)
    return {m: Partial(m, *found[m], _needs(vocab, found[m][1])) for m in metrics if m in found}
