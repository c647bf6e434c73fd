"""A scenario's figure, declared as data: which series share a panel, and what is marked.

A scenario file may carry a ``[figure]`` table; without one it gets the six
panels of the standard dashboard, lettered (a) to (f) as docs/teaching.md
reads them::

    [figure]
    panels = ["felt_and_seen", "society", "faults"]   # standard panels, by name, in order
    compare = ["expression", "observability_gap", "trust", "cost"]  # compare.png, one series a panel
    headline = ["observability_gap_late", "cost_late"]  # metrics the printed tables add

    [[figure.panel]]        # and panels of its own, after the standard ones
    title = "The blind spot"
    series = ["latent", "observed_expression", "observability_gap"]
    references = ["society.collapse_level"]

Every series of a panel has one unit (``simulator.series.UNITS``), so a panel
needs one y axis and never a second one that would suggest false magnitudes.
References are parameters drawn as horizontal lines at their value. This
module holds no drawing (``simulator.viz.figures`` draws); it only declares
and checks, so that reading a scenario stays light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .config import suggest
from .errors import ScenarioError
from .headline import METRICS
from .series import SERIES_INFO, UNITS

__all__ = ["Panel", "FigureSpec", "STANDARD", "DEFAULT_COMPARE", "parse_figure", "events"]


@dataclass(frozen=True)
class Panel:
    """One panel: a title, series of one unit, reference lines, and how the series are drawn."""

    name: str
    title: str
    series: tuple[str, ...]
    references: tuple[str, ...] = ()
    stacked: bool = False     # stacked areas (parts of one whole), not lines
    letter: str = ""

    @property
    def unit(self) -> str:
        return SERIES_INFO[self.series[0]].unit


#: The standard dashboard's panels, by name, lettered as docs/teaching.md reads them.
STANDARD: dict[str, Panel] = {p.name: p for p in (
    Panel("felt_and_seen", "What is felt vs what is seen",
          ("latent", "expression", "observed_expression", "observability_gap"),
          ("society.collapse_level",), letter="a"),
    Panel("society", "The society", ("need", "trust", "grievance"), letter="b"),
    Panel("levers", "Lever allocation, within capacity",
          ("accommodate", "constrain", "incentivise", "mobilise", "capacity"), stacked=True, letter="c"),
    Panel("faults", "Faults arise and are repaired", ("faults", "repairs"), letter="d"),
    Panel("participation", "Participation and removal", ("participation", "removed"), letter="e"),
    Panel("slow_loops", "Slow loops and the apparatus",
          ("alignment", "centralisation", "soft_share", "sharing"), letter="f"),
)}
#: The series of ``compare.png`` when a scenario does not choose: one panel each.
DEFAULT_COMPARE: tuple[str, ...] = ("expression", "latent", "observed_expression", "trust", "need", "cost")


@dataclass(frozen=True)
class FigureSpec:
    """What a scenario's figures show."""

    panels: tuple[Panel, ...] = tuple(STANDARD.values())
    compare: tuple[str, ...] = DEFAULT_COMPARE
    headline: tuple[str, ...] = ()
    declared: bool = field(default=False, compare=False)

    def tables(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The ``[figure]`` table and its ``[[figure.panel]]`` tables that declare this figure."""
        standard = [p.name for p in self.panels if p.name in STANDARD]
        simple: dict[str, Any] = {**({"panels": standard} if standard else {}), "compare": list(self.compare)}
        if self.headline:
            simple["headline"] = list(self.headline)
        own = [{"title": p.title, "series": list(p.series), **({"references": list(p.references)}
                                                             if p.references else {})}
               for p in self.panels if p.name not in STANDARD]
        return simple, own


def _names(value: Any, what: str, known: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
        raise ScenarioError(f"{what} must be a non-empty list of names; got {value!r}")
    for v in value:
        if v not in known:
            raise ScenarioError(f"{what}: unknown name {v!r}{suggest(v, known)}")
    return tuple(value)


def _own_panel(table: Any, letter: str) -> Panel:
    from .parameters import PARAMETERS

    if not isinstance(table, dict):
        raise ScenarioError("each [[figure.panel]] must be a table with title and series")
    unknown = set(table) - {"title", "series", "references"}
    if unknown:
        raise ScenarioError(f"unknown key figure.panel.{sorted(unknown)[0]}; allowed: title, series, references")
    title = table.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ScenarioError("figure.panel.title must be text")
    series = _names(table.get("series"), f"figure.panel '{title}' series", list(SERIES_INFO))
    units = {SERIES_INFO[s].unit for s in series}
    if len(units) > 1:
        raise ScenarioError(f"figure.panel '{title}' mixes units ({', '.join(UNITS[u] for u in sorted(units))}); "
                            "one panel holds series of one unit")
    refs = table.get("references")
    references = _names(refs, f"figure.panel '{title}' references", list(PARAMETERS)) if refs else ()
    return Panel(f"own_{letter}", title.strip(), series, references, letter=letter)


def parse_figure(table: Any) -> FigureSpec:
    """Check a scenario's ``[figure]`` table and return what it declares."""
    if table is None:
        return FigureSpec()
    if not isinstance(table, dict):
        raise ScenarioError("[figure] must be a table")
    unknown = set(table) - {"panels", "compare", "headline", "panel"}
    if unknown:
        raise ScenarioError(f"unknown key figure.{sorted(unknown)[0]}; allowed: panels, compare, headline, panel")
    standard = (_names(table["panels"], "figure.panels", list(STANDARD)) if "panels" in table
                else (() if "panel" in table else tuple(STANDARD)))
    panels = [STANDARD[name] for name in standard]
    own = table.get("panel", [])
    if not isinstance(own, list):
        raise ScenarioError("[[figure.panel]] must be an array of tables")
    letters = "abcdefghijklmnopqrstuvwxyz"
    used = {p.letter for p in panels}
    free = [c for c in letters if c not in used]
    panels += [_own_panel(t, free[i]) for i, t in enumerate(own)]
    compare = (_names(table["compare"], "figure.compare", list(SERIES_INFO)) if "compare" in table
               else DEFAULT_COMPARE)
    headline: tuple[str, ...] = ()
    if "headline" in table:
        headline = _names(table["headline"], "figure.headline", list(METRICS))
    return FigureSpec(tuple(panels), compare, headline, declared=True)


def events(config) -> list[tuple[float, float, str]]:
    """Scheduled events a figure marks: ``(first step, last step, words)``.

    Shocks come from the ``shock`` series (they may be random); the falls in
    legitimacy and in standing enforcement are scheduled by parameters.
    """
    out = []
    for kind, words in (("trust_drop", "legitimacy falls"), ("enforcement_drop", "police cut")):
        size, start = config[f"shock.{kind}"], config[f"shock.{kind}_step"]
        if size > 0 and start >= 0:
            last = start + config[f"shock.{kind}_duration"] - 1
            out.append((float(start), float(last), f"{words} by {size:g}"))
    return out
