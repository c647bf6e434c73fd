"""The recorded series: the name, meaning, label, unit and good direction of every column.

Kept apart from the recorder, which needs Mesa and pandas, so that reading a
scenario (whose claims name series) stays light. The declarations drive the
figures (a panel only holds series of one unit, so no panel needs a second
axis), the metrics derived from each series (``simulator.experiments.metrics``)
and the colour maps of sweeps (which way is good).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SERIES", "SERIES_INFO", "Series", "UNITS"]

#: The units a series can have, and how an axis names them.
UNITS: dict[str, str] = {
    "share": "share of agents (0-1)",
    "level": "level (0-1)",
    "capacity": "capacity per district",
    "districts": "districts",
    "flag": "yes (1) / no (0)",
    "gain": "gain",
    "step": "step",
}


@dataclass(frozen=True)
class Series:
    """One recorded series.

    ``better`` is ``"lower"``, ``"higher"`` or ``""`` when neither is better
    in itself (a lever, a setting the loop chose).
    """

    name: str
    meaning: str
    label: str
    unit: str
    better: str = ""


def _s(name, meaning, label, unit, better=""):
    return Series(name, meaning, label, unit, better)


_DECLARED = [
    _s("step", "model step (0 is the initial state)", "step", "step"),
    _s("need", "mean need (true, all agents)", "need", "level", "lower"),
    _s("trust", "mean trust (true)", "trust", "level", "higher"),
    _s("grievance", "mean latent grievance, need x (1 - trust) (true)", "grievance", "level", "lower"),
    _s("latent", "share of agents whose grievance exceeds their threshold (would express if unafraid)",
       "latent: would express if unafraid", "share", "lower"),
    _s("expression", "share of agents expressing (true)", "expressing (true)", "share", "lower"),
    _s("observed_expression", "share expressing as the loop sees it (delayed, noisy, partial)",
       "expressing, as the loop sees it", "share"),
    _s("observability_gap", "latent minus observed_expression: what the loop does not see",
       "observability gap (latent - seen)", "share", "lower"),
    _s("participation", "share of agents using the loop's services this step", "participating", "share"),
    _s("removed", "share of agents temporarily removed", "removed", "share", "lower"),
    _s("tension", "the loop's estimate of mean district tension", "tension (loop's estimate)", "level", "lower"),
    _s("accommodate", "accommodation delivered, mean per district", "accommodate", "capacity"),
    _s("constrain", "constraint delivered, mean per district", "constrain", "capacity"),
    _s("incentivise", "incentives delivered, mean per district", "incentivise", "capacity"),
    _s("mobilise", "mobilisation delivered, mean per district", "mobilise (reserve)", "capacity"),
    _s("faults", "number of districts the loop flags as faults", "districts in fault", "districts", "lower"),
    _s("repairs", "districts that were faults last step and are not now", "repairs", "districts"),
    _s("crisis", "1 when the loop declares a system-wide crisis", "crisis declared", "flag", "lower"),
    _s("shock", "1 at a step when a shock hit", "shock", "flag"),
    _s("alignment", "mean alignment of the executing agencies with the centre", "alignment of agencies",
       "level", "higher"),
    _s("reserve", "mobilisation reserve left, per district", "reserve left", "capacity"),
    _s("fatigue", "fatigue of the mobilisation reserve", "fatigue", "level", "lower"),
    _s("gain", "current proportional gain (self-optimizing)", "gain", "gain"),
    _s("soft_share", "current lever mix: accommodation share (self-optimizing)", "accommodation share", "level"),
    _s("incentive_share", "current incentive share (self-optimizing)", "incentive share", "level"),
    _s("centralisation", "current centralisation (self-configuring)", "centralisation", "level"),
    _s("sharing", "current information sharing (self-configuring)", "information sharing", "level"),
    _s("granularity", "current districts per side of a management unit (self-configuring)",
       "districts per unit side", "districts"),
    _s("capacity", "current capacity per district (self-configuring)", "capacity", "capacity"),
    _s("cost", "capacity spent this step, per district (levers, monitoring, oversight)", "capacity spent", "capacity",
       "lower"),
    _s("collapsed", "1 when expression is at or above society.collapse_level", "at or above the collapse line",
       "flag", "lower"),
]

#: Every recorded series, declared once.
SERIES_INFO: dict[str, Series] = {s.name: s for s in _DECLARED}
#: Every recorded series and what it measures (system level, one value per step).
SERIES: dict[str, str] = {s.name: s.meaning for s in _DECLARED}
