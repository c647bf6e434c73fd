"""What a scenario claims to show, declared as data in its ``[phenomenon]`` table.

A scenario teaches one phenomenon. Its file says which parameter students are
most likely to move (``key``) and, in ``[[phenomenon.claims]]``, each claim as
a comparison of one measure of a run between two variants (or against a
number), paired seed by seed::

    [phenomenon]
    key = "plan.capacity"

    [[phenomenon.claims]]
    says = "Self-protection keeps the highest expression after the shocks lower."
    series = "expression"       # a recorded series
    window = "after_shock"      # which steps (see WINDOWS), or [first, last)
    stat = "max"                # what of them (see STATS)
    variant = "protected"
    is = "lower"                # or "higher"
    than = "unprotected"        # another variant, or a number
    by = 0.08                   # on average over seeds, by at least this much
    seeds = 0.8                 # and in at least this share of seeds
    fails_under = ["shock.size -20 %"]   # moderate changes it is known not to survive

A claim that a moderate change breaks says so (``fails_under``, names from
:func:`change_names`): students see it in ``govsim show``, ``govsim
robustness`` marks it, and the tests hold every other claim to the changes
they run.

The same declaration is measured by the tests, by ``govsim robustness`` and
by the figure of where a lesson stops being true, so the claim is written
once. Nothing here runs a model: this module only reads and checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import shown, suggest
from .errors import ScenarioError
from .parameters import PARAMETERS

__all__ = ["Claim", "Phenomenon", "WINDOWS", "STATS", "CHANGES", "change_names", "parse_phenomenon"]

#: Named windows of a run (steps counted from 0; the first row is the start state).
WINDOWS: dict[str, str] = {
    "run": "every step after the first",
    "late": "the last quarter of the run",
    "second_half": "the second half of the run",
    "last_two_thirds": "from a third of the way through to the end",
    "after_shock": "from the first shock to the end",
    "between_shocks": "from the first shock to the step before the second",
    "after_second_shock": "from the second shock to the end",
}

#: What a claim may take of the steps in its window.
STATS: dict[str, str] = {
    "mean": "the mean",
    "max": "the highest value",
    "min": "the lowest value",
    "final": "the last value",
    "sd": "the standard deviation",
    "overshoot": "the highest value minus the mean of the window's last quarter",
    "period": "the dominant period of the detrended values, in steps",
    "settle": "steps from the window's highest value until it is back below `level`",
    "share_above": "the share of steps above `level`",
}

#: The moderate changes a seminar makes without thinking twice, by name (the key's come on top).
CHANGES: tuple[str, ...] = ("half the agents", "twice the agents", "6 x 6 districts", "runs 1.5 x longer")


def change_names(key: str | None) -> list[str]:
    """Every moderate change's name for a scenario whose key parameter is ``key``."""
    return [*CHANGES, *([f"{key} -20 %", f"{key} +20 %"] if key else [])]


_NEEDS_LEVEL = {"settle", "share_above"}
_KEYS = {"says", "series", "window", "stat", "variant", "is", "than", "by", "seeds", "level", "fails_under"}


@dataclass(frozen=True)
class Claim:
    """One comparison a scenario says holds."""

    says: str
    series: str
    window: str | tuple[int, int]
    stat: str
    variant: str
    is_: str
    than: str | float
    by: float = 0.0
    seeds: float = 0.8
    level: float | None = None
    fails_under: tuple[str, ...] = ()

    def describe(self) -> str:
        """The measure in words, e.g. 'max of expression after_shock'."""
        window = self.window if isinstance(self.window, str) else f"steps {self.window[0]}-{self.window[1]}"
        return f"{self.stat} of {self.series}, {window}"


@dataclass(frozen=True)
class Phenomenon:
    """The key parameter and the claims of one scenario."""

    key: str | None
    claims: tuple[Claim, ...]

    @property
    def variants(self) -> list[str]:
        """Every variant a claim compares, in order of first mention."""
        names: list[str] = []
        for c in self.claims:
            for v in (c.variant, c.than):
                if isinstance(v, str) and v not in names:
                    names.append(v)
        return names


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ScenarioError(f"{where} must be a number in [{low:g}, {high:g}], got {shown(value)}")
    return float(value)


