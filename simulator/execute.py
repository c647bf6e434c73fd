"""Execute: the loop's motor channel, through the executing agencies.

Plans wait in a queue until their delay has passed (a central decision
waits longer than a local one). What then reaches a district is reduced by
implementation loss, which information sharing between agencies cuts, and
bent by the agency's alignment with the centre: a misaligned agency
withholds accommodation and over-applies constraint. A plan stays in force
until the next one arrives.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .contracts import Delivery, Plan

__all__ = ["Executor"]


class Executor:
    """Delay, capacity limits and implementation loss."""

    def __init__(self, config: Config, districts: int):
        self.config = config
        self._queue: list[tuple[int, Plan]] = []
        self._in_force = Delivery.zeros(districts)
        self._current: Plan | None = None

    def submit(self, plan: Plan, due: int) -> None:
        """Queue ``plan`` to take effect at step ``due``."""
        self._queue.append((due, plan))

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
        if due:
            # the newest decision that is due replaces everything older
            self._current = max(due, key=lambda item: (item[0], item[1].step))[1]
            self._queue = [item for item in self._queue if item[0] > step]
        plan = self._current
        if plan is None:
            return self._in_force
        e = self.config.execute
        kept = 1.0 - e.loss * (1.0 - sharing)
        overreach = self.config.apparatus.overreach * (1.0 - alignment)
        self._in_force = Delivery(
            accommodate=plan.accommodate * kept * alignment,
            constrain=np.minimum(plan.constrain * kept * (1.0 + overreach), e.max_intensity * 2),
            incentivise=plan.incentivise * kept,
            mobilise=plan.mobilise * kept,
        )
        return self._in_force
