"""Figures of many runs: a sweep's metrics over its design, and Sobol' indices.

Which figure a sweep gets depends on its design (:class:`simulator.experiments.design.Design`):

* a full factorial over one or two parameters: lines or heatmaps
  (:mod:`.sweep_grid`), ticks at the sampled values;
* a sampled design (Latin hypercube, Sobol', Halton), or a grid of three or
  more parameters: partial-dependence panels (:mod:`.sweep_sampled`).

Labels, units, colour maps and which way is worse come from the metric and
parameter declarations (:mod:`.sweep_labels`). Drawn in the house style of
:mod:`.figures`; only plotting modules import matplotlib.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..experiments.metrics import metric_label
from .figures import LABEL_SIZE, LEGEND_SIZE, TICK_SIZE, TITLE_SIZE, plain_text
from .figures import OKABE_ITO as _C
from .sweep_grid import grid_figure
from .sweep_sampled import sampled_figure

__all__ = ["SWEEP_METRICS", "sensitivity_figure", "sweep_figure"]


#: Metrics a sweep figure shows when the user chose none (at most four panels). For "how often
#: does it collapse", ``collapsed_late`` (share of the late run at the collapse line), not
#: ``collapsed`` (ever touched it, however briefly).
SWEEP_METRICS: tuple[str, ...] = ("expression_late", "trust_late", "need_late", "collapsed_late")


def sweep_figure(results: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str],
                 title: str, kind: str | None = None) -> Figure | None:
    """A sweep's results against its varied parameters.

    Parameters
    ----------
    results : pandas.DataFrame
        The results table (one row per run: ``point``, ``replicate``, the keys, the metrics).
    keys : sequence of str
        The varied parameters, in the design's order.
    metrics : sequence of str
        The metrics to show (the first four present in ``results``).
    title : str
        The figure's title.
    kind : str, optional
        The design's kind (``Design.kind``: ``"factorial"``, ``"lhs"``, ...). When not given,
        a table whose points form a complete grid is taken as a factorial.

    Returns
    -------
    matplotlib.figure.Figure or None
        A factorial over one parameter: each metric's mean over seeds against it (and the
        spread when there are enough seeds); over two: one heatmap per metric, the number in
        every cell. A sampled design, or a grid of more parameters: partial-dependence
        panels. ``None`` when nothing varies.
    """
    metrics = [m for m in metrics if m in results][:4]
    keys = list(keys)
    if not keys or not metrics or results.empty:
        return None
    if kind is None:
        kind = "factorial" if _complete_grid(results, keys) else "sampled"
    title = plain_text(title)
    if kind == "factorial" and len(keys) <= 2:
        return grid_figure(results, keys, metrics, title)
    return sampled_figure(results, keys, metrics, title, kind)


def _complete_grid(results: pd.DataFrame, keys: list[str]) -> bool:
    """Whether the points are every combination of the keys' values, each once."""
    points = results.drop_duplicates("point") if "point" in results else results
    combos = points[keys].drop_duplicates()
    return len(combos) == len(points) == int(np.prod([points[k].nunique() for k in keys]))


def sensitivity_figure(table: pd.DataFrame, metric: str, title: str, warnings: Sequence[str] = ()) -> Figure:
    """First-order and total Sobol' indices per parameter, with confidence intervals; ``warnings``
    (too few samples, say) are written under the title, so the figure cannot be read without them."""
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
    ax.set_ylabel(f"Sobol' index of {metric_label(metric)}", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, axis="y", color="0.85", linewidth=0.8)
    ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9)
    fig.suptitle(textwrap.fill(plain_text(title), 80), fontsize=TITLE_SIZE, fontweight="bold")
    if warnings:
        ax.set_title("\n".join(textwrap.fill(plain_text(w), 110) for w in warnings), loc="left",
                     fontsize=LABEL_SIZE, color=_C["vermillion"], gid="warnings")
    return fig