def _changes(value: Any, where: str, key: str | None) -> tuple[str, ...]:
    allowed = change_names(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{where} must be a list of change names, got {shown(value)}")
    for name in value:
        if name not in allowed:
            raise ScenarioError(f"{where}: no change {shown(name)}{suggest(name, allowed)}; "
                                f"changes: {', '.join(allowed)}")
    return tuple(value)


def _claim(table: Any, i: int, variants: dict[str, Any], series: set[str], parameter: str | None) -> Claim:
    where = f"phenomenon.claims[{i}]"
    if not isinstance(table, dict):
        raise ScenarioError(f"{where} must be a table, got {shown(table)}")
    for key in table:
        if key not in _KEYS:
            raise ScenarioError(f"unknown key {where}.{key}{suggest(key, sorted(_KEYS))}; "
                                f"allowed: {', '.join(sorted(_KEYS))}")
    for key in ("says", "series", "window", "stat", "variant", "is", "than"):
        if key not in table:
            raise ScenarioError(f"{where} needs '{key}'")
    if not isinstance(table["says"], str) or not table["says"].strip():
        raise ScenarioError(f"{where}.says must be a sentence, got {shown(table['says'])}")
    if table["series"] not in series:
        raise ScenarioError(f"{where}.series: no recorded series {shown(table['series'])}"
                            f"{suggest(str(table['series']), sorted(series))}")
    window = table["window"]
    if isinstance(window, list):
        if (len(window) != 2 or not all(isinstance(w, int) and not isinstance(w, bool) for w in window)
                or not 0 <= window[0] < window[1]):
            raise ScenarioError(f"{where}.window must be a name or [first, last) with "
                                f"0 <= first < last, got {shown(window)}")
        window = (window[0], window[1])
    elif window not in WINDOWS:
        raise ScenarioError(f"{where}.window: unknown window {shown(window)}"
                            f"{suggest(str(window), list(WINDOWS))}; allowed: {', '.join(WINDOWS)} "
                            "or [first, last)")
    if table["stat"] not in STATS:
        raise ScenarioError(f"{where}.stat: unknown {shown(table['stat'])}"
                            f"{suggest(str(table['stat']), list(STATS))}; allowed: {', '.join(STATS)}")
    level = None
    if table["stat"] in _NEEDS_LEVEL or "level" in table:
        if "level" not in table:
            raise ScenarioError(f"{where}: stat '{table['stat']}' needs 'level'")
        level = _number(table["level"], f"{where}.level", -1e6, 1e6)
    for key in ("variant", *(["than"] if isinstance(table["than"], str) else [])):
        name = table[key]
        if name != "base" and name not in variants:
            raise ScenarioError(f"{where}.{key}: no variant {shown(name)}"
                                f"{suggest(str(name), list(variants))}; variants: "
                                f"{', '.join(variants) or 'none'} (or 'base')")
    than = table["than"]
    if not isinstance(than, str):
        than = _number(than, f"{where}.than", -1e6, 1e6)
    elif than == table["variant"]:
        raise ScenarioError(f"{where} compares variant '{than}' with itself")
    if table["is"] not in ("lower", "higher"):
        raise ScenarioError(f"{where}.is must be 'lower' or 'higher', got {shown(table['is'])}")
    return Claim(says=table["says"].strip(), series=table["series"], window=window,
                 stat=table["stat"], variant=table["variant"], is_=table["is"], than=than,
                 by=_number(table.get("by", 0.0), f"{where}.by", 0.0, 1e6),
                 seeds=_number(table.get("seeds", 0.8), f"{where}.seeds", 0.0, 1.0), level=level,
                 fails_under=_changes(table.get("fails_under", []), f"{where}.fails_under", parameter))


def parse_phenomenon(data: Any, variants: dict[str, Any], series: set[str]) -> Phenomenon | None:
    """Validate a ``[phenomenon]`` table against the scenario's variants and the recorded series."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ScenarioError(f"[phenomenon] must be a table, got {shown(data)}")
    for key in data:
        if key not in ("key", "claims"):
            raise ScenarioError(f"unknown key phenomenon.{key}{suggest(key, ['key', 'claims'])}; "
                                "allowed: key, claims")
    key = data.get("key")
    if key is not None and key not in PARAMETERS:
        raise ScenarioError(f"phenomenon.key: no parameter {shown(key)}{suggest(str(key), list(PARAMETERS))}")
    if key is not None and PARAMETERS[key].kind not in ("int", "float"):
        raise ScenarioError(f"phenomenon.key must be a numeric parameter, got '{key}'")
    claims = data.get("claims", [])
    if not isinstance(claims, list) or not claims:
        raise ScenarioError("phenomenon.claims must be one or more [[phenomenon.claims]] tables")
    return Phenomenon(key, tuple(_claim(t, i, variants, series, key) for i, t in enumerate(claims)))
