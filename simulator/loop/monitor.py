"""Monitor: the loop's sensory channel.

It turns the society's true district aggregates into what the loop can
know: only part of each district is sensed (coverage, plus what participants
report through services), the figures are noisy, and they arrive late. It
also reports how visible it is, because being watched changes behaviour
(the chilling effect): the society adds that visibility to perceived risk.

Expression is sensed directly by coverage and indirectly through
participants; need is known only from participants' reports, so a loop
whose services nobody uses is nearly blind to need.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..config import Config
from .contracts import DistrictState, Observation

__all__ = ["Monitor", "visible_eyes"]


def visible_eyes(visibility: float, coverage: float, window_cells: float) -> float:
    """Visible monitoring as expected observers within an agent's vision (it deters)."""
    return visibility * coverage * window_cells


class Monitor:
    """Sense district aggregates with coverage, noise and delay."""

    def __init__(self, config: Config, window_cells: int, rng: np.random.Generator):
        self.config = config
        self.rng = rng
        self.window_cells = window_cells
        self._queue: deque[Observation] = deque(maxlen=config.monitor.delay + 1)
        self._eyes: np.ndarray | None = None

    def eyes(self, districts: int) -> np.ndarray:
        """Visible monitoring per district, as expected observers within vision."""
        # the settings never change in a run: make the (read-only) array once
        if self._eyes is None or self._eyes.size != districts:
            m = self.config.monitor
            self._eyes = np.full(districts, visible_eyes(m.visibility, m.coverage, self.window_cells))
            self._eyes.flags.writeable = False
        return self._eyes

    def observe(self, state: DistrictState, step: int) -> Observation:
        """Record what is sensed now and return what the loop sees (delayed)."""
        m, rng = self.config.monitor, self.rng
        n = state.population.size
        reported = m.participation_sensing * state.participation
        sensed = 1.0 - (1.0 - m.coverage) * (1.0 - reported)
        # expressers picked up are a random sample of the sensed part
        pop = np.maximum(state.population, 1.0)
        expressers = np.rint(state.expression * pop).astype(np.int64)
        seen = rng.binomial(expressers, sensed)
        # the three noises in one draw: the same numbers as three draws in turn
        noise = rng.standard_normal(3 * n)
        # the three estimates as rows of one array, clipped in one call
        sensed_rows = np.empty((3, n))
        expression, need, participation = sensed_rows
        np.add(seen / np.maximum(sensed * pop, 1.0), m.noise * noise[:n], out=expression)
        # need is known only from reports by participants
        need_noise = m.noise / np.sqrt(np.maximum(reported, 0.01))
        np.add(state.need, need_noise * noise[n:2 * n], out=need)
        np.add(state.participation, m.noise * noise[2 * n:], out=participation)
        np.clip(sensed_rows, 0.0, 1.0, out=sensed_rows)
        self._queue.append(Observation(step=step, expression=expression, need=need,
                                       participation=participation, sensed=sensed))
        return self._queue[0]
