"""Self-healing: each district finds its own faults and repairs them where they arise.

Its own MAPE-K loop, at the scope of the district, every step. Think of it
as one small loop per district, run side by side:

* **Monitor** reads the district's estimated tension and its trend from the
  fast loop's latest assessment in Knowledge (district aggregates only).
* **Analyze** finds the districts out of bounds now (tension above the
  set-point: reactive repair) and those whose tension, projected
  ``healing.horizon`` steps along its trend, will be (pre-emptive repair,
  "source governance"). It looks at the set-point, not at the fast loop's
  higher fault level: a local unit mends a deviation before the centre
  would call it a fault.
* **Plan** decides to repair each of them locally, by its own error.
* **Execute** leaves the repair orders in Knowledge, where the fast loop's
  Plan reads them.

What a repair can change is what the structure delegates: the centre decides
a share ``centralisation`` of every district's response, and the local units
the rest (:func:`delegated_response`). A local unit under a repair order
answers its own district's error; one without spreads its share evenly, as
every local unit does when self-healing is off. So self-healing does nothing
under full centralisation: there is nothing local left to repair with.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...config import Config
from ..analyze import projected
from ..knowledge import Knowledge
from ..mapek import MapeLoop, Turn

__all__ = ["SelfHealing", "Diagnosis", "delegated_response"]


def delegated_response(response: np.ndarray, repair: np.ndarray | None, centralisation: float) -> np.ndarray:
    """Each district's response, with the centre's share and the local units' share.

    The centre answers each district by its own error. A local unit answers
    its own district's error where self-healing ordered a repair, and spreads
    its share evenly elsewhere (and everywhere when ``repair`` is None).
    """
    even = response.sum() / response.size
    local = np.full_like(response, even) if repair is None else np.where(repair, response, even)
    return centralisation * response + (1.0 - centralisation) * local


class Diagnosis(NamedTuple):
    """What each district's Analyze finds: a fault now, or one ahead."""

    now: np.ndarray
    ahead: np.ndarray


class SelfHealing(MapeLoop):
    """Fast and local: each district repairs the faults it finds or foresees."""

    name = "self-healing"
    scope = "district"

    def __init__(self, config: Config):
        super().__init__(config.healing.enabled)
        self.horizon = config.healing.horizon
        self.setpoint = config.analyze.setpoint

    def monitor(self, step: int, knowledge: Knowledge) -> tuple[np.ndarray, np.ndarray]:
        a = knowledge.assessment
        return a.tension, a.trend

    def analyze(self, seen: tuple[np.ndarray, np.ndarray]) -> Diagnosis:
        tension, trend = seen
        now = tension > self.setpoint
        return Diagnosis(now, (projected(tension, trend, self.horizon) > self.setpoint) & ~now)

    def plan(self, diagnosis: Diagnosis, knowledge: Knowledge) -> np.ndarray:
        return diagnosis.now | diagnosis.ahead

    def execute(self, step: int, repair: np.ndarray, knowledge: Knowledge) -> None:
        knowledge.repair = repair

    def explain(self, turn: Turn) -> tuple[str, str, str]:
        tension, _ = turn.saw
        now, ahead = (int(np.count_nonzero(x)) for x in turn.concluded)
        repairs = int(np.count_nonzero(turn.did))
        foreseen = (f", and {ahead} more will be within {self.horizon} steps" if self.horizon
                    else " (it does not look ahead)")
        return (f"{now} of {tension.size} districts are above the set-point{foreseen}.",
                f"Repair {repairs} districts where they are." if repairs
                else "No district needs repair now.",
                "Their local units answer their own district's error; "
                "the other local units spread their share evenly.")
