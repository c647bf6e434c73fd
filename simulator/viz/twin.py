"""Figures of the system-dynamics twin: its trajectory, and bifurcation diagrams.

A sibling of ``plotting.py`` (the two are the only modules that import
matplotlib), with the same palette, sizes and atomic save.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
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
    figure_title,
)
from .figures import OKABE_ITO as _C

__all__ = ["twin_figure", "bifurcation_figure"]

_PANELS = (("need", "need", "orange"), ("trust", "trust", "blue"),
           ("expression", "share expressing", "vermillion"), ("tension", "estimated tension", "reddish_purple"),
           ("participation", "participation", "bluish_green"), ("accommodate", "accommodation delivered", "sky_blue"))


def twin_figure(frame: pd.DataFrame, agents: dict[str, Any] | None, title: str, runs: int = 0,
                scenario=None) -> Figure:
    """The twin's stocks over time; with ``agents`` (``runs`` of them), over their mean, and their
    10-90 % band when there are enough runs for one (``MIN_BAND_SEEDS``)."""
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
                if runs >= MIN_BAND_SEEDS:
                    ax.fill_between(idx, agents["low"][column], agents["high"][column], color=_C[colour],
                                    alpha=0.25, linewidth=0, label="agents: 10-90 % of runs", gid=f"band-{column}")
                ax.plot(idx, agents["mean"][column], color=_C[colour], linewidth=1.6,
                        label=f"agents: mean of {runs} runs" if runs else "agents: mean", gid=f"agents-{column}")
            ax.plot(step, frame[column], color=_C["black"], linewidth=LINE_WIDTH, linestyle="--",
                    label="twin (stocks and flows)", gid=f"twin-{column}")
            _style(ax, label, label)
        for ax in axes[3:]:
            ax.set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    fig.suptitle(figure_title(title, scenario, "the system-dynamics twin"), fontsize=TITLE_SIZE, fontweight="bold")
    return fig


_KINDS = (("stable", "blue", "o", True), ("stable, oscillatory", "bluish_green", "o", True),
          ("unstable", "vermillion", "o", False), ("unstable, oscillatory", "orange", "D", False))


def bifurcation_figure(table: pd.DataFrame, findings: Any, title: str) -> Figure:
    """The branches of fixed points over a parameter, as the :class:`~simulator.twin.bifurcations.Findings`
    of the scan read them.

    Panels, top to bottom: the shown stock at each fixed point (left out when it
    barely moves, and said so in the title); the leading eigenvalue's real part (how
    fast the loop returns to rest, above zero: the point repels); and, where the
    points swing, the damping ratio of the least-damped swing (and, with the stock
    left out, its period). Stable points are filled, unstable open; each branch is
    joined and lettered as the text output names it. Where swings set in or a
    branch changes stability a vertical line says so; where two stable states
    coexist the range is shaded.
    """
    key, show = findings.key, findings.show
    swings = table["damping_ratio"].notna().any()
    panels = [] if findings.flat else ["stock"]
    panels += ["leading"] + (["damping"] if swings else []) + (["period"] if swings and findings.flat else [])
    fig = Figure(figsize=(13.5, 2.0 + 2.7 * len(panels)), layout="constrained")  # 3 panels: 4:3
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    columns = {"stock": show, "leading": "leading_real", "damping": "damping_ratio", "period": "swing_period"}
    for ax, panel in zip(axes, panels):
        _branches(ax, table, key, columns[panel], letters=panel == panels[0], findings=findings)
    texts = {
        "stock": (f"Fixed points: {show} (filled stable, open unstable)", show),
        "leading": ("Leading eigenvalue: how fast the loop returns to rest (above 0: the point repels)",
                    "real part (1/step)"),
        "damping": ("Least-damped swing: damping ratio (1: barely overshoots, 0: never dies, < 0: grows)",
                    "damping ratio"),
        "period": ("Least-damped swing: period", "period (steps)"),
    }
    for ax, panel in zip(axes, panels):
        _style(ax, *texts[panel], legend=False)
    axes[panels.index("leading")].axhline(0, color="0.2", linewidth=1.4)
    if "damping" in panels:
        axes[panels.index("damping")].set_ylim(min(0.0, float(table["damping_ratio"].min()) - 0.05), 1.05)
    _mark(axes, findings)
    axes[-1].set_xlabel(key, fontsize=LABEL_SIZE)
    handles, labels = axes[0].get_legend_handles_labels()  # one legend for every panel, below them
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=LEGEND_SIZE,
               frameon=False)
    note = ""
    if findings.flat:
        level = table[show].iloc[0]
        note = f"\n{show} is {level:.4g} at every fixed point (not drawn)"
    fig.suptitle(f"{title}: equilibria over {key}{note}", fontsize=TITLE_SIZE, fontweight="bold")
    return fig


def _branches(ax, table: pd.DataFrame, key: str, column: str, letters: bool, findings: Any) -> None:
    """Each branch as a thin line through its points, marked by kind; lettered on the first panel."""
    letter = findings.letters
    for b in sorted(table["branch"].unique()):
        rows = table[table["branch"] == b].sort_values(key)
        ax.plot(rows[key], rows[column], color="0.55", linewidth=1.2, zorder=1, gid=f"branch-{letter[b]}")
        if letters and rows[column].notna().any():
            last = rows[rows[column].notna()].iloc[-1]
            ax.annotate(letter[b], (last[key], last[column]), xytext=(8, 0), textcoords="offset points",
                        va="center", fontsize=LABEL_SIZE, fontweight="bold", gid=f"letter-{letter[b]}")
    for kind, colour, marker, filled in _KINDS:
        rows = table[(table["kind"] == kind) & table[column].notna()]
        if rows.empty:
            continue
        style = {"color": _C[colour]} if filled else {"facecolors": "white", "edgecolors": _C[colour]}
        ax.scatter(rows[key], rows[column], s=42, marker=marker, linewidths=1.8, label=kind, zorder=3,
                   gid=f"{column}-{kind}", **style)


def _mark(axes, findings: Any) -> None:
    """Vertical lines where swings set in or die out and where stability changes; the
    range of two stable states shaded."""
    if findings.coexist:
        low, high = findings.coexist
        for n, ax in enumerate(axes):
            ax.axvspan(low, high, color="0.88", zorder=0, gid="two-stable-states",
                       label="" if n else "two stable states (hysteresis)")
    marks = []
    for e in findings.events:
        if e.kind == "stability":
            text = f"{e.branch}: {e.before.split(',')[0]} -> {e.after.split(',')[0]}"
            marks.append((e.value, text, _C["black"], ":"))  # dotted: a change of stability
        elif e.kind == "swings" and e.before.startswith("stable") and e.after.startswith("stable"):
            verb = "set in" if "oscillatory" in e.after else "die out"
            marks.append((e.value, f"{e.branch}: swings {verb}", _C["bluish_green"], "--"))
    if not marks:
        return
    low, high = axes[0].get_ylim()  # headroom above the data for the labels
    axes[0].set_ylim(low, high + 0.3 * (high - low))
    span = findings.grid[-1] - findings.grid[0]
    for n, (value, text, colour, dash) in enumerate(sorted(marks)):
        for ax in axes:
            ax.axvline(value, color=colour, linestyle=dash, linewidth=2.0, zorder=2, gid="event")
        right = value > findings.grid[0] + 0.6 * span  # near the right edge: label to the left
        axes[0].annotate(f"{text} at {value:.3g}", (value, 1.0 - 0.11 * (n % 2)),
                         xycoords=("data", "axes fraction"), xytext=(-6 if right else 6, -5),
                         textcoords="offset points", va="top", ha="right" if right else "left",
                         fontsize=LEGEND_SIZE, color=colour, fontweight="bold",
                         bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85,
                               "edgecolor": "none"}, gid="event-label")


def _style(ax, panel: str, ylabel: str, legend: bool = True) -> None:
    ax.set_title(panel, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9, loc="best")
