"""Figures of many runs: a sweep's metrics over its design, and Sobol' indices.

Drawn in the house style of :mod:`.plotting` (sizes for a projector, the
Okabe-Ito palette); only plotting modules import matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .figures import (
    FIGSIZE,
    LABEL_SIZE,
    LEGEND_SIZE,
    LINE_WIDTH,
    PANEL_TITLE_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    VARIANT_COLOURS,
    plain_text,
)
from .figures import OKABE_ITO as _C

__all__ = ["SWEEP_METRICS", "sensitivity_figure", "sweep_figure"]


#: Metrics a sweep figure shows when the user chose none (at most four panels).
SWEEP_METRICS: tuple[str, ...] = ("expression_late", "trust_late", "need_late", "collapsed")


def sweep_figure(results: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str],
                 title: str) -> Figure | None:
    """A sweep's results against its varied parameters.

    One parameter: each metric against it, the mean over replicates as a
    line and the range across replicates as a band. Two parameters: one
    heatmap per metric (a phase diagram) on a factorial grid, or a scatter
    coloured by the metric for sampled points. More: the first metric
    against each parameter in turn. Returns ``None`` when nothing varies.
    """
    metrics = [m for m in metrics if m in results][:4]
    if not keys or not metrics or results.empty:
        return None
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    FigureCanvasAgg(fig)
    reps = int(results["replicate"].max()) + 1 if "replicate" in results else 1
    fig.suptitle(f"{plain_text(title)} ({len(results)} runs, {reps} replicate{'s' if reps > 1 else ''} per point)",
                 fontsize=TITLE_SIZE, fontweight="bold")
    by_point = results.groupby("point")
    if len(keys) == 1:
        key = keys[0]
        axes = fig.subplots((len(metrics) + 1) // 2, min(2, len(metrics)), squeeze=False).ravel()
        for ax, metric, colour in zip(axes, metrics, VARIANT_COLOURS):
            table = by_point.agg(x=(key, "first"), mean=(metric, "mean"), low=(metric, "min"),
                                 high=(metric, "max")).sort_values("x")
            ax.fill_between(table["x"], table["low"], table["high"], color=_C[colour], alpha=0.2,
                            linewidth=0, gid=f"{metric}:band")
            ax.plot(table["x"], table["mean"], color=_C[colour], linewidth=LINE_WIDTH,
                    marker="o", gid=metric, label="mean over replicates")
            _sweep_axes(ax, key, metric)
        axes[0].legend(fontsize=LEGEND_SIZE, loc="best", framealpha=0.9)
        return fig
    if len(keys) == 2:
        x, y = keys
        axes = fig.subplots((len(metrics) + 1) // 2, min(2, len(metrics)), squeeze=False).ravel()
        means = by_point.agg(**{k: (k, "first") for k in keys}, **{m: (m, "mean") for m in metrics})
        grid = means.pivot_table(index=y, columns=x, values=metrics[0], aggfunc="mean")
        factorial = grid.notna().all().all() and grid.size == len(means)
        for ax, metric in zip(axes, metrics):
            if factorial:
                table = means.pivot_table(index=y, columns=x, values=metric, aggfunc="mean")
                (xs, xlabels), (ys, ylabels) = _positions(table.columns), _positions(table.index)
                mesh = ax.pcolormesh(_edges(xs), _edges(ys), table.to_numpy(dtype=float),
                                     cmap="cividis", gid=metric)
                if xlabels:
                    ax.set_xticks(xs, xlabels)
                if ylabels:
                    ax.set_yticks(ys, ylabels)
            else:
                mesh = ax.scatter(means[x], means[y], c=means[metric], cmap="cividis", s=60, gid=metric)
            colourbar = fig.colorbar(mesh, ax=ax)
            colourbar.set_label(f"{metric} (mean)", fontsize=LABEL_SIZE)
            colourbar.ax.tick_params(labelsize=TICK_SIZE)
            _sweep_axes(ax, x, y)
            ax.grid(False)  # lines across a heatmap hide its cells
            ax.set_title(metric, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
        return fig
    metric = metrics[0]
    axes = fig.subplots((len(keys) + 1) // 2, 2, squeeze=False).ravel()
    for ax, key in zip(axes, keys):
        ax.scatter(results[key], results[metric], color=_C["blue"], s=30, alpha=0.7, gid=f"{metric}:{key}")
        _sweep_axes(ax, key, metric)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    return fig


def sensitivity_figure(table: pd.DataFrame, metric: str, title: str) -> Figure:
    """First-order and total Sobol' indices per parameter, with confidence intervals."""
    fig = Figure(figsize=(12.0, 7.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    x = np.arange(len(table))
    width = 0.38
    for offset, name, colour, label in ((-width / 2, "first_order", "blue", "first order (alone)"),
                                        (width / 2, "total", "vermillion", "total (with interactions)")):
        values = table[name].to_numpy()
        err = np.vstack([values - table[f"{name}_low"].to_numpy(),
                         table[f"{name}_high"].to_numpy() - values]).clip(min=0)
        ax.bar(x + offset, values, width, color=_C[colour], label=label, gid=name,
               yerr=err, capsize=6, error_kw={"linewidth": 1.6})
    ax.set_xticks(x, table["parameter"], fontsize=TICK_SIZE, rotation=15, ha="right")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_ylabel(f"Sobol' index of {metric}", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, axis="y", color="0.85", linewidth=0.8)
    ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9)
    fig.suptitle(plain_text(title), fontsize=TITLE_SIZE, fontweight="bold")
    return fig


def _sweep_axes(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)


def _positions(values) -> tuple[np.ndarray, list[str] | None]:
    """Numbers for an axis, and tick labels when the values are words (e.g. a policy)."""
    try:
        return np.asarray(values, dtype=float), None
    except (TypeError, ValueError):
        return np.arange(len(values), dtype=float), [str(v) for v in values]


def _edges(centres) -> np.ndarray:
    """Cell edges around sorted cell centres (for a heatmap of a factorial grid)."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])
