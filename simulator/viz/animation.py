"""The animated district map: ``govsim run --animate`` writes it as a GIF.

The k x k map of one district aggregate beside the latent, true and observed
expression series, step by step. Drawn in the house style of :mod:`.plotting`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io.files import atomic_write
from .figures import LABEL_SIZE, LEGEND_SIZE, LINE_WIDTH, PANEL_TITLE_SIZE, close_figure, plain_text
from .figures import OKABE_ITO as _C

__all__ = ["save_animation"]


def save_animation(maps: Sequence[np.ndarray], series: pd.DataFrame, title: str,
                   path: str | os.PathLike[str], quantity: str = "expression",
                   max_frames: int = 80, fps: int = 8) -> int:
    """An animated GIF: the district map beside the series up to that step.

    ``maps[t]`` is the k x k grid of district values at step ``t`` (district
    aggregates only). At most ``max_frames`` evenly spaced steps are drawn.
    Written atomically; returns the number of frames.
    """
    from matplotlib.animation import FuncAnimation, PillowWriter

    steps = np.unique(np.linspace(0, len(maps) - 1, min(max_frames, len(maps))).round().astype(int))
    fig = Figure(figsize=(11.0, 4.6), dpi=80)
    FigureCanvasAgg(fig)
    fig.suptitle(plain_text(title), fontsize=PANEL_TITLE_SIZE, fontweight="bold")
    left = fig.add_axes((0.03, 0.08, 0.33, 0.78))
    right = fig.add_axes((0.47, 0.14, 0.5, 0.72))
    image = left.imshow(maps[0], cmap="cividis", vmin=0.0, vmax=1.0)
    left.set_xticks([])
    left.set_yticks([])
    colourbar = fig.colorbar(image, ax=left, fraction=0.046)
    colourbar.set_label(f"{quantity} by district", fontsize=LABEL_SIZE - 2)
    lines = {}
    for column, label, colour in (("latent", "would express (latent)", "reddish_purple"),
                                  ("expression", "expressing (true)", "vermillion"),
                                  ("observed_expression", "as the loop sees it", "blue")):
        lines[column], = right.plot([], [], color=_C[colour], linewidth=LINE_WIDTH, label=label)
    right.set_xlim(0, max(1, int(series["step"].iloc[-1])))
    right.set_ylim(0, max(0.05, float(series[["latent", "expression"]].to_numpy().max()) * 1.1))
    right.set_xlabel("time (steps)", fontsize=LABEL_SIZE - 2)
    right.legend(fontsize=LEGEND_SIZE - 2, loc="upper left")
    right.grid(True, color="0.85", linewidth=0.8)
    marker = left.set_title("", fontsize=LABEL_SIZE)

    def draw(t: int):
        image.set_data(maps[t])
        marker.set_text(f"step {t}")
        for column, line in lines.items():
            line.set_data(series["step"].iloc[:t + 1], series[column].iloc[:t + 1])
        return [image, marker, *lines.values()]

    animation = FuncAnimation(fig, draw, frames=steps, blit=False)
    try:
        atomic_write(path, lambda tmp: animation.save(tmp, writer=PillowWriter(fps=fps)))
    finally:
        close_figure(fig)
    return len(steps)
