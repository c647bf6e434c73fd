"""Plotting: the dashboard figure of one run, drawn for a projector.

This is the only module that imports matplotlib. It builds figures with the
object-oriented API (:class:`matplotlib.figure.Figure` on an Agg canvas), so
it selects no backend, keeps no global ``pyplot`` state and is safe in worker
processes and tests. Functions that draw return the figure; only
:func:`save_figure` writes a file.

The dashboard has six panels, read top left to bottom right::

    (a) what is felt vs what is seen   (b) the society
    (c) lever allocation               (d) faults arise and are repaired
    (e) participation and removal      (f) slow loops and the apparatus

Colours are the Okabe-Ito palette, which stays distinct under the common
forms of colour blindness; each line also carries a label in a legend.
Every plotted artist has its series name as ``gid``, so a reader (or a
test) can find the ``trust`` line by name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io.files import atomic_write

__all__ = ["COMPARE_PANELS", "DASHBOARD_COLUMNS", "OKABE_ITO", "compare_figure",
           "dashboard_figure", "early_warning_figure", "plain_text", "save_figure", "close_figure"]

#: The Okabe-Ito colour-blind-safe palette, by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

FIGSIZE = (15.0, 11.0)
DPI = 110
TITLE_SIZE = 18
PANEL_TITLE_SIZE = 16
LABEL_SIZE = 14
TICK_SIZE = 13
LEGEND_SIZE = 12
LINE_WIDTH = 2.4

#: The series the dashboard draws (all of them are in :data:`simulator.SERIES`).
DASHBOARD_COLUMNS: tuple[str, ...] = (
    "step", "latent", "expression", "observed_expression", "observability_gap",
    "need", "trust", "grievance", "accommodate", "constrain", "incentivise", "mobilise",
    "faults", "repairs", "crisis", "shock", "participation", "removed",
    "alignment", "centralisation", "soft_share", "sharing", "capacity",
)

_C = OKABE_ITO


def plain_text(text: str) -> str:
    """``text`` with every ``$`` escaped, so matplotlib draws it as it is.

    Titles and variant names come from scenario files; an unescaped ``$``
    would make matplotlib read the text as mathtext, and fail to draw
    ``$\\frac{`` at all.
    """
    return str(text).replace("$", r"\$")


def dashboard_figure(series: pd.DataFrame, title: str, subtitle: str = "") -> Figure:
    """Draw the six-panel dashboard of one run.

    Parameters
    ----------
    series : pandas.DataFrame
        A run's recorded series, one row per step (``model.series()``); it
        must hold every column in :data:`DASHBOARD_COLUMNS`.
    title : str
        The figure's title, e.g. the scenario's title.
    subtitle : str, optional
        A second, smaller line under the title, e.g. ``"seed 1"``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, attached to an Agg canvas and not yet saved.

    Raises
    ------
    ValueError
        If ``series`` lacks any column the dashboard draws.
    """
    missing = [c for c in DASHBOARD_COLUMNS if c not in series.columns]
    if missing:
        raise ValueError(f"series lacks the columns {missing}; pass model.series()")
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    FigureCanvasAgg(fig)
    title, subtitle = plain_text(title), plain_text(subtitle)
    fig.suptitle(f"{title}\n{subtitle}" if subtitle else title, fontsize=TITLE_SIZE,
                 fontweight="bold")
    axes = fig.subplots(3, 2, sharex=True)
    step = series["step"].to_numpy()
    panels = [
        _felt_and_seen(axes[0, 0], step, series),
        _society(axes[0, 1], step, series),
        _levers(axes[1, 0], step, series),
        _faults(axes[1, 1], step, series),
        _participation(axes[2, 0], step, series),
        _slow_loops(axes[2, 1], step, series),
    ]
    for ax in axes[-1]:
        ax.set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    if len(step) > 1:
        axes[0, 0].set_xlim(step.min(), step.max())  # shared by every panel
    _make_room_for_legends(fig, panels)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], metadata: dict[str, str] | None = None) -> None:
    """Write ``fig`` to ``path`` atomically, then close it.

    The image is rendered into a temporary file in the same directory and
    renamed into place, so ``path`` is either absent or complete.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write (e.g. from :func:`dashboard_figure`).
    path : str or path-like
        Where to write; the suffix chooses the format (``.png`` by default).
    metadata : dict, optional
        Text kept in the file (for a PNG, its text chunks), e.g. what made it.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=DPI, metadata=metadata))
    finally:
        close_figure(fig)


