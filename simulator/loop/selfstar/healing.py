"""Self-healing: each district's faults are repaired where they arise.

Its own MAPE-K loop, at the scope of the district, every step:

* **Monitor** reads each district's fault flag and error from the fast
  loop's latest assessment in Knowledge.
* **Analyze** finds the districts in fault.
* **Plan** decides that each district is answered according to its own
  error (local repair, "source governance"), rather than with the system
  average.
* **Execute** leaves that decision in Knowledge; the fast loop's Plan then
  keeps each district's own response. With self-healing off nobody decides
  it, and the fast loop answers the system average with one uniform
  response everywhere.
"""

from __future__ import annotations

import numpy as np

from ...config import Config
from ..knowledge import Knowledge
from ..mapek import MapeLoop, Turn

__all__ = ["SelfHealing", "uniform_response"]


def uniform_response(accommodate: np.ndarray, constrain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The response with no local repair: every district gets the average."""
    return np.full_like(accommodate, accommodate.mean()), np.full_like(constrain, constrain.mean())


class SelfHealing(MapeLoop):
    """Fast and local: every district's fault is answered by its own response."""

    name = "self-healing"
    scope = "district"

    def __init__(self, config: Config):
        super().__init__(config.healing.enabled)

    def monitor(self, step: int, knowledge: Knowledge) -> np.ndarray:
        return knowledge.assessment.faults

    def analyze(self, faults: np.ndarray) -> int:
        return int(np.count_nonzero(faults))

    def plan(self, in_fault: int, knowledge: Knowledge) -> bool:
        return True  # repair locally: each district by its own error

    def execute(self, step: int, local: bool, knowledge: Knowledge) -> None:
        knowledge.local_repair = local

    def explain(self, turn: Turn) -> tuple[str, str, str]:
        districts = turn.saw.size
        return (f"{turn.concluded} of {districts} districts are in fault.",
                "Repair each district where its fault arises." if turn.concluded
                else "No district needs repair now.",
                "Each district gets the response its own tension calls for.")
