"""Global sensitivity analysis: Sobol' indices of one metric.

The design is Saltelli's: two independent quasi-random matrices ``A`` and
``B`` of ``n`` points over the ranges (``n`` a power of two), and for each
parameter ``i`` the matrix ``AB_i``, which is ``A`` with column ``i`` taken
from ``B``; ``n (d + 2)`` runs in all. The runs go through the ordinary
sweep machinery (same engines, same resume), one replicate per point. Row
``j`` of ``A``, ``B`` and every ``AB_i`` share their random numbers (common
random numbers), so a parameter that does nothing gets indices of exactly
zero; the model's run-to-run noise still counts as variance no parameter
explains.
The first-order and total indices are the estimators of
``scipy.stats.sobol_indices`` (Saltelli et al. 2010), and a BCa bootstrap
over the rows, drawn from a generator seeded by the run's seed, gives
their confidence intervals.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import DegenerateDataWarning, bootstrap, qmc

from ..config import validate_value
from ..errors import GovsimError
from ..parameters import PARAMETERS
from .design import Design

__all__ = ["saltelli_design", "sobol_table", "sobol_reading", "WIDE"]

#: Widest confidence interval of an index that still says something: indices run from 0
#: to 1, and an interval wider than this cannot tell a parameter that explains little
#: from one that explains much. Its width shrinks as one over the root of the samples.
WIDE = 0.3
#: Below this total index a parameter does next to nothing to the metric.
INERT = 0.05


def saltelli_design(ranges: list[tuple[str, float, float]], samples: int, seed: int) -> tuple[Design, int]:
    """The points ``A``, ``B``, ``AB_1 .. AB_d`` in that order, and ``n``."""
    if not ranges:
        raise GovsimError("sensitivity needs at least one --range key=lo:hi")
    keys = [k for k, _, _ in ranges]
    if len(set(keys)) != len(keys):
        raise GovsimError(f"--range: a key is given twice ({', '.join(keys)})")
    if samples < 2:
        raise GovsimError(f"--samples must be at least 2, got {samples}")
    n = 1 << int(np.ceil(np.log2(samples)))
    note = "" if n == samples else f"Sobol' indices need a power of two: {samples} samples rounded up to {n}"
    d = len(ranges)
    unit = qmc.Sobol(2 * d, scramble=True, rng=np.random.default_rng(seed)).random(n)
    lo = np.array([r[1] for r in ranges])
    hi = np.array([r[2] for r in ranges])
    a = qmc.scale(unit[:, :d], lo, hi)
    b = qmc.scale(unit[:, d:], lo, hi)
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    points = []
    for row in np.vstack(blocks):
        point = {}
        for key, v in zip(keys, row):
            v = round(v) if PARAMETERS[key].kind == "int" else float(v)
            point[key] = validate_value(key, v)
        points.append(point)
    note = "; ".join(x for x in (note, f"{n} x ({d} + 2) = {n * (d + 2)} runs") if x)
    # common random numbers: row j of A, B and every AB_i runs with the same seed, so
    # that differences between them come from the parameters, not from the noise
    seed_points = tuple(j % n for j in range(len(points)))
    return Design("saltelli", tuple(keys), tuple(points), note, seed_points), n


def sobol_table(results: pd.DataFrame, metric: str, keys: tuple[str, ...], n: int,
                confidence: float = 0.95, resamples: int = 999, seed: int = 0) -> pd.DataFrame:
    """First-order and total indices of ``metric`` per parameter, with bootstrap intervals."""
    d = len(keys)
    expected = n * (d + 2)
    values = results.sort_values("point").drop_duplicates("point")
    if len(values) != expected:
        raise GovsimError(f"sensitivity needs all {expected} runs, {len(values)} finished; "
                          "see failures.jsonl and run again with --resume")
    f = values[metric].to_numpy(dtype=float)
    if not np.isfinite(f).all():
        bad = int((~np.isfinite(f)).sum())
        raise GovsimError(f"metric {metric!r} is undefined in {bad} of {expected} runs "
                          "(e.g. recovery_time without a shock); choose another --metric")
    a, b, ab = f[:n], f[n:2 * n], f[2 * n:].reshape(d, n)
    first, total = _indices(a, b, ab)
    low, high = _bootstrap(a, b, ab, confidence, resamples, np.random.default_rng(seed))
    table = pd.DataFrame({
        "parameter": list(keys),
        "first_order": first,
        "first_order_low": low[0],
        "first_order_high": high[0],
        "total": total,
        "total_low": low[1],
        "total_high": high[1],
    })
    for name in ("first_order", "total"):
        for side in ("low", "high"):
            column = f"{name}_{side}"
            table[column] = table[column].fillna(table[name])
    return table


def _indices(a: np.ndarray, b: np.ndarray, ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices of one output from its values on ``A``, ``B``
    (shape ``(n,)``) and every ``AB_i`` (``(d, n)``), as ``scipy.stats.sobol_indices``
    computes them (which fails for a single parameter): centred on the mean of ``A``
    and ``B``, and 0 where the output does not vary."""
    centre = np.mean(np.concatenate([a, b]))
    with np.errstate(invalid="ignore", divide="ignore"):
        first, total = _saltelli(a - centre, b - centre, ab - centre)
    return np.where(np.isfinite(first), first, 0.0), np.where(np.isfinite(total), total, 0.0)


