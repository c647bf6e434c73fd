"""Figures of the system-dynamics twin: its trajectory, and bifurcation diagrams.

A sibling of ``plotting.py`` (the two are the only modules that import
matplotlib), with the same palette, sizes and atomic save.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .figures import LABEL_SIZE, LEGEND_SIZE, LINE_WIDTH, PANEL_TITLE_SIZE, TICK_SIZE, TITLE_SIZE
from .figures import OKABE_ITO as _C

__all__ = ["twin_figure", "bifurcation_figure"]

_PANELS = (("need", "need", "orange"), ("trust", "trust", "blue"),
           ("expression", "share expressing", "vermillion"), ("tension", "estimated tension", "reddish_purple"),
           ("participation", "participation", "bluish_green"), ("accommodate", "accommodation delivered", "sky_blue"))


def twin_figure(frame: pd.DataFrame, agents: dict[str, Any] | None, title: str) -> Figure:
    """The twin's stocks over time; with ``agents``, over the agent runs' mean and 10-90 % band."""
    fig = Figure(figsize=(15.0, 10.0), layout="constrained")
    FigureCanvasAgg(fig)
    step = frame["step"].to_numpy()
    if "x" in frame:  # the pure delayed-feedback loop
        ax = fig.subplots()
        ax.plot(step, frame["x"], color=_C["blue"], linewidth=LINE_WIDTH, label="x (gap to the goal)", gid="x")
        ax.plot(step, frame["perceived"], color=_C["orange"], linewidth=LINE_WIDTH, linestyle="--",
                label="x as the loop perceives it (delayed)", gid="perceived")
        ax.axhline(0, color="0.3", linewidth=0.8)
        _style(ax, "Delayed negative feedback", "level")
        ax.set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    else:
        axes = fig.subplots(2, 3, sharex=True).ravel()
        for ax, (column, label, colour) in zip(axes, _PANELS):
            if agents is not None:
                idx = agents["mean"].index.to_numpy()
                ax.fill_between(idx, agents["low"][column], agents["high"][column], color=_C[colour],
                                alpha=0.25, linewidth=0, label="agents: 10-90 % of runs", gid=f"band-{column}")
                ax.plot(idx, agents["mean"][column], color=_C[colour], linewidth=1.6,
                        label="agents: mean", gid=f"agents-{column}")
            ax.plot(step, frame[column], color=_C["black"], linewidth=LINE_WIDTH, linestyle="--",
                    label="twin (stocks and flows)", gid=f"twin-{column}")
            _style(ax, label, label)
        for ax in axes[3:]:
            ax.set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    fig.suptitle(f"{title}: the system-dynamics twin", fontsize=TITLE_SIZE, fontweight="bold")
    return fig


def bifurcation_figure(table: pd.DataFrame, key: str, show: str, title: str,
                       boundaries: Sequence[dict[str, Any]] = ()) -> Figure:
    """Fixed points against a parameter (stable filled, unstable open), and the
    leading eigenvalue's real part, whose crossing of zero marks a bifurcation."""
    fig = Figure(figsize=(13.0, 10.0), layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    kinds = (("stable", "blue", "o", True), ("stable, oscillatory", "bluish_green", "o", True),
             ("unstable", "vermillion", "o", False), ("unstable, oscillatory", "orange", "D", False))
    for kind, colour, marker, filled in kinds:
        rows = table[table["kind"] == kind]
        if rows.empty:
            continue
        style = {"color": _C[colour]} if filled else {"facecolors": "none", "edgecolors": _C[colour]}
        top.scatter(rows[key], rows[show], s=36, marker=marker, linewidths=1.6, label=kind,
                    gid=f"points-{kind}", **style)
        bottom.scatter(rows[key], rows["leading_real"], s=24, marker=marker, linewidths=1.4,
                       gid=f"eigen-{kind}", **style)
    bottom.axhline(0, color="0.2", linewidth=1.2)
    for b in boundaries:
        for ax in (top, bottom):
            ax.axvline(b["value"], color=_C["black"], linestyle=":", linewidth=1.8, gid="boundary")
        top.annotate(f"{b['from']} -> {b['to']}\n{key} = {b['value']:.3g}", (b["value"], 1.0),
                     xycoords=("data", "axes fraction"), xytext=(6, -6), textcoords="offset points",
                     va="top", fontsize=LEGEND_SIZE)
    _style(top, f"Fixed points of the twin: {show} (filled stable, open unstable)", show)
    _style(bottom, "Leading eigenvalue of the Jacobian (above zero: the point repels)", "real part")
    bottom.set_xlabel(key, fontsize=LABEL_SIZE)
    fig.suptitle(f"{title}: bifurcation over {key}", fontsize=TITLE_SIZE, fontweight="bold")
    return fig


def _style(ax, panel: str, ylabel: str) -> None:
    ax.set_title(panel, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9, loc="best")
