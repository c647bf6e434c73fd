"""District managers: students who decide their district's local response.

The centre (the built-in policy, or the instructor through the budget and
centralisation) decides a share ``centralisation`` of every district's
response, exactly as in a run without a class. What the centre leaves to
the local unit is the district's *delegated capacity*:

    delegated = (1 - centralisation) * lever budget / districts

A district whose seat a student holds spends that capacity as the student
says: three shares of it, for accommodation, constraint and incentives,
which add up to at most one. A district nobody holds (or whose student has
left) runs the built-in policy's local part. The centre's part of a held
district is untouched, so the student's response and the centre's compete
in the same district, each with its own delay.

Everything here is per district: a manager sees and acts on a district,
never on an agent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..config import Config
from ..loop.contracts import Assessment, Plan
from ..loop.knowledge import Settings
from ..loop.plan import Planner

__all__ = ["LocalLevers", "DistrictManagers", "delegated_capacity", "LEVER_NAMES"]

#: What a district manager sets, in this order (shares of the delegated capacity).
LEVER_NAMES: tuple[str, ...] = ("accommodate", "constrain", "incentivise")


@dataclass(frozen=True)
class LocalLevers:
    """A manager's decision: shares of the district's delegated capacity, adding up to <= 1."""

    accommodate: float = 0.0
    constrain: float = 0.0
    incentivise: float = 0.0

    @classmethod
    def parse(cls, values: object) -> LocalLevers:
        """Levers from a page's message: three numbers in [0, 1] adding up to at most 1.

        Raises ``ValueError`` with one line saying what is allowed.
        """
        if not isinstance(values, (list, tuple)) or len(values) != len(LEVER_NAMES):
            raise ValueError(f"levers must be three numbers ({', '.join(LEVER_NAMES)})")
        shares = []
        for name, v in zip(LEVER_NAMES, values, strict=True):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
                raise ValueError(f"{name} must be a number in [0, 1]")
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v}")
            shares.append(float(v))
        if sum(shares) > 1.0 + 1e-9:
            raise ValueError(f"the three levers share one capacity: they add up to {sum(shares):.2f}, "
                             "at most 1 is allowed")
        return cls(*shares)

    def as_list(self) -> list[float]:
        return [self.accommodate, self.constrain, self.incentivise]


def delegated_capacity(budget: float, settings: Settings, districts: int) -> float:
    """Capacity per district that the centre leaves to the local unit."""
    return (1.0 - settings.centralisation) * budget / districts


class DistrictManagers:
    """The Plan stage of a classroom session: the built-in policy, with held districts' local part
    decided by their students."""

    def __init__(self, config: Config, units_of: Callable[[int], np.ndarray]):
        self.builtin = Planner(config, units_of)
        self.cap = config.execute.max_intensity
        #: district -> the levers its student set (only districts whose seat is held)
        self.held: dict[int, LocalLevers] = {}
        #: the delegated capacity per district at the last plan
        self.delegated = 0.0

    def hold(self, district: int, levers: LocalLevers) -> None:
        self.held[district] = levers

    def release(self, district: int) -> None:
        self.held.pop(district, None)

    def plan(self, assessment: Assessment, settings: Settings, budget: float,
             mobilise: np.ndarray, repair: np.ndarray | None) -> Plan:
        plan = self.builtin.plan(assessment, settings, budget, mobilise, repair)
        districts = assessment.tension.size
        self.delegated = delegated_capacity(budget, settings, districts)
        if not self.held:
            return plan
        return local_decisions(plan, self.held, self.delegated, self.cap)


def local_decisions(plan: Plan, held: Mapping[int, LocalLevers], delegated: float, cap: float) -> Plan:
    """``plan`` with the local part of each held district replaced by its manager's levers."""
    assert plan.central is not None
    acc, con, inc = plan.accommodate.copy(), plan.constrain.copy(), plan.incentivise.copy()
    share = plan.central.copy()
    share_con = share.copy()
    for d, lv in held.items():
        centre_acc, centre_con = acc[d] * share[d], con[d] * share[d]
        local_acc, local_con = lv.accommodate * delegated, lv.constrain * delegated
        acc[d] = min(centre_acc + local_acc, cap)
        con[d] = min(centre_con + local_con, cap)
        inc[d] = min(lv.incentivise * delegated, cap)
        share[d] = centre_acc / (centre_acc + local_acc) if centre_acc + local_acc > 0 else 0.0
        share_con[d] = centre_con / (centre_con + local_con) if centre_con + local_con > 0 else 0.0
    return Plan(step=plan.step, accommodate=acc, constrain=con, incentivise=inc,
                mobilise=plan.mobilise, central=share, central_constrain=share_con)