def _saltelli(a: np.ndarray, b: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """Both indices as rows of a ``(2, d)`` array: the estimators of Saltelli et al.
    (2010) that ``sobol_indices`` uses, for any number of rows (its jackknife drops one)."""
    var = np.var(np.concatenate([a, b]))
    first = np.mean(b * (ab - a), axis=-1) / var
    total = 0.5 * np.mean((a - ab) ** 2, axis=-1) / var
    return np.vstack([first, total])


def _bootstrap(a: np.ndarray, b: np.ndarray, ab: np.ndarray, confidence: float, resamples: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """BCa bootstrap intervals of both indices, shape ``(2, d)`` each, over rows of the design.

    As ``SobolResult.bootstrap`` does, but its resamples come from numpy's global
    random state; these come from ``rng``, so the same seed gives the same intervals.
    """
    centre = np.mean(np.concatenate([a, b]))  # as sobol_indices centres, once
    a, b, ab = a - centre, b - centre, ab - centre

    def statistic(rows: np.ndarray) -> np.ndarray:
        return _saltelli(a[rows], b[rows], ab[:, rows])

    # a parameter that does nothing has indices of exactly zero in every resample;
    # the interval of such a constant is undefined (0/0), and we report it as the value
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        boot = bootstrap((np.arange(a.size),), statistic, method="BCa", n_resamples=resamples,
                         confidence_level=confidence, rng=rng)
    return boot.confidence_interval.low, boot.confidence_interval.high


def sobol_reading(table: pd.DataFrame, metric: str, n: int) -> tuple[list[str], list[str]]:
    """What the indices of :func:`sobol_table` (``n`` base samples) say, and warnings.

    Returns ``(lines, warnings)``: one line per parameter and one for what the
    parameters explain together; a warning when an interval is wider than
    :data:`WIDE`, or an index lies below 0 (or above 1) with its whole interval
    (a true index cannot: the estimator's noise dominates), each recommending
    the ``--samples`` that would narrow the intervals enough.
    """
    lines = []
    for row in _rows(table):
        total = f"{_pct(row.total)} with its interactions ({_pct(row.total_low)} to {_pct(row.total_high)})"
        if row.total < INERT and row.total_high < 2 * INERT:
            lines.append(f"{row.parameter}: does next to nothing to {metric}, {total}")
            continue
        if row.first_order >= 0:
            alone = (f"{_pct(row.first_order)} of the variance alone ({_pct(row.first_order_low)} to "
                     f"{_pct(row.first_order_high)}{'; over 100 %: noise' if row.first_order > 1 else ''})")
        else:
            noise = "within noise of 0" if row.first_order_high >= 0 else "below 0 beyond noise"
            alone = f"no measurable share alone ({row.first_order:+.2f}, {noise})"
        lines.append(f"{row.parameter}: {alone}; {total}")
    together = float(np.clip(table["first_order"], 0, None).sum())
    rest = ("the rest comes from their interactions and from run-to-run noise" if together < 0.995
            else "about all of it" if together < 1.05  # within rounding of 100 %
            else "more than all of it: the estimates are too noisy")
    lines.append(f"together the parameters alone explain {_pct(together)} of the variance of {metric}; {rest}")
    return lines, _warnings(table, n)


def _rows(table: pd.DataFrame) -> list[Any]:
    """The rows of the index table, as objects with a field per column."""
    return [SimpleNamespace(**{str(k): v for k, v in r.items()}) for r in table.to_dict("records")]


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _warnings(table: pd.DataFrame, n: int) -> list[str]:
    """The rules of :func:`sobol_reading` that the table breaks, and the remedy."""
    out = []
    widths = pd.concat([table["first_order_high"] - table["first_order_low"],
                        table["total_high"] - table["total_low"]])
    widest = float(widths.max())
    need = n
    if widest > WIDE:
        out.append(f"warning: confidence intervals up to {widest:.2f} wide (rule: no wider than "
                   f"{WIDE}, or they cannot rank the parameters)")
        # the width shrinks as 1/sqrt(N): the N that brings the widest interval down to WIDE
        need = 1 << int(np.ceil(np.log2(n * (widest / WIDE) ** 2)))
    for name, label in (("first_order", "first-order"), ("total", "total")):
        for r in _rows(table):
            low, high = getattr(r, f"{name}_low"), getattr(r, f"{name}_high")
            if high < 0 or low > 1:  # every true index lies in [0, 1]
                out.append(f"warning: {label} index of {r.parameter} {getattr(r, name):.2f} (interval "
                           f"{low:.2f} to {high:.2f}) is {'below 0' if high < 0 else 'above 1'} "
                           "beyond its noise, which a true index cannot be")
                need = max(need, 4 * n)
    if out:
        out.append(f"warning: {n} samples are too few for this metric: run again with --samples "
                   f"{need} or more (intervals narrow as one over the root of the samples)")
    return out
