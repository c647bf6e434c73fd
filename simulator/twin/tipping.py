"""The road to a tipping point, as the twin sees it: the quiet state along a drift.

A scenario whose lever mix drifts (``drift.*``, :mod:`simulator.loop.drift`)
moves its loop along a line of parameter values. At each of them the twin
has fixed points (:mod:`.equilibria`); the quiet state is the branch the
loop starts on. Along the drift two things tell where it is going:

* **the fold**: the value where the quiet state meets the unstable state
  that bounds its basin, and both vanish: past it the loop must leave for
  another state (a tipping point);
* **the leading eigenvalue** of the quiet state: how fast the loop returns
  to it after a small push. Near a fold it moves toward zero, so the loop
  recovers ever more slowly ("critical slowing down"), which is what
  rolling variance and autocorrelation look for in a series
  (:mod:`simulator.experiments.early_warning`).

The twin is a mean field: it has no noise. A noisy society may leave the
quiet state before the fold, once its basin has become as narrow as its
fluctuations; the fold is where the quiet state stops existing at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..loop.drift import drifting
from .equilibria import follow
from .solve import TwinError

__all__ = ["Road", "road_to_tipping", "RESOLUTION"]

#: Spacing of the lever-mix values the twin's fixed points are found at.
RESOLUTION = 0.005
KEY = "plan.soft_share"


@dataclass(frozen=True)
class Road:
    """The quiet state along a drift of the lever mix.

    ``table`` has one row per scanned value: the ``step`` at which the drift
    reaches it, the lever mix ``soft_share``, and the quiet state's
    ``leading_real`` (the real part of its leading eigenvalue) and
    ``expression`` (NaN past the fold). ``fold`` is the lever mix at which
    the quiet state vanishes (None if it lasts the whole drift) and
    ``fold_step`` the step at which the drift reaches it.
    """

    table: pd.DataFrame
    fold: float | None
    fold_step: float | None


def road_to_tipping(values: Mapping[str, Any], resolution: float = RESOLUTION) -> Road:
    """The twin's quiet state at every ``resolution`` of the lever mix along the drift.

    Raises :class:`~.solve.TwinError` if the scenario's lever mix does not drift.
    """
    initial, to = float(values[KEY]), float(values["drift.to"])
    per_step, start = float(values["drift.per_step"]), float(values["drift.start"])
    if not drifting(per_step, initial, to):
        raise TwinError("the lever mix does not drift in this scenario (set drift.per_step > 0 "
                        "and drift.to different from plan.soft_share)")
    count = round(abs(initial - to) / resolution) + 1
    grid = np.linspace(initial, to, count)  # in the order the drift goes
    scan = follow(values, KEY, grid.tolist())
    level = scan.twins[0].index["expression"]
    stable = [k for k, p in enumerate(scan.points[0]) if p.stable]
    if not stable:
        raise TwinError(f"the twin has no stable state at {KEY} = {initial:g}, where the drift starts")
    quiet = scan.branch[0][stable[0]]  # points are sorted quietest first
    lead, expression = np.full(count, np.nan), np.full(count, np.nan)
    last = -1
    for i, (points, branch) in enumerate(zip(scan.points, scan.branch)):
        on = [p for p, b in zip(points, branch) if b == quiet and p.stable]
        if not on:
            break
        lead[i], expression[i], last = on[0].leading.real, on[0].state[level], i
    fold = None if last == count - 1 else float((grid[last] + grid[last + 1]) / 2)
    steps = start + np.abs(grid - initial) / per_step
    table = pd.DataFrame({"step": steps, "soft_share": grid, "leading_real": lead,
                          "expression": expression})
    fold_step = None if fold is None else float(start + abs(initial - fold) / per_step)
    return Road(table, fold, fold_step)
