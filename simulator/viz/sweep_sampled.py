"""Figures of a sampled sweep (Latin hypercube, Sobol', Halton, ...) or a grid of many parameters.

Partial-dependence panels: one small panel per metric (row) and parameter
(column), every run as a dot and the mean of the runs in bins of the
parameter as a line over them. A row shares its metric's axis, a column its
parameter's, so the panels are as many as the design needs and no larger
than their dots. For a grid the bins are the sampled values, and the line
is the parameter's main effect (the mean over every other parameter).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .figures import LABEL_SIZE, LINE_WIDTH, TITLE_SIZE
from .figures import OKABE_ITO as _C
from .sweep_grid import sampled_axis, share_limits
from .sweep_labels import direction_words, metric_title, parameter_label, seed_words, value_label

__all__ = ["DESIGN_NAMES", "sampled_figure", "binned_means"]

#: How a figure names each kind of design.
DESIGN_NAMES = {"lhs": "Latin-hypercube", "sobol": "Sobol'", "halton": "Halton", "saltelli": "Saltelli",
                "random": "random", "factorial": "grid"}
#: Most distinct values of a parameter that are each their own bin.
_EXACT_BINS = 12
_SMALL_TICKS, _SMALL_LABEL = 11, 13


def binned_means(x: np.ndarray, y: np.ndarray, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Centres and means of ``y`` in bins of ``x``: its distinct values when few (or ``exact``),
    else equal-count bins, about the square root of the runs of them (3 to 10)."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    distinct = np.unique(x)
    if exact or distinct.size <= _EXACT_BINS:
        return distinct, np.array([y[x == v].mean() for v in distinct])
    bins = int(np.clip(round(np.sqrt(x.size)), 3, 10))
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    filled = [b for b in range(bins) if np.any(which == b)]
    return (np.array([x[which == b].mean() for b in filled]),
            np.array([y[which == b].mean() for b in filled]))


def sampled_figure(results: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str], title: str,
                   kind: str) -> Figure:
    """Partial-dependence panels of ``metrics`` over ``keys``, sized to how many there are."""
    k, m = len(keys), len(metrics)
    if k == 1:  # one parameter: the metrics side by side, two to a row
        cols, rows = min(2, m), (m + 1) // 2
        size = (min(15.0, 1.4 + 6.2 * cols), min(11.0, 1.4 + 4.4 * rows))
        panels = [(metric, keys[0]) for metric in metrics]
    else:
        cols, rows = k, m
        size = (min(16.0, 2.6 + 3.3 * cols), min(11.0, 1.5 + 2.0 * rows))
        panels = [(metric, key) for metric in metrics for key in keys]
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(rows, cols)
    counts = results.groupby("point")["replicate"].nunique() if "replicate" in results else pd.Series([1])
    points = results["point"].nunique() if "point" in results else len(results)
    design = DESIGN_NAMES.get(kind, kind)
    exact = kind == "factorial"
    line = "line: mean at each value, over all the others" if exact else "line: mean of the runs in bins"
    fig.suptitle(f"{title}: {points} {design} points x {seed_words(int(counts.min()), int(counts.max()))}"
                 f" = {len(results)} runs\n(dot: one run; {line})", fontsize=TITLE_SIZE - 2, fontweight="bold")
    axes: dict[tuple[int, int], Axes] = {}
    for i, (metric, key) in enumerate(panels):
        r, c = divmod(i, cols)
        share = k > 1
        ax = fig.add_subplot(grid[r, c], sharex=axes.get((0, c)) if share and r else None,
                             sharey=axes.get((r, 0)) if share and c else None)
        axes[r, c] = ax
        ax.set_label(f"{metric}|{key}")
        _panel(ax, results, key, metric, exact)
        if k == 1:
            ax.set_title(metric_title(metric), fontsize=LABEL_SIZE + 1, fontweight="bold", loc="left")
            ax.set_ylabel(value_label(metric, width=30), fontsize=_SMALL_LABEL)
            ax.set_xlabel(parameter_label(key), fontsize=_SMALL_LABEL)
            continue
        if c == 0:
            words = [textwrap.fill(metric_title(metric), 20)]
            if direction_words(metric):
                words.append(f"({direction_words(metric)})")
            ax.set_ylabel("\n".join(words), fontsize=_SMALL_LABEL)
        else:
            ax.tick_params(labelleft=False)
        if r == rows - 1:
            ax.set_xlabel(parameter_label(key, width=26), fontsize=_SMALL_LABEL)
        else:
            ax.tick_params(labelbottom=False)
    return fig


def _panel(ax: Axes, results: pd.DataFrame, key: str, metric: str, exact: bool) -> None:
    x = results[key].to_numpy()
    y = results[metric].to_numpy(dtype=float)
    distinct, positions, labels, words = sampled_axis(x)
    if words:  # words (a policy) take one position each
        place = dict(zip(distinct, positions))
        x = np.array([place[v] for v in x], dtype=float)
    if words or (exact and len(distinct) <= _EXACT_BINS):  # a grid: ticks at its values
        ax.set_xticks(positions, labels)
    x = np.asarray(x, dtype=float)
    # dots take their size from how many there are, so a big design is not one blot
    ax.scatter(x, y, s=float(np.clip(1600 / max(len(x), 1), 12, 40)), color=_C["blue"], alpha=0.35,
               linewidths=0, gid=f"{metric}|{key}:runs")
    centres, means = binned_means(x, y, exact or words)
    ax.plot(centres, means, color=_C["vermillion"], linewidth=LINE_WIDTH, marker="o", markersize=6,
            linestyle="none" if words else "-", gid=f"{metric}|{key}")
    ax.tick_params(labelsize=_SMALL_TICKS)
    ax.grid(True, color="0.88", linewidth=0.7)
    share_limits(ax, metric)
