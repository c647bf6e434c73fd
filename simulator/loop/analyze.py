"""Analyze: from observations to an assessment of tension, faults and crisis.

Tension per district is a weighted blend of observed expression and reported
need, smoothed by an exponential filter. A linear trend projected over the
horizon lets the loop act before a fault happens (pre-emption, "source
governance"). A district whose projected tension passes the fault level is a
*fault*; when enough districts are in fault at once, the system declares a
*crisis*.
"""

from __future__ import annotations

import numpy as np

from ..config import Config
from .contracts import Assessment, Observation

__all__ = ["Analyzer", "projected"]


def projected(tension, trend, horizon: float):
    """Tension projected ``horizon`` steps ahead along its trend (the fast loop's
    forecast, and self-healing's look ahead)."""
    return tension + horizon * trend if horizon else tension


class Analyzer:
    """Exponential filter, trend projection and fault/crisis flags."""

    def __init__(self, config: Config, districts: int):
        self.config = config
        self._tension: np.ndarray | None = None
        self._expression = np.zeros(districts)
        self._need = np.zeros(districts)
        self._trend = np.zeros(districts)

    def assess(self, obs: Observation, setpoint: float) -> Assessment:
        """Estimate tension from ``obs`` and compare it with ``setpoint``."""
        a = self.config.analyze
        w = a.need_weight
        raw = (1.0 - w) * obs.expression + w * obs.need
        if self._tension is None:  # first look: nothing to filter against
            self._tension = raw.copy()
            self._expression = obs.expression.copy()
            self._need = obs.need.copy()
        alpha = a.smoothing
        previous = self._tension
        self._tension = alpha * raw + (1.0 - alpha) * previous
        self._expression = alpha * obs.expression + (1.0 - alpha) * self._expression
        self._need = alpha * obs.need + (1.0 - alpha) * self._need
        w = a.trend_smoothing
        self._trend = (1.0 - w) * self._trend + w * (self._tension - previous)
        forecast = projected(self._tension, self._trend, a.horizon)
        faults = forecast > a.fault_level
        # no copies: the filters make new arrays every step, never write in place
        return Assessment(
            step=obs.step,
            tension=self._tension,
            trend=self._trend,
            forecast=forecast,
            error=forecast - setpoint,
            faults=faults,
            crisis=bool(np.count_nonzero(faults) / faults.size >= a.crisis_share),
            expression=self._expression,
            need=self._need,
        )
