"""Early warning: critical slowing down in a series before a tipping point.

A system that approaches a tipping point (a fold bifurcation, a threshold
cascade) recovers ever more slowly from small perturbations. In a noisy
series this shows as rising variance and rising lag-1 autocorrelation of
the fluctuations around the trend ("critical slowing down"; Scheffer et al.
2009, Nature 461:53). The recipe here follows Dakos et al. (2012, PLoS ONE
7:e41010, "Methods for detecting early warnings of critical transitions"):

1. take the stretch of the series before the event, from ``start`` to the
   step before the event (the event itself must not leak into the trend);
2. detrend it: subtract a Gaussian-kernel smooth of bandwidth ``bandwidth``;
3. compute the variance and the lag-1 autocorrelation of the residuals over
   a rolling window of ``window`` steps, each value from past steps only;
4. measure the trend of each indicator with Kendall's tau against time: a
   tau near +1 means the indicator rose steadily toward the event.

The event is given (e.g. a scheduled shock step) or found in the series by
:func:`find_event`: the first step that jumps far above everything seen
before, or the first that reaches a given level.

Read the result with care: a positive tau is not a forecast. A transition
set off by an outside shock from a stationary state shows none (nothing
was slowing down), and a trending indicator can arise by chance, because
overlapping windows make neighbouring values strongly dependent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import gaussian_filter1d
from scipy.stats import kendalltau

from ..errors import ParameterError

__all__ = ["EarlyWarning", "early_warning", "detrend", "rolling_variance",
           "rolling_autocorrelation", "kendall_trend", "find_event", "read_tau", "RISING"]

#: Fewest steps before the event that an analysis accepts.
MIN_STRETCH = 12
#: A Kendall tau from which an indicator reads as rising, a warning sign. Weaker trends
#: are the size pure noise gives all the time (over 20 white-noise series the mean |tau|
#: is about 0.1, tests/test_early_warning.py); at or below 0 the indicator does not rise.
RISING = 0.3


@dataclass(frozen=True)
class EarlyWarning:
    """Early-warning indicators of one series before one event.

    Attributes
    ----------
    series : str
        Name of the analysed series (e.g. ``"expression"``).
    step : numpy.ndarray
        Steps of the analysed stretch, ``start`` up to the step before the event.
    value, trend, residual : numpy.ndarray
        The series over the stretch, its Gaussian smooth and their difference.
    variance, autocorrelation : numpy.ndarray
        Rolling variance and lag-1 autocorrelation of the residual over the
        ``window`` steps ending at each step (NaN until a window is full).
    start, event : int
        First analysed step, and the step of the event (the stretch ends just
        before it; with no event, one past the last step).
    event_found : str
        How the event was set: ``"given"``, ``"jump"``, ``"level"`` or
        ``"none"`` (no event: the whole series up to its end).
    window : int
        Rolling window, in steps.
    bandwidth : float
        Standard deviation of the Gaussian kernel, in steps.
    tau_variance, tau_autocorrelation : float
        Kendall's tau of each indicator against time (NaN if undefined).
    p_variance, p_autocorrelation : float
        Two-sided p-values of those taus under independence. They are too
        small, because overlapping windows are not independent: read them
        as a description, not a test.
    """

    series: str
    step: np.ndarray
    value: np.ndarray
    trend: np.ndarray
    residual: np.ndarray
    variance: np.ndarray
    autocorrelation: np.ndarray
    start: int
    event: int
    event_found: str
    window: int
    bandwidth: float
    tau_variance: float
    tau_autocorrelation: float
    p_variance: float
    p_autocorrelation: float

    def to_frame(self) -> pd.DataFrame:
        """The indicator series, one row per analysed step."""
        return pd.DataFrame({"step": self.step, "value": self.value, "trend": self.trend,
                             "residual": self.residual, "variance": self.variance,
                             "autocorrelation": self.autocorrelation})

    def summary(self) -> dict[str, object]:
        """The settings, the taus and their reading, as plain values (for ``summary.json``)."""
        return {"series": self.series, "start": self.start, "event": self.event,
                "event_found": self.event_found, "window": self.window,
                "bandwidth": self.bandwidth,
                "tau_variance": self.tau_variance, "p_variance": self.p_variance,
                "tau_autocorrelation": self.tau_autocorrelation,
                "p_autocorrelation": self.p_autocorrelation, "reading": self.reading()}

    def reading(self) -> list[str]:
        """What the taus say, in words: one line per indicator, then the verdict.

        An indicator whose tau is at least :data:`RISING` reads as a warning
        sign; critical slowing down raises both. The verdict reminds that one
        run can rise by chance.
        """
        taus = (self.tau_variance, self.tau_autocorrelation)
        lines = [read_tau(tau, name) for tau, name in zip(taus, ("variance", "lag-1 autocorrelation"))]
        rising = sum(bool(tau >= RISING) for tau in taus)  # NaN counts as not rising
        if rising == 2:
            lines.append("both indicators rise: the pattern of critical slowing down (recovery "
                         "slowing before a tipping point); one run can show it by chance, so "
                         "compare several seeds and a run that does not tip")
        elif rising == 1:
            lines.append("only one indicator rises: not a clear warning (critical slowing down "
                         "raises both)")
        else:
            lines.append(f"no early warning before {'the event' if self.event_found != 'none' else 'the end'}")
        return lines


def read_tau(tau: float, indicator: str) -> str:
    """One indicator's Kendall tau in words, e.g. ``variance rising (tau +0.62): a warning sign``
    or ``no warning: variance not rising (tau -0.10)`` (see :data:`RISING`)."""
    if not np.isfinite(tau):
        return f"no reading: {indicator} constant over the stretch (tau undefined)"
    if tau >= RISING:
        return f"{indicator} rising (tau {tau:+.2f}): a warning sign"
    if tau > 0:
        return f"no warning: {indicator} barely rising (tau {tau:+.2f}, below {RISING:+.2f})"
    return f"no warning: {indicator} not rising (tau {tau:+.2f})"


def _as_series(values, name: str = "series") -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ParameterError(f"{name} must be one-dimensional, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ParameterError(f"{name} must hold finite numbers only (found NaN or infinity)")
    return x


def _check_window(window: int, length: int) -> int:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise ParameterError(f"window must be an integer, got {window!r}")
    if not 3 <= window <= length:
        raise ParameterError(f"window must be an integer in [3, {length}] (the length of the "
                             f"stretch), got {window}")
    return int(window)


def detrend(values, bandwidth: float) -> tuple[np.ndarray, np.ndarray]:
    """Split a series into a Gaussian-kernel smooth and the residual around it.

    Parameters
    ----------
    values : array_like
        A one-dimensional series of finite numbers.
    bandwidth : float
        Standard deviation of the Gaussian kernel, in steps (> 0). Small
        bandwidths remove more of the slow dynamics along with the trend.

    Returns
    -------
    trend, residual : numpy.ndarray
        ``trend + residual == values``. The ends are smoothed as if the
        series continued with its end values (``mode="nearest"``).
    """
    x = _as_series(values)
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise ParameterError(f"bandwidth must be a number > 0 (steps), got {bandwidth!r}")
    trend = gaussian_filter1d(x, float(bandwidth), mode="nearest")
    return trend, x - trend


def rolling_variance(values, window: int) -> np.ndarray:
    """Variance over the ``window`` steps ending at each step (NaN before the first).

    Parameters
    ----------
    values : array_like
        A one-dimensional series (usually a residual from :func:`detrend`).
    window : int
        Steps per window, at least 3 and at most the length of the series.
    """
    return _rolling(values, window, lambda w: w.var(axis=1))


def rolling_autocorrelation(values, window: int) -> np.ndarray:
    """Lag-1 autocorrelation over the ``window`` steps ending at each step.

    Each window's value is the Pearson correlation of its steps 1..w-1 with
    steps 0..w-2. It is NaN before the first full window and where a window
    is constant.

    Parameters
    ----------
    values : array_like
        A one-dimensional series (usually a residual from :func:`detrend`).
    window : int
        Steps per window, at least 3 and at most the length of the series.
    """
    def lag1(w: np.ndarray) -> np.ndarray:
        a = w[:, :-1] - w[:, :-1].mean(axis=1, keepdims=True)
        b = w[:, 1:] - w[:, 1:].mean(axis=1, keepdims=True)
        norm = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(norm > 0, (a * b).sum(axis=1) / norm, np.nan)

    return _rolling(values, window, lag1)


def _rolling(values, window: int, statistic) -> np.ndarray:
    """``statistic`` of every window of ``window`` steps (one row each),
    placed at the window's last step; NaN before the first full window."""
    x = _as_series(values)
    window = _check_window(window, len(x))
    out = np.full(len(x), np.nan)
    out[window - 1:] = statistic(sliding_window_view(x, window))
    return out


