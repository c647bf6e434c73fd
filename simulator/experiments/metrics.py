"""Headline metrics: a run's series summarised into a few numbers, each declared once.

The same summaries serve ``govsim run`` (``summary.json``), comparisons of
variants and parameter sweeps. Everything is computed from the aggregate
series alone. What each metric means is declared once, in
:mod:`simulator.headline` (re-exported here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..headline import HEADLINE, MAIN_SERIES, METRIC_INFO, METRICS, Metric, headline_names, metric_label

__all__ = ["summarize", "recovery_time", "oscillation", "last_quarter", "second_half", "MAIN_SERIES",
           "METRICS", "METRIC_INFO", "Metric", "metric_label", "collapse_words", "HEADLINE", "headline_names", "headline_table"]


def headline_table(table: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Means by variant (columns) of the headline metrics (rows, by label) of a comparison's table."""
    rows = {metric_label(n) + (" (share of seeds)" if n == "collapsed" else ""):
            table.set_index("variant")[f"{n}_mean"] for n in headline_names(extra)}
    return pd.DataFrame(rows).T


def collapse_words(m: dict[str, float]) -> str:
    """What a run's collapse metrics say, in words: ever, when, and how much of the late run."""
    if not m["collapsed"]:
        return "expression never reached the collapse line"
    return (f"expression reached the collapse line at step {int(m['collapse_step'])}, and was at or above it "
            f"in {m['collapsed_late']:.0%} of the last quarter's steps")


def last_quarter(n: int) -> slice:
    """The rows of a run's "late" level: its last quarter (at least one row)."""
    return slice(n - max(1, n // 4), n)


def second_half(n: int) -> slice:
    """The rows whose swings a run's ``need_sd_late`` and ``need_period`` measure."""
    return slice(n // 2, n)


def recovery_time(series: pd.DataFrame, column: str = "expression", tolerance: float = 0.02) -> float:
    """Steps from the first shock until ``column`` is back near its pre-shock level.

    Returns ``nan`` when there was no shock, and the steps remaining when the
    run ended before recovery (a lower bound).
    """
    shocks = np.flatnonzero(series["shock"].to_numpy() > 0)
    if shocks.size == 0:
        return float("nan")
    start = int(shocks[0])
    values = series[column].to_numpy()
    before = values[max(0, start - 20):start + 1]
    level = float(before.mean()) + tolerance
    after = values[start + 1:]
    peak = int(np.argmax(after)) if after.size else 0
    back = np.flatnonzero(after[peak:] <= level)
    return float(peak + back[0] + 1) if back.size else float(after.size)


def oscillation(values: np.ndarray) -> tuple[float, float]:
    """Dominant period (steps) and the share of variance at that period.

    Computed from the periodogram of the linearly detrended series. A share
    near 1 means one clear cycle; white noise spreads its variance over all
    frequencies and gives a small share. Returns ``(nan, 0.0)`` for a flat or
    too short series.
    """
    x = np.asarray(values, dtype=float)
    if x.size < 8:
        return float("nan"), 0.0
    t = np.arange(x.size)
    x = x - np.polyval(np.polyfit(t, x, 1), t)
    power = np.abs(np.fft.rfft(x)) ** 2
    power[0] = 0.0
    total = power.sum()
    if total <= 0:
        return float("nan"), 0.0
    k = int(np.argmax(power))
    return float(x.size / k), float(power[k] / total)


def summarize(series: pd.DataFrame) -> dict[str, float]:
    """Headline metrics of one run.

    For each main series: mean over the last quarter of the run (``_late``),
    final value (``_final``) and maximum (``_max``); plus fault, crisis and
    collapse figures and the time to recover after the first shock.
    """
    n = len(series)
    late = series.iloc[last_quarter(n)]
    out: dict[str, float] = {"steps": float(series["step"].iloc[-1])}
    for name in MAIN_SERIES:
        out[f"{name}_late"] = float(late[name].mean())
        out[f"{name}_final"] = float(series[name].iloc[-1])
        out[f"{name}_max"] = float(series[name].max())
    body = series.iloc[1:] if n > 1 else series
    half = series.iloc[second_half(n)]
    period, share = oscillation(half["need"].to_numpy())
    out.update({"need_sd_late": float(half["need"].std(ddof=0)),
                "need_period": period, "need_peak_share": share})
    collapsed = np.flatnonzero(body["collapsed"].to_numpy() > 0)
    out.update({
        "faults_mean": float(body["faults"].mean()),
        "repairs_total": float(body["repairs"].sum()),
        "crisis_share": float(body["crisis"].mean()),
        "shocks": float(body["shock"].sum()),
        "collapsed": float(collapsed.size > 0),
        "collapsed_late": float(late["collapsed"].mean()),
        "collapse_step": float(body["step"].iloc[collapsed[0]]) if collapsed.size else float("nan"),
        "recovery_time": recovery_time(series),
    })
    return out
