"""The shared look of every figure: sizes for a projector, colours, one style per series.

Colours are the Okabe-Ito palette, which stays distinct under the common
forms of colour blindness. Each recorded series has one style everywhere
(:data:`STYLE`), so "trust" is the same blue line in every figure. Where two
series can coincide (the true and the observed expression, say), the wider
solid one is drawn first and the narrower dashed one on top, so that neither
hides the other.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io.files import atomic_write

__all__ = ["OKABE_ITO", "FIGSIZE", "DPI", "TITLE_SIZE", "PANEL_TITLE_SIZE", "LABEL_SIZE", "TICK_SIZE",
           "LEGEND_SIZE", "LINE_WIDTH", "STYLE", "style", "plain_text", "save_figure", "close_figure",
           "finish_panel", "make_room_for_legends"]

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
_C = OKABE_ITO

FIGSIZE = (15.0, 11.0)
DPI = 110
TITLE_SIZE = 18
PANEL_TITLE_SIZE = 16
LABEL_SIZE = 14
TICK_SIZE = 13
LEGEND_SIZE = 12
LINE_WIDTH = 2.4
_WIDE, _NARROW = 3.6, 2.0

#: Per series: colour, line style, width and drawing order (higher is on top).
STYLE: dict[str, tuple[str, str, float, int]] = {
    "latent": (_C["orange"], "-", LINE_WIDTH, 2),
    "expression": (_C["vermillion"], "-", _WIDE, 2),
    "observed_expression": (_C["blue"], "--", _NARROW, 3),
    "observability_gap": (_C["black"], ":", LINE_WIDTH, 3),
    "need": (_C["reddish_purple"], "-", LINE_WIDTH, 2),
    "trust": (_C["blue"], "-", LINE_WIDTH, 2),
    "grievance": (_C["vermillion"], "--", LINE_WIDTH, 2),
    "accommodate": (_C["bluish_green"], "-", LINE_WIDTH, 2),
    "constrain": (_C["vermillion"], "-", LINE_WIDTH, 2),
    "incentivise": (_C["sky_blue"], "-", LINE_WIDTH, 2),
    "mobilise": (_C["reddish_purple"], "-", LINE_WIDTH, 2),
    "capacity": (_C["black"], "--", _NARROW, 4),
    "cost": (_C["orange"], "-", LINE_WIDTH, 2),
    "faults": (_C["vermillion"], "-", LINE_WIDTH, 2),
    "repairs": (_C["bluish_green"], "-", _NARROW, 3),
    "participation": (_C["blue"], "-", LINE_WIDTH, 2),
    "removed": (_C["vermillion"], "-.", LINE_WIDTH, 2),
    "alignment": (_C["black"], "-", _WIDE, 2),
    "centralisation": (_C["reddish_purple"], "-", LINE_WIDTH, 2),
    "soft_share": (_C["bluish_green"], "--", _NARROW, 3),
    "sharing": (_C["sky_blue"], ":", LINE_WIDTH, 3),
    "tension": (_C["orange"], "-", LINE_WIDTH, 2),
    "reserve": (_C["reddish_purple"], "-", LINE_WIDTH, 2),
    "fatigue": (_C["orange"], "--", LINE_WIDTH, 2),
    "gain": (_C["blue"], "-", LINE_WIDTH, 2),
    "incentive_share": (_C["sky_blue"], "-", LINE_WIDTH, 2),
    "granularity": (_C["black"], "-", LINE_WIDTH, 2),
}
_CYCLE = ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black")


def style(series: str, i: int = 0) -> tuple[str, str, float, int]:
    """The style of ``series``; an undeclared one takes the ``i``-th palette colour."""
    return STYLE.get(series, (_C[_CYCLE[i % len(_CYCLE)]], "-", LINE_WIDTH, 2))


def plain_text(text: str) -> str:
    """``text`` with every ``$`` escaped, so matplotlib draws it as it is.

    Titles and variant names come from scenario files; an unescaped ``$``
    would make matplotlib read the text as mathtext, and fail to draw
    ``$\\frac{`` at all.
    """
    return str(text).replace("$", r"\$")


def save_figure(fig: Figure, path: str | os.PathLike[str], metadata: dict[str, str] | None = None) -> None:
    """Write ``fig`` to ``path`` atomically, then close it.

    The image is rendered into a temporary file in the same directory and
    renamed into place, so ``path`` is either absent or complete. The suffix
    chooses the format (``.png`` by default); ``metadata`` is text kept in
    the file (for a PNG, its text chunks), e.g. what made it.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=DPI, metadata=metadata))
    finally:
        close_figure(fig)


def close_figure(fig: Figure) -> None:
    """Release a figure's drawing memory (no pyplot, so nothing global to forget)."""
    fig.clear()


def finish_panel(ax: Axes, title: str, ylabel: str, ncol: int) -> None:
    """Title, y label, ticks, grid and one legend."""
    ax.set_title(title, fontsize=PANEL_TITLE_SIZE, fontweight="bold", loc="left")
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, color="0.85", linewidth=0.8)
    ax.set_axisbelow(True)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left", ncol=ncol, framealpha=0.9, columnspacing=1.2,
                  handlelength=2.2)


def make_room_for_legends(fig: Figure, axes: Sequence[Axes]) -> None:
    """Raise each panel's top so its legend sits above the data, not on it.

    The figure is laid out once to measure each legend; each panel then gets
    that much headroom, and keeps tick labels only over the range its data
    used, so a share never shows "1.2".
    """
    fig.canvas.draw()
    for ax in axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        share = min(0.6, legend.get_window_extent().height / ax.get_window_extent().height + 0.03)
        low, high = ax.get_ylim()
        ax.set_ylim(low, low + (high - low) / (1.0 - share))
        ax.set_yticks([y for y in ax.get_yticks() if low - 1e-9 <= y <= high + 1e-9])