def kendall_trend(indicator) -> tuple[float, float]:
    """Kendall's tau of an indicator against time, and its p-value.

    NaN entries (before the first full window) are left out. Returns
    ``(nan, nan)`` when fewer than three values remain or they are constant.
    """
    y = np.asarray(indicator, dtype=float)
    t = np.arange(len(y))
    keep = np.isfinite(y)
    if keep.sum() < 3 or np.ptp(y[keep]) == 0:
        return float("nan"), float("nan")
    result = kendalltau(t[keep], y[keep])
    return float(result.statistic), float(result.pvalue)


def find_event(values, *, start: int = 0, level: float | None = None, rise: float = 6.0,
               history: int = 20) -> int | None:
    """The index of the first tipping event in a series, or ``None``.

    Parameters
    ----------
    values : array_like
        A one-dimensional series.
    start : int, optional
        First index searched (and, for a jump, the first one of the history).
    level : float, optional
        If given, the event is the first index at or after ``start`` where the
        series reaches ``level``.
    rise : float, optional
        Otherwise the event is the first index ``t`` (with at least
        ``history`` values since ``start``) whose value exceeds the mean of
        ``values[start:t]`` by more than ``rise`` of their standard deviations
        and also exceeds their maximum: a jump far above the earlier range.
    history : int, optional
        Fewest earlier values a jump is measured against.
    """
    x = _as_series(values)
    if not 0 <= start < len(x):
        raise ParameterError(f"start must be an index in [0, {len(x) - 1}], got {start}")
    if level is not None:
        hits = np.flatnonzero(x[start:] >= level)
        return int(start + hits[0]) if len(hits) else None
    if not rise > 0:
        raise ParameterError(f"rise must be a number > 0 (standard deviations), got {rise!r}")
    if history < 2:
        raise ParameterError(f"history must be an integer >= 2, got {history}")
    seen = x[start:]
    count = np.arange(1, len(seen) + 1)
    mean = np.cumsum(seen) / count
    sd = np.sqrt(np.maximum(np.cumsum(seen * seen) / count - mean * mean, 0.0))
    peak = np.maximum.accumulate(seen)
    # compare each value with the statistics of everything before it
    t = np.arange(history, len(seen))
    jump = (seen[t] > mean[t - 1] + rise * sd[t - 1]) & (seen[t] > peak[t - 1])
    hits = t[jump]
    return int(start + hits[0]) if len(hits) else None


