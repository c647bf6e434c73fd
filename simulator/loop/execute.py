"""Execute: the loop's motor channel, through the executing agencies.

Plans wait in a queue until their delay has passed: the share a local unit
decided waits for the unit's delay (longer for larger units), the share the
centre decided waits longer still. What then reaches a district is reduced by
implementation loss, which information sharing between agencies cuts, and
bent by the agency's alignment with the centre: a misaligned agency
withholds accommodation and over-applies constraint. A plan stays in force
until the next one arrives.
"""

from __future__ import annotations

import operator

import numpy as np

from ..config import Config
from .contracts import Delivery, Plan

__all__ = ["Executor", "decision_delays"]


def decision_delays(execute_delay: int, central_delay: int, granularity: int,
                    districts_per_side: int) -> tuple[int, int]:
    """Steps until a local and a central decision take effect.

    Every decision waits one step and the execution delay. The centre adds
    ``central_delay``; a local unit adds the part of it that its size calls
    for: a unit spanning the whole grid is as slow as the centre, a single
    district adds nothing.
    """
    base = 1 + execute_delay
    k = districts_per_side
    unit = (granularity - 1) / (k - 1) if k > 1 else 0.0
    return base + round(unit * central_delay), base + central_delay


def _levers(plan: Plan | None) -> tuple:
    """The arrays of a plan (empty for no plan), to compare by identity."""
    if plan is None:
        return ()
    return plan.accommodate, plan.constrain, plan.incentivise, plan.mobilise, plan.central


class Executor:
    """Delay, capacity limits and implementation loss.

    Two channels: the local share of each plan takes effect at its local due
    step, the centrally decided share (``Plan.central``) at its central due
    step. In each channel the newest decision that is due is in force.
    """

    def __init__(self, config: Config, districts: int):
        self.config = config
        self._queue: list[tuple[int, str, Plan]] = []
        self._in_force = Delivery.zeros(districts)
        self._current: dict[str, Plan] = {}
        self._made_from: tuple | None = None  # what _in_force was computed from

    def submit(self, plan: Plan, due: int, central_due: int | None = None) -> None:
        """Queue ``plan``: its local share for step ``due``, its central share
        for ``central_due`` (default: the same step)."""
        self._queue.append((due, "local", plan))
        self._queue.append((due if central_due is None else central_due, "central", plan))

    def deliver(self, step: int, alignment: np.ndarray, sharing: float) -> Delivery:
        """What reaches each district at ``step``.

        Parameters
        ----------
        alignment : numpy.ndarray
            Alignment of the agency serving each district, in [0, 1].
        sharing : float
            Information sharing between agencies, in [0, 1].
        """
        due = [item for item in self._queue if item[0] <= step]
        for channel in ("local", "central"):
            mine = [item for item in due if item[1] == channel]
            if mine:  # the newest decision that is due replaces everything older
                self._current[channel] = max(mine, key=lambda item: (item[0], item[2].step))[2]
        self._queue = [item for item in self._queue if item[0] > step]
        local, central = self._current.get("local"), self._current.get("central")
        if local is None and central is None:
            return self._in_force
        # plans in force made of the same (read-only) arrays as last time, and the
        # same alignment and sharing: the same delivery, without the arithmetic
        # (the usual case with policy "none", whose plans share one zero array)
        made = (*_levers(local), None, *_levers(central))
        last = self._made_from
        if (last is not None and len(last[0]) == len(made) and all(map(operator.is_, made, last[0]))
                and last[1] == sharing and np.array_equal(last[2], alignment)):
            d = self._in_force
            self._in_force = Delivery(d.accommodate, d.constrain, d.incentivise, d.mobilise)
            return self._in_force
        self._made_from = (made, sharing, alignment.copy())
        zero = np.zeros_like(alignment, dtype=float)

        def part(plan: Plan | None, lever: str, centrally: bool) -> np.ndarray:
            if plan is None:
                return zero
            assert plan.central is not None  # Plan fills it in on construction
            share = plan.central if centrally else 1.0 - plan.central
            return getattr(plan, lever) * share

        def lever(name: str) -> np.ndarray:
            return part(local, name, False) + part(central, name, True)

        e = self.config.execute
        kept = 1.0 - e.loss * (1.0 - sharing)
        overreach = self.config.apparatus.overreach * (1.0 - alignment)
        self._in_force = Delivery(
            accommodate=lever("accommodate") * kept * alignment,
            constrain=np.minimum(lever("constrain") * kept * (1.0 + overreach), e.max_intensity * 2),
            incentivise=(local.incentivise if local is not None else zero) * kept,
            mobilise=(local.mobilise if local is not None else zero) * kept,
        )
        return self._in_force
