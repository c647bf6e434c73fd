"""A run's dashboard and a comparison of variants, drawn for a projector.

What each figure shows is declared by the scenario (``[figure]``, read by
:mod:`simulator.panels`); without a declaration a run gets the six standard
panels, lettered as docs/teaching.md reads them::

    (a) what is felt vs what is seen   (b) the society
    (c) lever allocation               (d) faults arise and are repaired
    (e) participation and removal      (f) slow loops and the apparatus

Rules every figure keeps: the title carries the scenario's question and every
changed parameter; a panel holds series of one unit on one axis (no second
axis to suggest false magnitudes); a series that is zero throughout is left
out, and a panel left with nothing, or with nothing that moves, is dropped; shocks and scheduled falls are
marked where they happen; a comparison draws a band only over enough seeds,
and says how many. Figures are built with the object-oriented API on an Agg
canvas (no pyplot state, safe in workers and tests); every plotted artist has
its series name as ``gid``, so a reader or a test can find it by name.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..experiments.early_warning import read_tau
from ..panels import DEFAULT_COMPARE, STANDARD, Panel, events
from ..parameters import PARAMETERS
from ..series import SERIES_INFO, UNITS
from .look import (
    DPI,
    FIGSIZE,
    LABEL_SIZE,
    LEGEND_SIZE,
    LINE_WIDTH,
    OKABE_ITO,
    PANEL_TITLE_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    close_figure,
    finish_panel,
    make_room_for_legends,
    plain_text,
    save_figure,
    style,
)

__all__ = ["COMPARE_PANELS", "DASHBOARD_COLUMNS", "OKABE_ITO", "MIN_BAND_SEEDS", "compare_figure",
           "dashboard_figure", "early_warning_figure", "figure_title", "plain_text", "save_figure",
           "close_figure", "DPI", "FIGSIZE", "LABEL_SIZE", "LEGEND_SIZE", "LINE_WIDTH", "PANEL_TITLE_SIZE",
           "TICK_SIZE", "TITLE_SIZE"]

_C = OKABE_ITO
#: The series the standard dashboard can draw (all of them are in :data:`simulator.SERIES`).
DASHBOARD_COLUMNS: tuple[str, ...] = ("step", *dict.fromkeys(
    [c for p in STANDARD.values() for c in p.series] + ["crisis", "shock"]))
#: The series ``compare_figure`` shows by default, with their panel titles.
COMPARE_PANELS: dict[str, str] = {c: SERIES_INFO[c].label for c in DEFAULT_COMPARE}
#: Fewer seeds than this give a mean line but no 10-90 % band (two or three seeds make no percentile).
MIN_BAND_SEEDS = 5
#: How a reference line is named on a figure.
REFERENCE_WORDS = {"society.collapse_level": "collapse line", "analyze.setpoint": "set-point",
                   "analyze.fault_level": "fault level"}
VARIANT_COLOURS = ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black", "yellow")


def figure_title(title: str, scenario=None, detail: str = "", width: float = FIGSIZE[0]) -> str:
    """The title lines: the scenario's title and ``detail``, its question, and what was changed.

    Lines wrap to what a figure ``width`` inches wide holds at the title's size.
    """
    chars = int(6 * width)
    lines = [plain_text(f"{title}: {detail}" if detail else title)]
    if scenario is not None:
        if scenario.question:
            lines += textwrap.wrap(plain_text(scenario.question), chars)
        if scenario.overrides:
            changed = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in scenario.overrides.items())
            lines += textwrap.wrap(plain_text(f"changed: {changed}"), chars)
    return "\n".join(lines)


def _shows_something(values: np.ndarray) -> bool:
    return bool(np.any(np.nan_to_num(values) != 0))


def _drawable(panel: Panel, s: pd.DataFrame) -> list[str]:
    """The series of ``panel`` worth drawing: present and not zero throughout; none if nothing moves."""
    drawn = [c for c in panel.series if c in s.columns and _shows_something(s[c].to_numpy(dtype=float))]
    if panel.stacked and not [c for c in drawn if c != "capacity"]:
        return []  # capacity alone, nothing delivered: the loop is off
    if len(s) > 1 and all(np.ptp(s[c].to_numpy(dtype=float)) == 0 for c in drawn):
        return []  # flat lines only (slow loops switched off, say): a panel that shows nothing happening
    return drawn


def _reference(ax: Axes, key: str, config) -> None:
    value = config[key] if config is not None else PARAMETERS[key].default
    ax.axhline(value, color="0.35", linestyle=(0, (6, 3)), linewidth=1.6, zorder=1, gid=f"reference:{key}",
               label=f"{REFERENCE_WORDS.get(key, key)} ({value:g})")


def _mark_events(ax: Axes, step: np.ndarray, s: pd.DataFrame | None, config, legend: bool) -> None:
    """Shocks as dotted verticals; scheduled falls as a shaded stretch (or a line if sudden)."""
    if s is not None and "shock" in s.columns:
        for i, x in enumerate(step[s["shock"].to_numpy() == 1]):
            ax.axvline(x, color=_C["black"], linestyle=":", linewidth=1.6, gid="shock", zorder=1,
                       label="shock" if legend and i == 0 else None)
    for first, last, words in (events(config) if config is not None else []):
        if last > first:
            ax.axvspan(first, last, color=_C["sky_blue"], alpha=0.12, linewidth=0, gid="event", zorder=0,
                       label=words if legend else None)
        else:
            ax.axvline(first, color=_C["sky_blue"], linestyle="-", linewidth=2.2, gid="event", zorder=1,
                       label=words if legend else None)


def _runs(step: np.ndarray, flags: np.ndarray) -> list[tuple[float, float]]:
    """The first and last step of each run of consecutive 1s in ``flags``."""
    on = np.asarray(flags) == 1
    edges = np.diff(np.concatenate(([False], on, [False])).astype(int))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(step[a]), float(step[b])) for a, b in zip(starts, stops)]


def _draw_panel(ax: Axes, panel: Panel, drawn: list[str], step: np.ndarray, s: pd.DataFrame, config) -> None:
    if panel.stacked:
        parts = [c for c in drawn if c != "capacity"]
        areas = ax.stackplot(step, *[s[c].to_numpy(dtype=float) for c in parts],
                             labels=[SERIES_INFO[c].label for c in parts],
                             colors=[style(c)[0] for c in parts], alpha=0.85, linewidth=0.5)
        for area, name in zip(areas, parts):
            area.set_gid(name)
    for i, c in enumerate(drawn):
        if panel.stacked and c != "capacity":
            continue
        colour, dash, width, order = style(c, i)
        ax.plot(step, s[c].to_numpy(dtype=float), color=colour, linestyle=dash, linewidth=width, zorder=order,
                label=SERIES_INFO[c].label + (" available" if panel.stacked else ""), gid=c)
    if "faults" in drawn and "crisis" in s.columns:
        for i, (a, b) in enumerate(_runs(step, s["crisis"].to_numpy())):
            ax.axvspan(a - 0.5, b + 0.5, color=_C["yellow"], alpha=0.55, linewidth=0, gid="crisis", zorder=0,
                       label="crisis declared by Analyze" if i == 0 else None)
    for key in panel.references:
        _reference(ax, key, config)
    if panel.unit in ("districts", "capacity"):  # after every artist: a fixed limit stops autoscaling
        ax.set_ylim(0, ax.get_ylim()[1])


def dashboard_figure(series: pd.DataFrame, title: str, subtitle: str = "", *, scenario=None) -> Figure:
    """Draw the dashboard of one run: the scenario's panels, or the six standard ones.

    Parameters
    ----------
    series : pandas.DataFrame
        A run's recorded series, one row per step (``model.series()``).
    title : str
        The figure's title, e.g. the scenario's title.
    subtitle : str, optional
        What distinguishes this run, e.g. ``"seed 1"``; it follows the title.
    scenario : simulator.scenario.Scenario, optional
        The run's scenario: its ``[figure]`` panels, its question and changed
        parameters in the title, its reference lines and scheduled events.

    Raises
    ------
    ValueError
        If ``series`` lacks a column the figure draws.
    """
    spec_panels = scenario.figure.panels if scenario is not None else tuple(STANDARD.values())
    config = scenario.config if scenario is not None else None
    missing = sorted({c for p in spec_panels for c in p.series} - set(series.columns) - {"step"})
    if missing or "step" not in series.columns:
        raise ValueError(f"series lacks the columns {missing or ['step']}; pass model.series()")
    step = series["step"].to_numpy()
    shown = [(p, d) for p in spec_panels if (d := _drawable(p, series))]
    columns = 2 if len(shown) > 1 else 1
    rows = max(1, -(-len(shown) // columns))
    fig = Figure(figsize=(FIGSIZE[0], min(FIGSIZE[1], 2.0 + 3.0 * rows)), layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(figure_title(title, scenario, subtitle), fontsize=TITLE_SIZE, fontweight="bold")
    axes = fig.subplots(rows, columns, sharex=True, squeeze=False).ravel()
    for i, (ax, (panel, drawn)) in enumerate(zip(axes, shown)):
        _draw_panel(ax, panel, drawn, step, series, config)
        _mark_events(ax, step, series, config, legend=i == 0)  # named once, in the first panel
        finish_panel(ax, f"({panel.letter}) {panel.title}", UNITS[panel.unit], ncol=2)
    for ax in axes[len(shown):]:
        ax.set_visible(False)
    for i in range(len(shown)):
        if i + columns >= len(shown):  # nothing drawn below it: it carries the time axis
            axes[i].tick_params(labelbottom=True)
            axes[i].set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    if len(step) > 1:
        axes[0].set_xlim(step.min(), step.max())  # shared by every panel
    make_room_for_legends(fig, list(axes[:len(shown)]))
    return fig


def _variant_config(comparison, variant: str):
    sc = comparison.scenario
    return sc.with_variant(variant).config if variant in sc.variants else sc.config


def compare_figure(comparison, panels: dict[str, str] | None = None, how: str | None = None) -> Figure:
    """Variants side by side: the mean of each series across seeds, and a 10-90 % band over enough seeds.

    Parameters
    ----------
    comparison : simulator.experiments.compare.Comparison
        The runs of every variant over the same seeds.
    panels : dict, optional
        Series to show and their panel titles (default: the scenario's
        ``figure.compare``, titled by each series' label).
    how : str, optional
        What is compared, for the title (default: the variants over their seeds).
    """
    sc = comparison.scenario
    panels = panels or {c: SERIES_INFO[c].label for c in sc.figure.compare}
    seeds = comparison.replicates
    banded = seeds >= MIN_BAND_SEEDS
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    FigureCanvasAgg(fig)
    if how is None:
        how = "variants compared, " + (f"mean of {seeds} seeds, band 10th-90th percentile" if banded
                                       else f"mean of {seeds} seeds (a band needs {MIN_BAND_SEEDS} or more)")
    fig.suptitle(figure_title(sc.title, sc, how), fontsize=TITLE_SIZE, fontweight="bold")
    rows = (len(panels) + 1) // 2
    axes = fig.subplots(rows, 2, sharex=True, squeeze=False).ravel()
    letters = "abcdefghijklmnopqrstuvwxyz"
    scheduled = [(i, variant, a, b, words) for i, variant in enumerate(comparison.series)
                 for a, b, words in events(_variant_config(comparison, variant))]
    for k, (ax, (column, title)) in enumerate(zip(axes, panels.items())):
        for i, variant in enumerate(comparison.series):
            colour = _C[VARIANT_COLOURS[i % len(VARIANT_COLOURS)]]
            band = comparison.band(variant, column)
            if banded:
                ax.fill_between(band["step"], band["low"], band["high"], color=colour, alpha=0.2, linewidth=0,
                                gid=f"{variant}:{column}:band")
            what = sc.descriptions.get(variant, "") or ("as the scenario file sets it" if variant == "base" else "")
            ax.plot(band["step"], band["mean"], color=colour, linewidth=LINE_WIDTH, zorder=2,
                    label=textwrap.shorten(plain_text(f"{variant}: {what}" if what else variant), 70),
                    gid=f"{variant}:{column}")
        first = comparison.series[next(iter(comparison.series))][0]
        step = first["step"].to_numpy()
        _mark_events(ax, step, first, None, legend=k == 0)
        for i, variant, a, b, words in scheduled:
            ax.axvspan(a, max(a + 0.5, b), color=_C[VARIANT_COLOURS[i % len(VARIANT_COLOURS)]], alpha=0.12,
                       linewidth=0, gid="event", zorder=0, label=f"{variant}: {words}" if k == 0 else None)
        if column in ("expression", "observed_expression"):
            _reference(ax, "society.collapse_level", sc.config)
        ax.set_title(f"({letters[k]}) {plain_text(title[:1].upper() + title[1:])}", fontsize=PANEL_TITLE_SIZE, fontweight="bold",
                     loc="left")
        ax.set_ylabel(UNITS[SERIES_INFO[column].unit] if column in SERIES_INFO else column, fontsize=LABEL_SIZE)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(True, color="0.85", linewidth=0.8)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for ax in axes[-2:]:
        ax.set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    legend: dict[str, Any] = {}
    if banded:  # what the shading is, and over how many seeds
        legend[f"shaded: 10th-90th percentile of {seeds} seeds"] = Patch(color="0.6", alpha=0.35)
    for ax in axes[:len(panels)]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend), loc="outside lower center", ncol=2, fontsize=LEGEND_SIZE,
               framealpha=0.9)
    return fig


def early_warning_figure(series: pd.DataFrame, warning, title: str, subtitle: str = "", *, scenario=None,
                         road=None) -> Figure:
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
    road : simulator.twin.tipping.Road, optional
        For a scenario whose lever mix drifts: the twin's quiet state along
        the drift, drawn in a fourth panel (its leading eigenvalue).

    Returns
    -------
    matplotlib.figure.Figure
        Three panels (four with ``road``) sharing the time axis: the series with its trend over
        the analysed stretch (shaded) and the event; the rolling variance of
        the residual; its lag-1 autocorrelation. Each indicator's legend
        carries its Kendall tau.
    """
    fig = Figure(figsize=(12.0, 10.0 if road is None else 12.5), layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(figure_title(title, scenario, subtitle, width=fig.get_figwidth()), fontsize=TITLE_SIZE,
                 fontweight="bold")
    axes = fig.subplots(3 if road is None else 4, 1, sharex=True)
    step = warning.step
    name = SERIES_INFO[warning.series].label if warning.series in SERIES_INFO else warning.series
    top = axes[0]
    top.plot(series["step"].to_numpy(), series[warning.series].to_numpy(dtype=float),
             color=_C["sky_blue"], linewidth=LINE_WIDTH, label=plain_text(name), gid=warning.series)
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
                label=f"window {warning.window} steps; {read_tau(tau, gid)}")
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
        ax.set_title(panel, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    event = warning.event if warning.event_found != "none" else None
    for ax in axes[:3]:
        ax.axvspan(warning.start, step[-1], color=_C["yellow"], alpha=0.25, linewidth=0,
                   gid="stretch", label="analysed stretch" if ax is top else None, zorder=0)
        if event is not None:
            ax.axvline(event, color=_C["black"], linestyle=":", linewidth=1.8, gid="event",
                       label=f"event at step {event} ({warning.event_found})" if ax is top else None)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(True, color="0.85", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left", framealpha=0.9)
    top.set_title(f"{plain_text(name[:1].upper() + name[1:])}, its trend before the event (bandwidth "
                  f"{warning.bandwidth:g} steps)", fontsize=PANEL_TITLE_SIZE, fontweight="bold",
                  loc="left")
    top.set_ylabel("level", fontsize=LABEL_SIZE)
    if road is not None:
        _road_panel(axes[3], road, event)
    axes[-1].set_xlabel("time (steps)", fontsize=LABEL_SIZE)
    return fig


def _road_panel(ax, road, event: int | None) -> None:
    """The twin's leading eigenvalue of the quiet state along the drift, its fold, and the event."""
    t = road.table
    if event is not None:
        ax.axvline(event, color=_C["black"], linestyle=":", linewidth=1.8, gid="event")
    ax.plot(t["step"], t["leading_real"], color=_C["bluish_green"], linewidth=LINE_WIDTH, gid="eigenvalue",
            label="the twin's quiet state: leading eigenvalue (0: it no longer recovers)")
    ax.axhline(0.0, color=_C["black"], linewidth=1.0)
    if road.fold_step is not None:
        ax.axvline(road.fold_step, color=_C["reddish_purple"], linestyle="--", linewidth=1.8, gid="fold",
                   label=f"the twin's fold: the quiet state is gone (lever mix {road.fold:.2f})")
    ax.set_title("The twin along the drift: how fast the loop returns to its quiet state",
                 fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    ax.set_ylabel("per step", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(fontsize=LEGEND_SIZE, loc="upper left", framealpha=0.9)