def early_warning(values, *, series: str = "series", steps=None, event: int | None = None,
                  start: int = 0, window: int | None = None, bandwidth: float | None = None,
                  level: float | None = None, rise: float = 6.0) -> EarlyWarning:
    """Early-warning indicators of ``values`` before a tipping event.

    Parameters
    ----------
    values : array_like
        The series, one value per step (e.g. ``model.series()["expression"]``).
    series : str, optional
        Its name, carried into the result.
    steps : array_like, optional
        The step of each value (default ``0, 1, 2, ...``); ``event`` and
        ``start`` are steps in this scale.
    event : int, optional
        Step of the event, e.g. a scheduled shock. If omitted it is found by
        :func:`find_event` (with ``level`` or ``rise``) after ``start``; if no
        event is found, the whole series from ``start`` is analysed.
    start : int, optional
        First step analysed, e.g. after a start-up transient.
    window : int, optional
        Rolling window in steps (default: half of the stretch, as Dakos et
        al. 2012 recommend).
    bandwidth : float, optional
        Gaussian kernel's standard deviation in steps (default: a tenth of
        the stretch, at least 2).
    level, rise : float, optional
        Passed to :func:`find_event` when ``event`` is not given.

    Returns
    -------
    EarlyWarning
        The indicator series and their Kendall taus.

    Raises
    ------
    simulator.errors.ParameterError
        If the series is not a finite one-dimensional array, ``start`` or
        ``event`` is outside it, the stretch before the event is shorter than
        :data:`MIN_STRETCH` steps, or the window or bandwidth is out of range.
    """
    x = _as_series(values, series)
    step = np.arange(len(x)) if steps is None else np.asarray(steps)
    if step.shape != x.shape:
        raise ParameterError(f"steps must have one entry per value ({len(x)}), got {step.shape}")
    if len(x) < MIN_STRETCH:
        raise ParameterError(f"{series} has {len(x)} steps; early warning needs at least {MIN_STRETCH}")
    first = int(step[0])
    if not first <= start <= int(step[-1]):
        raise ParameterError(f"start must be a step in [{first}, {int(step[-1])}], got {start}")
    i0 = int(np.searchsorted(step, start))
    if event is None:
        found = find_event(x, start=i0, level=level, rise=rise)
        if found is None:
            i1, event, how = len(x), int(step[-1]) + 1, "none"
        else:
            i1, event, how = found, int(step[found]), "level" if level is not None else "jump"
    else:
        if not first < event <= int(step[-1]) + 1:
            raise ParameterError(f"event must be a step in [{first + 1}, {int(step[-1]) + 1}], got {event}")
        i1, how = int(np.searchsorted(step, event)), "given"
    if i1 - i0 < MIN_STRETCH:
        raise ParameterError(
            f"only {i1 - i0} steps from start {start} to the event at step {event}; early "
            f"warning needs at least {MIN_STRETCH} (choose an earlier start or a later event)")
    stretch = x[i0:i1]
    n = len(stretch)
    window = max(3, n // 2) if window is None else _check_window(window, n)
    bandwidth = max(2.0, n / 10) if bandwidth is None else bandwidth
    trend, residual = detrend(stretch, bandwidth)
    variance = rolling_variance(residual, window)
    autocorrelation = rolling_autocorrelation(residual, window)
    tau_v, p_v = kendall_trend(variance)
    tau_a, p_a = kendall_trend(autocorrelation)
    return EarlyWarning(series=series, step=step[i0:i1], value=stretch, trend=trend,
                        residual=residual, variance=variance, autocorrelation=autocorrelation,
                        start=int(step[i0]), event=int(event), event_found=how, window=window,
                        bandwidth=float(bandwidth), tau_variance=tau_v, tau_autocorrelation=tau_a,
                        p_variance=p_v, p_autocorrelation=p_a)
