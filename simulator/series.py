"""The recorded series: the name and meaning of every column a run records.

Kept apart from the recorder, which needs Mesa and pandas, so that reading a
scenario (whose claims name series) stays light.
"""

from __future__ import annotations

__all__ = ["SERIES"]

#: Every recorded series and what it measures (system level, one value per step).
SERIES: dict[str, str] = {
    "step": "model step (0 is the initial state)",
    "need": "mean need (true, all agents)",
    "trust": "mean trust (true)",
    "grievance": "mean latent grievance, need x (1 - trust) (true)",
    "latent": "share of agents whose grievance exceeds their threshold (would express if unafraid)",
    "expression": "share of agents expressing (true)",
    "observed_expression": "share expressing as the loop sees it (delayed, noisy, partial)",
    "observability_gap": "latent minus observed_expression: what the loop does not see",
    "participation": "share of agents using the loop's services this step",
    "removed": "share of agents temporarily removed",
    "tension": "the loop's estimate of mean district tension",
    "accommodate": "accommodation delivered, mean per district",
    "constrain": "constraint delivered, mean per district",
    "incentivise": "incentives delivered, mean per district",
    "mobilise": "mobilisation delivered, mean per district",
    "faults": "number of districts the loop flags as faults",
    "repairs": "districts that were faults last step and are not now",
    "crisis": "1 when the loop declares a system-wide crisis",
    "shock": "1 at a step when a shock hit",
    "alignment": "mean alignment of the executing agencies with the centre",
    "reserve": "mobilisation reserve left, per district",
    "fatigue": "fatigue of the mobilisation reserve",
    "gain": "current proportional gain (self-optimizing)",
    "soft_share": "current lever mix: accommodation share (self-optimizing)",
    "incentive_share": "current incentive share (self-optimizing)",
    "centralisation": "current centralisation (self-configuring)",
    "sharing": "current information sharing (self-configuring)",
    "granularity": "current districts per side of a management unit (self-configuring)",
    "capacity": "current capacity per district (self-configuring)",
    "cost": "capacity spent this step, per district (levers, monitoring, oversight)",
    "collapsed": "1 when expression is at or above society.collapse_level",
}
