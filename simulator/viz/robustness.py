"""Where a lesson stops being true: each claim's effect along the scenario's key parameter.

One panel per claim. The line is the mean paired difference in the claimed
direction over fresh seeds, the band the range across those seeds, the
dashed line the claim's margin; a filled marker means the claim holds at
that value (large enough, and in enough seeds), an open one that it does
not. The shipped value is marked. Drawn in the house style of
:mod:`.figures`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
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

__all__ = ["band_figure"]


def band_figure(scenario, rows: Sequence[tuple[float, Sequence]], replicates: int) -> Figure:
    """``rows``: (value of the key parameter, the verdict of every claim there), in order."""
    key = scenario.phenomenon.key
    claims = scenario.phenomenon.claims
    shipped = scenario.config[key]
    x = np.array([value for value, _ in rows], dtype=float)
    columns = 1 if len(claims) == 1 else 2
    rows_of_panels = (len(claims) + columns - 1) // columns
    # two rows fit the house size; a third gets room of its own rather than squeezing the others
    fig = Figure(figsize=(FIGSIZE[0], FIGSIZE[1] * max(1.0, rows_of_panels / 2)), layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(plain_text(f"{scenario.title}: how far can {key} move before the lesson breaks?"),
                 fontsize=TITLE_SIZE, fontweight="bold")
    axes = fig.subplots(rows_of_panels, columns, squeeze=False).ravel()
    for i, (ax, claim, colour) in enumerate(zip(axes, claims, VARIANT_COLOURS)):
        effects = [verdicts[i].effect for _, verdicts in rows]
        mean = np.array([verdicts[i].mean for _, verdicts in rows])
        low = np.array([np.nanmin(e) if np.isfinite(e).any() else np.nan for e in effects])
        high = np.array([np.nanmax(e) if np.isfinite(e).any() else np.nan for e in effects])
        holds = np.array([verdicts[i].holds for _, verdicts in rows])
        ax.fill_between(x, low, high, color=_C[colour], alpha=0.2, linewidth=0,
                        label=f"range over {replicates} seeds")
        ax.plot(x, mean, color=_C[colour], linewidth=LINE_WIDTH, label="mean difference")
        ax.plot(x[holds], mean[holds], "o", color=_C[colour], markersize=9, label="the claim holds")
        ax.plot(x[~holds], mean[~holds], "o", markerfacecolor="white", markeredgecolor=_C[colour],
                markeredgewidth=2, markersize=9, label="it does not")
        ax.axhline(claim.by, color=_C["black"], linestyle="--", linewidth=1.4,
                   label="the margin the claim asks")
        ax.axhline(0.0, color="0.6", linewidth=1.0)
        ax.axvline(shipped, color="0.4", linestyle=":", linewidth=1.6, label=f"as shipped ({shipped:g})")
        ax.set_title(plain_text("\n".join(textwrap.wrap(f"{chr(97 + i)}. {claim.says}", 50))),
                     fontsize=PANEL_TITLE_SIZE, loc="left")
        than = claim.than if isinstance(claim.than, str) else f"{claim.than:g}"
        direction = "below" if claim.is_ == "lower" else "above"
        ax.set_ylabel(plain_text("\n".join(textwrap.wrap(f"{claim.variant} {direction} {than} "
                                                          f"({claim.describe()})", 36))),
                      fontsize=LABEL_SIZE)
        ax.set_xlabel(key, fontsize=LABEL_SIZE)
        ax.set_xticks(x, [f"{v:.3g}" for v in x])  # the values judged, not a continuous scale
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[len(claims):]:
        ax.set_axis_off()
    if len(axes) > len(claims):  # a spare panel holds the legend, clear of the data
        axes[len(claims)].legend(handles, labels, fontsize=LEGEND_SIZE + 2, loc="center", frameon=False)
    else:
        axes[0].legend(fontsize=LEGEND_SIZE, loc="best", framealpha=0.9)
    return fig
