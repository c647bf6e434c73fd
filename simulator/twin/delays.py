"""A delay as system dynamics writes it: a chain of first-order stages.

A delay of total length ``delay`` made of ``stages`` stages passes its input
through ``stages`` stocks in a row, each draining into the next at rate
``stages / delay``. What leaves has an Erlang-distributed lag with mean
``delay``: one stage is exponential smoothing, three Forrester's DELAY3,
many stages a fixed delay. Several signals can share one chain, side by
side; the stages live in a slice of the twin's state vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Chain"]


@dataclass(frozen=True)
class Chain:
    """A delay as ``stages`` first-order stages of total length ``delay``."""

    start: int      # index of the first stage in the state vector
    signals: int    # how many signals pass through side by side
    stages: int
    delay: float

    @property
    def size(self) -> int:
        return self.signals * self.stages if self.delay > 0 else 0

    def output(self, x: np.ndarray, inflow: np.ndarray) -> np.ndarray:
        if self.size == 0:
            return inflow
        last = self.start + (self.stages - 1) * self.signals
        return x[last:last + self.signals]

    def flow(self, x: np.ndarray, inflow: np.ndarray, dx: np.ndarray) -> None:
        """Write each stage's rate of change into ``dx``."""
        if self.size == 0:
            return
        a, b, k = self.start, self.start + self.size, self.signals
        rate = self.stages / self.delay
        dx[a:a + k] += rate * (inflow - x[a:a + k])
        dx[a + k:b] += rate * (x[a:b - k] - x[a + k:b])

    def fill(self, x: np.ndarray, value: np.ndarray) -> None:
        if self.size:
            x[self.start:self.start + self.size] = np.tile(value, self.stages)
