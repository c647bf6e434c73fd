"""Self-protecting: a crisis releases the mobilisation reserve.

Its own MAPE-K loop, at the scope of the whole system and on a trigger:

* **Monitor** reads the fast loop's latest assessment from Knowledge:
  whether a crisis is declared, and each district's error and fault flag.
* **Analyze** decides where mobilisation would go: to the districts in fault,
  in proportion to how far above the set-point they are (evenly when no
  district is both).
* **Plan** releases a share of the reserve in a crisis; the reserve tires with
  use and rebuilds, and fatigue fades, while things are quiet.
* **Execute** leaves the mobilisation per district in Knowledge, where the
  fast loop's Plan adds it to its plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...config import Config
from ..knowledge import Knowledge
from ..mapek import MapeLoop, Turn

__all__ = ["SelfProtecting", "protect"]


def protect(reserve, fatigue, crisis, capacity: float, release: float, recovery: float, tiring: float):
    """One step of the reserve: ``(mobilised, reserve, fatigue)`` after it.

    ``crisis`` is a weight in [0, 1]: the agent model passes 0 or 1, the
    twin the probability that a crisis is declared. A crisis releases the
    share ``release`` of the reserve, of which fatigue (after this step's
    rise) takes its share; a quiet step rebuilds the reserve toward
    ``capacity`` and sheds fatigue, both at the rate ``recovery``.
    """
    released = crisis * release * reserve
    quiet = 1 - crisis
    reserve = reserve + quiet * recovery * (capacity - reserve) - released
    fatigue = crisis * min(1.0, fatigue + tiring) + quiet * fatigue * (1.0 - recovery)
    return released * (1.0 - fatigue), reserve, fatigue


@dataclass(frozen=True)
class _Seen:
    crisis: bool
    faults: int
    districts: int
    excess: np.ndarray  # per district: how far above the set-point, where in fault (else 0)


class SelfProtecting(MapeLoop):
    """Threshold-triggered: a declared crisis releases the mobilisation reserve."""

    name = "self-protecting"
    scope = "system"

    def __init__(self, config: Config, districts: int):
        p = config.protecting
        super().__init__(p.enabled)
        self.config = config
        self.capacity = p.reserve * districts
        self.reserve = self.capacity if p.enabled else 0.0
        self.fatigue = 0.0

    @property
    def pace(self) -> str:
        return "every step; releases when a crisis is declared"

    def monitor(self, step: int, knowledge: Knowledge) -> _Seen:
        a = knowledge.assessment
        return _Seen(a.crisis, int(np.count_nonzero(a.faults)), a.faults.size,
                     np.maximum(a.error, 0.0) * a.faults)

    def analyze(self, seen: _Seen) -> np.ndarray | None:
        """How to weigh the districts' mobilisation, or None when there is no crisis."""
        if not seen.crisis:
            return None
        # where mobilisation goes: districts in fault, by how far above the set-point
        weight = seen.excess
        if weight.sum() <= 0:
            weight = np.ones(seen.districts)
        return weight

    def plan(self, weight: np.ndarray | None, knowledge: Knowledge) -> np.ndarray:
        p = self.config.protecting
        mobilised, self.reserve, self.fatigue = protect(
            self.reserve, self.fatigue, 0.0 if weight is None else 1.0, self.capacity,
            p.release, p.recovery, p.fatigue)
        if weight is None:
            return np.zeros(knowledge.assessment.faults.size)
        return mobilised * weight / weight.sum()

    def execute(self, step: int, mobilisation: np.ndarray, knowledge: Knowledge) -> None:
        knowledge.mobilisation = mobilisation

    def explain(self, turn: Turn) -> tuple[str, str, str]:
        seen: _Seen = turn.saw
        saw = (f"A crisis is declared: {seen.faults} of {seen.districts} districts in fault."
               if seen.crisis else f"No crisis ({seen.faults} of {seen.districts} districts in fault).")
        concluded = ("Mobilise, where tension is furthest above the set-point."
                     if turn.concluded is not None else "Hold the reserve and let it rebuild.")
        total = float(turn.did.sum())
        did = (f"Released {total / seen.districts:.2f} per district; reserve left "
               f"{self.reserve / seen.districts:.2f}, fatigue {self.fatigue:.2f}."
               if total > 0 else f"Released nothing; reserve {self.reserve / seen.districts:.2f} per district.")
        return saw, concluded, did
