"""How a sweep figure names, numbers and colours what it shows.

Words come from the declarations: a metric's label, unit and good direction
(:data:`simulator.experiments.metrics.METRIC_INFO`) and a parameter's
meaning (:data:`simulator.parameters.PARAMETERS`). Colour maps follow the
good direction, so the alarming end of a map always means "worse":

=================  ============================  ===========================
``better``         map                           alarming (dark) end
=================  ============================  ===========================
``"lower"``        ``magma_r``                   high values
``"higher"``       ``magma``                     low values
``""``             ``cividis`` (neutral)         none
signed difference  ``RdBu_r`` / ``RdBu``, 0 at    red: the worse sign (positive
                   the centre                    when neither is worse)
=================  ============================  ===========================

All of them stay readable under the common forms of colour blindness.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.colors import Normalize

from ..experiments.metrics import METRIC_INFO
from ..parameters import PARAMETERS
from ..series import UNITS

__all__ = ["WORSE_HIGH", "WORSE_LOW", "NEUTRAL", "DIVERGING", "direction_words", "metric_title",
           "value_label", "parameter_label", "bounded", "frequency", "is_flag", "colour_scale", "is_signed",
           "value_labels", "cell_format", "cell_text", "text_colour", "seed_words"]

#: Sequential maps (viridis family): pale is calm, dark is alarming.
WORSE_HIGH, WORSE_LOW, NEUTRAL = "magma_r", "magma", "cividis"
#: Diverging maps centred on 0: red is the worse sign (``RdBu_r`` when lower is better).
DIVERGING = {"lower": "RdBu_r", "higher": "RdBu", "": "RdBu_r"}


def is_flag(name: str) -> bool:
    """A yes/no metric: its mean over seeds is the share of seeds where it happened."""
    info = METRIC_INFO.get(name)
    return info is not None and info.unit == UNITS["flag"]


def bounded(name: str) -> bool:
    """Whether ``name`` is declared as a share or level between 0 and 1."""
    info = METRIC_INFO.get(name)
    return info is not None and ("(0-1)" in info.unit or info.unit.startswith("share") or is_flag(name))


def frequency(name: str) -> bool:
    """Whether ``name`` says how often (a share of seeds or of steps): drawn on its whole 0-1 scale,
    so that a quarter of the seeds does not look like all of them."""
    info = METRIC_INFO.get(name)
    return info is not None and (is_flag(name) or info.unit.startswith("share of steps"))


def direction_words(name: str) -> str:
    """``"higher is worse"``, ``"higher is better"`` or ``""`` (neither), from the declaration."""
    better = METRIC_INFO[name].better if name in METRIC_INFO else ""
    return {"lower": "higher is worse", "higher": "higher is better"}.get(better, "")


def metric_title(name: str) -> str:
    """A panel title for ``name`` averaged over seeds (the declared label, capitalised)."""
    info = METRIC_INFO.get(name)
    if info is None:
        return name
    # a cell of a yes/no metric is a share of seeds, not a yes or a no
    text = f"share of seeds {info.label}" if is_flag(name) else info.label
    return text[0].upper() + text[1:]


def seed_words(low: int, high: int | None = None) -> str:
    """``"1 seed"``, ``"10 seeds"`` or ``"8-10 seeds"`` (points that lost runs)."""
    high = low if high is None else high
    count = f"{low}" if low == high else f"{low}-{high}"
    return f"{count} seed{'' if high == 1 else 's'}"


def value_label(name: str, width: int = 34) -> str:
    """An axis or colour-bar label: the unit (of a mean over seeds) and which way is worse."""
    info = METRIC_INFO.get(name)
    # a yes/no metric's mean over seeds is the share of seeds in which it happened
    unit = name if info is None else "share of seeds (0-1)" if is_flag(name) else info.unit
    return "\n".join(textwrap.fill(p, width) for p in (unit, direction_words(name)) if p)


def _short_meaning(key: str, most: int) -> str:
    p = PARAMETERS.get(key)
    if p is None:
        return ""
    text = p.meaning.rstrip(".")
    for stop in (": ", "; ", " (", ", ", ". "):  # the first clause says what it is
        text = text.split(stop, 1)[0]
    if len(text) > 1 and text[1].islower() and not text.split(" ", 1)[0].endswith("'s"):
        text = text[0].lower() + text[1:]
    if len(text) > most:
        text = textwrap.shorten(text, most, placeholder="…")
    return text


def parameter_label(key: str, width: int = 40) -> str:
    """``key`` and, on a second line, the first clause of its declared meaning."""
    meaning = _short_meaning(key, max(12, 2 * width))
    if not meaning:
        return key
    return key + "\n" + textwrap.fill(meaning, width, max_lines=2, placeholder="…")


def is_signed(name: str, values: np.ndarray) -> bool:
    """A difference that can go either way: declared as "a minus b", or negative here."""
    info = METRIC_INFO.get(name)
    finite = values[np.isfinite(values)]
    return (info is not None and " minus " in info.meaning) or bool(finite.size and finite.min() < 0)


def colour_scale(name: str, values: np.ndarray) -> tuple[str, Normalize]:
    """The colour map for ``name`` and its normalisation over ``values``."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    better = METRIC_INFO[name].better if name in METRIC_INFO else ""
    if is_signed(name, values):
        reach = float(np.abs(finite).max()) if finite.size else 1.0
        reach = reach or 1.0
        return DIVERGING[better], Normalize(-reach, reach)
    cmap = {"lower": WORSE_HIGH, "higher": WORSE_LOW}.get(better, NEUTRAL)
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if frequency(name):
        low, high = 0.0, 1.0
    if low == high:  # one value everywhere: a share on its whole scale, else the map's middle
        low, high = (0.0, 1.0) if bounded(name) else (low - 0.5, high + 0.5)
    return cmap, Normalize(low, high)


def value_labels(values: Sequence) -> list[str]:
    """Compact tick labels for sampled values: as few decimals as tell them apart."""
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return [str(v) for v in values]
    step = np.diff(np.sort(x)).min() if x.size > 1 else max(abs(float(x[0])), 1.0)
    for decimals in range(0, 7):
        rounded = np.round(x, decimals)
        # close enough that no one would read a different point (1 % of the spacing)
        if np.all(np.abs(rounded - x) <= 0.01 * step + 1e-12):
            break
    return [_trim(f"{v:.{decimals}f}") for v in x]


def _trim(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def cell_format(values: np.ndarray) -> str:
    """A format for cell numbers: whole numbers as such, else two significant figures of the largest."""
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    if finite.size and np.all(finite == np.round(finite)) and finite.max() >= 2:
        return "{:.0f}"  # counts and steps
    top = float(finite.max()) if finite.size else 1.0
    if top >= 1 or top == 0:
        decimals = 0 if top >= 100 else 1 if top >= 10 else 2
    else:
        decimals = min(4, 1 - int(np.floor(np.log10(top))))
    return f"{{:.{decimals}f}}"


def cell_text(value: float, fmt: str) -> str:
    """``value`` in ``fmt``, without a minus sign on a number that rounds to zero."""
    if not np.isfinite(value):
        return "–"  # no finished run at this point
    text = fmt.format(value)
    return text.lstrip("-") if float(text) == 0 else text


def text_colour(rgba: Sequence[float]) -> str:
    """Black or white, whichever stands out more against a cell of colour ``rgba``."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b  # WCAG relative luminance
    # contrast against white is (1.05) / (L + 0.05), against black (L + 0.05) / 0.05
    return "black" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "white"
