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

import numpy as np

from ..config import Config
from .contracts import Delivery, Plan

__all__ = ["Executor", "decision_delays", "delivered"]


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


def delivered(accommodate, constrain, incentivise, mobilise, alignment, sharing: float,
              loss: float, overreach: float, max_intensity: float) -> tuple:
    """What reaches the society of the levers an agency applies.

    Implementation loss takes ``loss`` of every lever, less with information
    sharing; an agency of alignment ``a`` withholds the share ``1 - a`` of
    accommodation and over-applies constraint by ``overreach (1 - a)``, up to
    twice ``max_intensity``. Works per district on arrays (the agent model)
    and on plain floats (the twin).
    """
    kept = 1.0 - loss * (1.0 - sharing)
    bent = constrain * kept * (1.0 + overreach * (1.0 - alignment))
    cap = max_intensity * 2
    return (accommodate * kept * alignment,
            np.minimum(bent, cap) if isinstance(bent, np.ndarray) else min(bent, cap),
            incentivise * kept, mobilise * kept)


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
        self._nothing = Delivery.zeros(districts)  # what idle plans deliver, whatever the agencies

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
        if (local is None or local.idle) and (central is None or central.idle):
            # plans that do nothing deliver nothing: no arithmetic (policy "none"), but
            # still a new contract every step
            d = self._nothing
            self._in_force = Delivery(d.accommodate, d.constrain, d.incentivise, d.mobilise)
            return self._in_force
        zero = np.zeros_like(alignment, dtype=float)

        def part(plan: Plan | None, lever: str, centrally: bool) -> np.ndarray:
            if plan is None:
                return zero
            central = plan.central_share(lever)
            share = central if centrally else 1.0 - central
            return getattr(plan, lever) * share

        def lever(name: str) -> np.ndarray:
            return part(local, name, False) + part(central, name, True)

        e = self.config.execute
        self._in_force = Delivery(*delivered(
            lever("accommodate"), lever("constrain"),
            local.incentivise if local is not None else zero, local.mobilise if local is not None else zero,
            alignment, sharing, e.loss, self.config.apparatus.overreach, e.max_intensity))
        return self._in_force