#: The series ``compare_figure`` shows by default, with their panel titles.
COMPARE_PANELS: dict[str, str] = {
    "expression": "Expressing (true share)",
    "latent": "Would express (latent share)",
    "observed_expression": "Expressing, as the loop sees it",
    "trust": "Trust",
    "need": "Need",
    "cost": "Capacity spent per district",
}
VARIANT_COLOURS = ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                    "sky_blue", "black", "yellow")


def compare_figure(comparison, panels: dict[str, str] | None = None) -> Figure:
    """Variants side by side: the mean of each series across seeds and a 10-90 % band.

    Parameters
    ----------
    comparison : simulator.experiments.compare.Comparison
        The runs of every variant over the same seeds.
    panels : dict, optional
        Series to show and their panel titles (default :data:`COMPARE_PANELS`).
    """
    panels = panels or COMPARE_PANELS
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    FigureCanvasAgg(fig)
    sc = comparison.scenario
    fig.suptitle(f"{plain_text(sc.title)}: variants over {len(comparison.seeds)} seeds "
                 "(line: mean; band: 10th to 90th percentile)",
                 fontsize=TITLE_SIZE, fontweight="bold")
    rows = (len(panels) + 1) // 2
    axes = fig.subplots(rows, 2, sharex=True, squeeze=False).ravel()
    for ax, (column, title) in zip(axes, panels.items()):
        for i, variant in enumerate(comparison.series):
            colour = _C[VARIANT_COLOURS[i % len(VARIANT_COLOURS)]]
            band = comparison.band(variant, column)
            ax.fill_between(band["step"], band["low"], band["high"], color=colour, alpha=0.2,
                            linewidth=0, gid=f"{variant}:{column}:band")
            ax.plot(band["step"], band["mean"], color=colour, linewidth=LINE_WIDTH,
                    label=plain_text(variant), gid=f"{variant}:{column}")
        ax.set_title(title, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(True, color="0.85", linewidth=0.8)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for ax in axes[-2:]:
        ax.set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    axes[0].legend(fontsize=LEGEND_SIZE, loc="best", framealpha=0.9)
    return fig


def early_warning_figure(series: pd.DataFrame, warning, title: str, subtitle: str = "") -> Figure:
    """Early-warning panel: a series, and its rolling variance and lag-1 autocorrelation.

    Parameters
    ----------
    series : pandas.DataFrame
        The run's recorded series (``model.series()``), drawn in full in the
        top panel for context.
    warning : simulator.experiments.early_warning.EarlyWarning
        The indicators of one of its columns before the event.
    title : str
        The figure's title.
    subtitle : str, optional
        A second, smaller line under the title, e.g. ``"seed 1"``.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels sharing the time axis: the series with its trend over
        the analysed stretch (shaded) and the event; the rolling variance of
        the residual; its lag-1 autocorrelation. Each indicator's legend
        carries its Kendall tau.
    """
    fig = Figure(figsize=(12.0, 10.0), layout="constrained")
    FigureCanvasAgg(fig)
    title, subtitle = plain_text(title), plain_text(subtitle)
    fig.suptitle(f"{title}\n{subtitle}" if subtitle else title, fontsize=TITLE_SIZE,
                 fontweight="bold")
    axes = fig.subplots(3, 1, sharex=True)
    step = warning.step
    top = axes[0]
    top.plot(series["step"].to_numpy(), series[warning.series].to_numpy(dtype=float),
             color=_C["sky_blue"], linewidth=LINE_WIDTH, label=warning.series, gid=warning.series)
    top.plot(step, warning.trend, color=_C["black"], linestyle="--", linewidth=LINE_WIDTH,
             label="trend (Gaussian smooth)", gid="trend")
    indicators = [
        (axes[1], warning.variance, warning.tau_variance, "variance", _C["vermillion"],
         "Rolling variance of the residual", "variance"),
        (axes[2], warning.autocorrelation, warning.tau_autocorrelation, "autocorrelation",
         _C["blue"], "Rolling lag-1 autocorrelation of the residual", "autocorrelation"),
    ]
    for ax, values, tau, gid, colour, panel, ylabel in indicators:
        ax.plot(step, values, color=colour, linewidth=LINE_WIDTH, gid=gid,
                label=f"window {warning.window} steps; Kendall tau {tau:+.2f}")
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
        ax.set_title(panel, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    event = warning.event if warning.event_found != "none" else None
    for ax in axes:
        ax.axvspan(warning.start, step[-1], color=_C["yellow"], alpha=0.25, linewidth=0,
                   gid="stretch", label="analysed stretch" if ax is top else None, zorder=0)
        if event is not None:
            ax.axvline(event, color=_C["black"], linestyle=":", linewidth=1.8, gid="event",
                       label=f"event at step {event} ({warning.event_found})" if ax is top else None)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(True, color="0.85", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left", framealpha=0.9)
    top.set_title(f"{warning.series}, its trend before the event (bandwidth "
                  f"{warning.bandwidth:g} steps)", fontsize=PANEL_TITLE_SIZE, fontweight="bold",
                  loc="left")
    top.set_ylabel("level", fontsize=LABEL_SIZE)
    axes[-1].set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    return fig


# -- the panels -----------------------------------------------------------------------------

def _felt_and_seen(ax: Axes, step: np.ndarray, s: pd.DataFrame) -> list[Axes]:
    _line(ax, step, s, "latent", "would express (latent)", _C["orange"])
    _line(ax, step, s, "expression", "expressing (true)", _C["vermillion"])
    _line(ax, step, s, "observed_expression", "expressing, as seen", _C["blue"])
    _line(ax, step, s, "observability_gap", "not seen: latent minus seen", _C["black"],
          linestyle="--")
    _finish(ax, "What is felt vs what is seen", "share of agents", ncol=2)
    return [ax]


def _society(ax: Axes, step: np.ndarray, s: pd.DataFrame) -> list[Axes]:
    _line(ax, step, s, "need", "need", _C["reddish_purple"])
    _line(ax, step, s, "trust", "trust", _C["blue"])
    _line(ax, step, s, "grievance", "grievance", _C["vermillion"])
    _finish(ax, "The society", "mean level (0 to 1)", ncol=3)
    return [ax]


def _levers(ax: Axes, step: np.ndarray, s: pd.DataFrame) -> list[Axes]:
    names = ("accommodate", "constrain", "incentivise", "mobilise")
    labels = ("accommodate", "constrain", "incentivise", "mobilise")
    colours = (_C["bluish_green"], _C["vermillion"], _C["sky_blue"], _C["reddish_purple"])
    layers = [s[n].to_numpy(dtype=float) for n in names]
    areas = ax.stackplot(step, *layers, labels=labels, colors=colours, alpha=0.85, linewidth=0.5)
    for area, name in zip(areas, names):
        area.set_gid(name)
    ax.set_ylim(bottom=0)
    _finish(ax, "Lever allocation", "capacity delivered per district", ncol=4)
    return [ax]


def _faults(ax: Axes, step: np.ndarray, s: pd.DataFrame) -> list[Axes]:
    _line(ax, step, s, "faults", "districts flagged as faults", _C["vermillion"])
    _line(ax, step, s, "repairs", "districts repaired this step", _C["bluish_green"])
    for i, (start, stop) in enumerate(_runs(step, s["crisis"].to_numpy())):
        ax.axvspan(start - 0.5, stop + 0.5, color=_C["yellow"], alpha=0.55, linewidth=0,
                   gid="crisis", label="crisis declared" if i == 0 else None, zorder=0)
    for i, x in enumerate(step[s["shock"].to_numpy() == 1]):
        ax.axvline(x, color=_C["black"], linestyle=":", linewidth=1.8,
                   gid="shock", label="shock" if i == 0 else None)
    ax.set_ylim(bottom=0)
    _finish(ax, "Faults arise and are repaired", "number of districts", ncol=2)
    return [ax]


def _participation(ax: Axes, step: np.ndarray, s: pd.DataFrame) -> list[Axes]:
    _line(ax, step, s, "participation", "using the loop's services", _C["blue"])
    ax.set_ylim(bottom=0, top=max(0.05, 1.3 * float(s["participation"].max())))
    right = ax.twinx()
    _line(right, step, s, "removed", "temporarily removed (right axis)", _C["vermillion"],
          linestyle="-.")
    right.set_ylim(bottom=0)
    _right_axis(right, "share removed", _C["vermillion"])
    _finish(ax, "Participation and removal", "share of agents", twin=right, ncol=1)
    return [ax, right]


def _slow_loops(ax: Axes, step: np.ndarray, s: pd.DataFrame) -> list[Axes]:
    _line(ax, step, s, "alignment", "agencies' alignment", _C["black"])
    _line(ax, step, s, "centralisation", "centralisation", _C["reddish_purple"])
    _line(ax, step, s, "soft_share", "accommodation share", _C["bluish_green"])
    _line(ax, step, s, "sharing", "information sharing", _C["sky_blue"], linestyle="--")
    ax.set_ylim(-0.02, 1.05)
    right = ax.twinx()
    _line(right, step, s, "capacity", "capacity (right axis)", _C["orange"], linestyle="-.")
    right.set_ylim(bottom=0, top=max(1e-9, 1.25 * float(s["capacity"].max())))
    _right_axis(right, "capacity per district", _C["orange"])
    _finish(ax, "Slow loops and the apparatus", "level or share (0 to 1)", twin=right, ncol=2)
    return [ax, right]


# -- helpers --------------------------------------------------------------------------------

def _line(ax: Axes, step: np.ndarray, s: pd.DataFrame, column: str, label: str, colour: str,
          linestyle: str = "-") -> None:
    """Plot one series, named by ``gid`` so it can be found again."""
    ax.plot(step, s[column].to_numpy(dtype=float), color=colour, linestyle=linestyle,
            linewidth=LINE_WIDTH, label=label, gid=column)


def _finish(ax: Axes, title: str, ylabel: str, ncol: int, twin: Axes | None = None) -> None:
    """Title, y label, ticks, grid and one legend (covering a twin axis too)."""
    ax.set_title(title, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    if twin is not None:
        more_handles, more_labels = twin.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
        ax.set_zorder(twin.get_zorder() + 1)  # the legend above the twin's lines
        ax.patch.set_visible(False)
    ax.legend(handles, labels, fontsize=LEGEND_SIZE, loc="upper left", ncol=ncol,
              framealpha=0.9, columnspacing=1.2, handlelength=2.2)


def _make_room_for_legends(fig: Figure, panels: Sequence[Sequence[Axes]]) -> None:
    """Raise each panel's top so its legend sits above the data, not on it.

    The figure is laid out once to measure each legend; every axes of a
    panel (a twin too) then gets that much headroom, and keeps tick labels
    only over the range its data used, so a share never shows "1.2".
    """
    fig.canvas.draw()
    for group in panels:
        main = group[0]
        legend = main.get_legend()
        if legend is None:  # nothing drawn in this panel: no headroom needed
            continue
        share = legend.get_window_extent().height / main.get_window_extent().height
        share = min(0.6, share + 0.03)
        for ax in group:
            low, high = ax.get_ylim()
            ax.set_ylim(low, low + (high - low) / (1.0 - share))
            ticks = [y for y in ax.get_yticks() if low - 1e-9 <= y <= high + 1e-9]
            ax.set_yticks(ticks)


def _right_axis(ax: Axes, label: str, colour: str) -> None:
    ax.set_ylabel(label, fontsize=LABEL_SIZE, color=colour)
    ax.tick_params(axis="y", labelsize=TICK_SIZE, colors=colour)


def _runs(step: np.ndarray, flags: np.ndarray) -> Sequence[tuple[float, float]]:
    """The first and last step of each run of consecutive 1s in ``flags``."""
    on = np.asarray(flags) == 1
    edges = np.diff(np.concatenate(([False], on, [False])).astype(int))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(step[a]), float(step[b])) for a, b in zip(starts, stops)]


def close_figure(fig: Figure) -> None:
    """Release a figure's drawing memory (no pyplot, so nothing global to forget)."""
    fig.clear()
