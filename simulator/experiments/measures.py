"""A claim's measure of one run: a statistic of one series over a window of steps.

The windows and statistics are named in :mod:`simulator.phenomenon`; this
module computes them from a run's recorded series (aggregates only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..phenomenon import Claim
from .metrics import last_quarter, oscillation, second_half

__all__ = ["window_of", "measure"]


def _shocks(series: pd.DataFrame) -> np.ndarray:
    return np.flatnonzero(series["shock"].to_numpy() > 0)


def window_of(series: pd.DataFrame, window: str | tuple[int, int]) -> slice:
    """The rows of ``series`` that a window names (row i is step i).

    A window that needs a shock the run did not have is empty.
    """
    n = len(series)
    if isinstance(window, tuple):
        return slice(min(window[0], n), min(window[1], n))
    if window == "run":
        return slice(1, n)
    if window == "late":
        return last_quarter(n)
    if window == "second_half":
        return second_half(n)
    if window == "last_two_thirds":
        return slice(n // 3, n)
    shocks = _shocks(series)
    if window == "after_shock":
        return slice(int(shocks[0]), n) if shocks.size else slice(0, 0)
    if window == "between_shocks":
        return slice(int(shocks[0]), int(shocks[1])) if shocks.size > 1 else slice(0, 0)
    if window == "after_second_shock":
        return slice(int(shocks[1]), n) if shocks.size > 1 else slice(0, 0)
    raise ValueError(f"unknown window {window!r}")  # parse_phenomenon refuses it first


def _settle(values: np.ndarray, level: float) -> float:
    peak = int(np.argmax(values))
    below = np.flatnonzero(values[peak:] < level)
    return float(below[0]) if below.size else float(values.size - peak)


def measure(series: pd.DataFrame, claim: Claim) -> float:
    """The claim's statistic of its series over its window (nan if the window is empty)."""
    values = series[claim.series].to_numpy(dtype=float)[window_of(series, claim.window)]
    if values.size == 0:
        return float("nan")
    stat = claim.stat
    if stat == "mean":
        return float(values.mean())
    if stat == "max":
        return float(values.max())
    if stat == "min":
        return float(values.min())
    if stat == "final":
        return float(values[-1])
    if stat == "sd":
        return float(values.std())
    if stat == "overshoot":
        return float(values.max() - values[last_quarter(values.size)].mean())
    if stat == "period":
        return oscillation(values)[0]
    assert claim.level is not None  # parse_phenomenon asks for it
    if stat == "settle":
        return _settle(values, claim.level)
    if stat == "share_above":
        return float((values > claim.level).mean())
    raise ValueError(f"unknown stat {stat!r}")
