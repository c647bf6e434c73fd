"""Where the agents tip, and whether it warned: one fixed recipe.

The ``tipping_point`` scenario drifts the lever mix toward a fold. To ask
whether the approach warns, the series, the stretch, the detrending and the
window are chosen once, here, and kept for every seed and every series:

* the **tip** is the first step at which the true share expressing reaches
  :data:`TIP_LEVEL` (about twenty times the quiet level), found after the
  drift starts; the stretch analysed ends :data:`GAP` steps before it, so
  that the jump itself never enters the indicators;
* the stretch starts where the drift starts (before it, nothing changes);
* the series is detrended by a Gaussian smooth of :data:`BANDWIDTH` steps,
  longer than the quiet state's return time (the twin gives about 100 to
  130 steps along the drift), so that the slow fluctuations critical
  slowing down lengthens stay in the residual;
* the rolling window is half the stretch (Dakos et al. 2012);
* an indicator *rises* when its Kendall tau is above 0, and the approach
  *warns* when both the rolling variance and the lag-1 autocorrelation rise.

A control run, whose drift stops short of the fold, is analysed over the
same steps as the drifting run of the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .early_warning import EarlyWarning, early_warning, find_event

__all__ = ["TIP_LEVEL", "GAP", "BANDWIDTH", "tip_step", "warning_before", "Warned"]

TIP_LEVEL = 0.2
GAP = 20
BANDWIDTH = 200.0


def tip_step(series: pd.DataFrame, start: int) -> int | None:
    """The first step from ``start`` on at which ``expression`` reaches :data:`TIP_LEVEL`."""
    steps = series["step"].to_numpy()
    i0 = int(np.searchsorted(steps, start))
    found = find_event(series["expression"].to_numpy(), start=i0, level=TIP_LEVEL)
    return None if found is None else int(steps[found])


@dataclass(frozen=True)
class Warned:
    """The indicators of one series over one stretch, and whether they warned."""

    indicators: EarlyWarning

    @property
    def rising(self) -> tuple[bool, bool]:
        """Whether the rolling variance and the lag-1 autocorrelation rise (tau > 0)."""
        w = self.indicators
        return bool(w.tau_variance > 0), bool(w.tau_autocorrelation > 0)

    @property
    def warns(self) -> bool:
        return all(self.rising)


def warning_before(series: pd.DataFrame, name: str, start: int, tip: int) -> Warned:
    """The indicators of column ``name`` from ``start`` to :data:`GAP` steps before ``tip``."""
    steps = series["step"].to_numpy()
    keep = steps < tip - GAP
    kept = steps[keep]
    # the event is given: the end of the stretch, so that nothing inside it is taken for one
    return Warned(early_warning(series[name].to_numpy()[keep], series=name, steps=kept,
                                start=start, event=int(kept[-1]) + 1, bandwidth=BANDWIDTH))
