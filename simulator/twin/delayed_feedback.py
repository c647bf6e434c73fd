"""The pure delayed negative-feedback loop, the smallest loop that oscillates.

::

    x --> [stage 1] --> [stage 2] --> ... --> [stage n] --+
    ^                                                     |
    +------------------- x' = -k * (perceived x) ---------+

A stock ``x`` (the gap between the state and its goal) is corrected at a
rate ``k`` times what the loop *perceives*, and it perceives ``x`` only
through a delay of total length ``tau`` made of ``n`` first-order stages
(system dynamics' way of writing a delay). Small ``k tau`` settles; past
the critical value

    k tau = n tan(pi / 2n) sec(pi / 2n)^n      (4 for n = 2, 2.67 for n = 3,
                                               tending to pi / 2 for large n)

the loop overshoots further on every swing: it oscillates with growing
amplitude. This is the mechanism behind the ``delay_oscillation`` scenario,
with nothing else in the way.

In scenario terms: ``k`` is ``plan.gain``, ``tau`` is the agent model's
loop delay ``1 + monitor.delay + execute.delay``, ``n`` is ``twin.stages``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DelayedFeedbackTwin", "critical_gain_delay"]


def critical_gain_delay(stages: int) -> float:
    """The analytic stability boundary ``k tau`` for ``stages`` first-order stages."""
    half = np.pi / (2 * stages)
    return float(stages * np.tan(half) / np.cos(half) ** stages)


class DelayedFeedbackTwin:
    """``x' = -k y_n``, ``y_1' = (n / tau)(x - y_1)``, ``y_j' = (n / tau)(y_{j-1} - y_j)``."""

    form = "delayed_feedback"

    def __init__(self, values: Mapping[str, Any]):
        v = dict(values)
        self.values = v
        self.gain = float(v["plan.gain"])
        self.delay = 1.0 + float(v["monitor.delay"]) + float(v["execute.delay"])
        self.stages = int(v["twin.stages"])
        self.size = 1 + self.stages
        self.index = {"x": 0}

    def initial(self) -> np.ndarray:
        """A unit disturbance at time 0 that the loop has not yet perceived."""
        x = np.zeros(self.size)
        x[0] = 1.0
        return x

    def rhs(self, t: float, x: np.ndarray, forcing: float = 0.0) -> np.ndarray:
        rate = self.stages / self.delay
        dx = np.empty_like(x)
        dx[0] = -self.gain * x[-1]
        dx[1:] = rate * (x[:-1] - x[1:])
        return dx

    def solver_jacobian(self, t: float = 0.0, x: np.ndarray | None = None,
                        forcing: float = 0.0) -> np.ndarray:
        """The exact Jacobian (the loop is linear, so the same everywhere)."""
        n, rate = self.stages, self.stages / self.delay
        J = np.zeros((n + 1, n + 1))
        J[0, -1] = -self.gain
        for j in range(1, n + 1):
            J[j, j - 1], J[j, j] = rate, -rate
        return J

    def shock_times(self, horizon: float) -> list[float]:
        return []

    def forcing_changes(self, horizon: float) -> list[float]:
        return []

    def forcing(self, t: float) -> float:
        return 0.0

    def observe(self, x: np.ndarray) -> dict[str, float]:
        return {"x": float(x[0]), "perceived": float(x[-1])}

    def frame(self, t: np.ndarray, states: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"step": t, "x": states[0], "perceived": states[-1]})
