"""Figures of a full-factorial sweep over one or two parameters.

Two parameters: one heatmap per metric, a cell per grid point with its mean
over seeds written in it, ticks at the sampled values. One parameter: the
mean over seeds against the parameter, a marker at each sampled value, and
the spread across seeds only when there are enough seeds to show one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .figures import (
    LABEL_SIZE,
    LEGEND_SIZE,
    LINE_WIDTH,
    MIN_BAND_SEEDS,
    PANEL_TITLE_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    VARIANT_COLOURS,
)
from .figures import OKABE_ITO as _C
from .sweep_labels import (
    bounded,
    cell_format,
    cell_text,
    colour_scale,
    frequency,
    is_flag,
    is_signed,
    metric_title,
    parameter_label,
    seed_words,
    text_colour,
    value_label,
    value_labels,
)

__all__ = ["BAND_SEEDS", "grid_figure", "per_point", "sampled_axis", "share_limits"]

#: Fewest seeds per point for which a figure draws the spread across seeds (as a comparison does).
BAND_SEEDS = MIN_BAND_SEEDS
#: Most sampled values that each get a labelled tick (beyond: every other one is labelled).
_MOST_TICKS = 12
#: Smallest and largest font of the numbers in heatmap cells (points).
_CELL_FONT = (9.0, 15.0)


def per_point(results: pd.DataFrame, keys: Sequence[str], metric: str) -> pd.DataFrame:
    """Per design point: its values of ``keys``, and the mean, seed count and 10-90 % range of ``metric``."""
    grouped = results.groupby("point", sort=True)
    table = grouped.agg(**{k: (k, "first") for k in keys}, mean=(metric, "mean"), seeds=(metric, "count"))
    quantiles = grouped[metric].quantile(np.array([0.1, 0.9])).unstack()
    return table.assign(low=quantiles[0.1], high=quantiles[0.9]).reset_index()


def sampled_axis(values: Iterable) -> tuple[list, np.ndarray, list[str], bool]:
    """The distinct values of one key, their positions on the axis, tick labels, and whether they are words."""
    distinct = list(pd.unique(pd.Series(list(values))))
    words = any(isinstance(v, (str, bool, np.bool_)) for v in distinct)
    if words:  # in the design's order, one position each
        return distinct, np.arange(len(distinct), dtype=float), [str(v) for v in distinct], True
    order = np.argsort(np.asarray(distinct, dtype=float), kind="stable")
    distinct = [distinct[i] for i in order]
    return distinct, np.asarray(distinct, dtype=float), value_labels(distinct), False


def grid_figure(results: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str], title: str) -> Figure:
    """Heatmaps (two keys) or lines (one key), one panel per metric, for a full factorial."""
    if len(keys) == 2:
        cols, size, cell = _heatmap_layout(len(metrics), results[keys[0]].nunique(), results[keys[1]].nunique())
    else:
        cols, cell = min(2, len(metrics)), (0.0, 0.0)
        size = {1: (10.0, 7.5), 2: (14.0, 6.2)}.get(len(metrics), (14.0, 10.5))
    rows = -(-len(metrics) // cols)
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(h_pad=0.1, w_pad=0.12)  # type: ignore[union-attr, call-arg]
    grid = fig.add_gridspec(rows, cols)
    counts = results.groupby("point")["replicate"].nunique() if "replicate" in results else pd.Series([1])
    seeds = seed_words(int(counts.min()), int(counts.max()))
    points = results["point"].nunique() if "point" in results else len(results)
    what = "cell: mean over seeds" if len(keys) == 2 else "line: mean over seeds"
    if len(keys) == 1 and counts.min() >= BAND_SEEDS:
        what += "; band: 10th-90th percentile of seeds"
    fig.suptitle(f"{title}\n{points} points x {seeds} = {len(results)} runs ({what})",
                 fontsize=TITLE_SIZE, fontweight="bold")
    for i, metric in enumerate(metrics):
        ax = fig.add_subplot(grid[i // cols, i % cols])
        ax.set_label(metric)
        ax.set_title(metric_title(metric), fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
        if len(keys) == 2:
            _heatmap(fig, ax, results, keys[0], keys[1], metric, cell)
        else:
            _line(ax, results, keys[0], metric, seeds, _C[VARIANT_COLOURS[i % len(VARIANT_COLOURS)]],
                  legend=i == 0)
    return fig


def _ticks(ax: Axes, axis: str, positions: np.ndarray, labels: list[str]) -> None:
    """A tick at every sampled value; labels thinned only when there are very many."""
    if len(labels) > _MOST_TICKS:
        labels = [t if i % 2 == 0 else "" for i, t in enumerate(labels)]
    if axis == "x":
        ax.set_xticks(positions, labels)
        if max(map(len, labels)) * len(labels) > 40:  # long words would run into each other
            ax.tick_params(axis="x", labelrotation=30)
    else:
        ax.set_yticks(positions, labels)
    ax.tick_params(labelsize=TICK_SIZE)


def _heatmap_layout(panels: int, nx: int, ny: int) -> tuple[int, tuple[float, float], tuple[float, float]]:
    """Panels per row, figure size (inches) and cell size (points) that give the largest cells.

    Two heatmaps side by side are compact, but a wide grid reads better with one to a row.
    """
    options = []
    for cols in sorted({1, min(2, panels)}, reverse=True):
        rows = -(-panels // cols)
        size = (10.0, 7.5) if panels == 1 else (14.0, 6.2) if rows == 1 else (14.0, 10.5)
        # around each heatmap: ~2.4 in for the y label and colour bar, ~1.3 in for title and x label
        cell = (72 * (size[0] / cols - 2.4) / nx, 72 * ((size[1] - 1.0) / rows - 1.3) / ny)
        options.append((min(cell[0] / 3.2, cell[1] / 1.8), cols, size, cell))
    _, cols, size, cell = max(options, key=lambda o: o[0])
    return cols, size, cell


def _heatmap(fig: Figure, ax: Axes, results: pd.DataFrame, x: str, y: str, metric: str,
             cell: tuple[float, float]) -> None:
    table = per_point(results, (x, y), metric)
    xs, xpos, xlabels, _ = sampled_axis(table[x])
    ys, ypos, ylabels, _ = sampled_axis(table[y])
    z = np.full((len(ys), len(xs)), np.nan)
    column, row = {v: i for i, v in enumerate(xs)}, {v: i for i, v in enumerate(ys)}
    for a, b, mean in zip(table[x], table[y], table["mean"]):
        z[row[b], column[a]] = mean
    name, norm = colour_scale(metric, z)
    cmap = mpl.colormaps[name].with_extremes(bad="0.88")  # a point with no finished run: light grey
    mesh = ax.pcolormesh(_edges(xpos), _edges(ypos), np.ma.masked_invalid(z), cmap=cmap, norm=norm,
                         edgecolors="white", linewidth=1.5, gid=metric)
    _ticks(ax, "x", xpos, xlabels)
    _ticks(ax, "y", ypos, ylabels)
    ax.tick_params(length=0)
    ax.set_xlabel(parameter_label(x, width=50), fontsize=LABEL_SIZE)
    ax.set_ylabel(parameter_label(y, width=40), fontsize=LABEL_SIZE)
    fmt = cell_format(z)
    texts = [[cell_text(v, fmt) for v in line] for line in z]
    size = _cell_font(cell, max(len(t) for line in texts for t in line))
    for i, j in np.ndindex(z.shape):
        colour = text_colour(cmap(norm(z[i, j]))) if np.isfinite(z[i, j]) else "black"
        ax.text(float(xpos[j]), float(ypos[i]), texts[i][j], ha="center", va="center", fontsize=size,
                fontweight="bold", color=colour, gid=f"{metric}:cell")
    bar = fig.colorbar(mesh, ax=ax, shrink=0.95, pad=0.02)
    bar.set_label(value_label(metric), fontsize=LABEL_SIZE - 1)
    bar.ax.tick_params(labelsize=TICK_SIZE - 1)


def _cell_font(cell: tuple[float, float], chars: int) -> float:
    """The largest font (within bounds) whose numbers of ``chars`` characters fit a cell."""
    fit = min(cell[0] / (0.65 * chars + 0.6), cell[1] / 1.8)
    return float(np.clip(fit, *_CELL_FONT))


def _line(ax: Axes, results: pd.DataFrame, key: str, metric: str, seeds: str, colour: str,
          legend: bool) -> None:
    table = per_point(results, (key,), metric)
    xs, xpos, xlabels, words = sampled_axis(table[key])
    place = {v: i for i, v in enumerate(xs)}
    table = table.iloc[np.argsort([place[v] for v in table[key]], kind="stable")]
    mean = table["mean"].to_numpy(dtype=float)
    # the spread of a yes/no across seeds is just 0 to 1: its mean already says how often
    band = bool(table["seeds"].min() >= BAND_SEEDS) and not is_flag(metric)
    if band and words:
        ax.errorbar(xpos, mean, yerr=np.vstack([mean - table["low"], table["high"] - mean]).clip(min=0),
                    fmt="none", ecolor=colour, elinewidth=LINE_WIDTH, capsize=8, gid=f"{metric}:band",
                    label="10th-90th percentile of seeds")
    elif band:
        ax.fill_between(xpos, table["low"], table["high"], color=colour, alpha=0.2, linewidth=0,
                        gid=f"{metric}:band", label="10th-90th percentile of seeds")
    # words have no order between them: markers only, no line joining them
    ax.plot(xpos, mean, color=colour, linewidth=LINE_WIDTH, linestyle="none" if words else "-",
            marker="o", markersize=9, gid=metric, label=f"mean of {seeds}")
    _ticks(ax, "x", xpos, xlabels)
    ax.set_xlabel(parameter_label(key, width=50), fontsize=LABEL_SIZE)
    ax.set_ylabel(value_label(metric, width=30), fontsize=LABEL_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)
    if legend:
        ax.legend(fontsize=LEGEND_SIZE, loc="best", framealpha=0.9)
    if words or len(xs) == 1:
        ax.set_xlim(xpos[0] - 0.5 - (len(xs) == 1), xpos[-1] + 0.5 + (len(xs) == 1))
    share_limits(ax, metric)


def share_limits(ax: Axes, metric: str) -> None:
    """Mark 0 on a signed difference; keep a share's axis inside 0-1, and a flat one on its whole scale."""
    data = np.concatenate([line.get_ydata() for line in ax.get_lines()] or [[0.0]]).astype(float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return
    if is_signed(metric, data):
        ax.axhline(0, color="0.3", linewidth=1.0, zorder=1)
        return
    if not bounded(metric):
        return
    low, high = ax.get_ylim()
    if frequency(metric) or np.ptp(data) < 0.01:
        ax.set_ylim(-0.03, 1.03)
    else:
        ax.set_ylim(max(low, -0.03), min(high, 1.03))


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted cell centres: each cell reaches halfway to its neighbours."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])
