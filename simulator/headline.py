"""The headline metrics, declared once: name, label, meaning, unit and which way is better.

Kept apart from their computation (``simulator.experiments.metrics``, which
needs numpy and pandas), so that reading a scenario whose ``[figure]`` names
metrics stays light. Tables, figure labels, sweep colour maps, ``report.html``
and ``govsim metrics`` read these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .series import SERIES_INFO, UNITS

__all__ = ["MAIN_SERIES", "Metric", "METRIC_INFO", "METRICS", "HEADLINE", "headline_names", "metric_label"]

#: Series whose late-run level and maximum are reported.
MAIN_SERIES: tuple[str, ...] = (
    "need", "trust", "grievance", "latent", "expression",
    "observed_expression", "observability_gap", "participation", "alignment", "cost",
)


@dataclass(frozen=True)
class Metric:
    """One headline metric: ``better`` is ``"lower"``, ``"higher"`` or ``""`` (neither)."""

    name: str
    label: str
    meaning: str
    unit: str
    better: str = ""


_KINDS = {"late": ("late mean", "mean over the last quarter of the run"),
          "final": ("final", "value at the last step"),
          "max": ("highest", "highest value at any step")}

_DECLARED = [
    Metric("steps", "steps", "length of the run", "steps"),
    *(Metric(f"{name}_{kind}", f"{SERIES_INFO[name].label}, {short}", f"{SERIES_INFO[name].meaning}: {long}",
             UNITS[SERIES_INFO[name].unit], SERIES_INFO[name].better)
      for name in MAIN_SERIES for kind, (short, long) in _KINDS.items()),
    Metric("need_sd_late", "swing of need (sd)", "standard deviation of need over the second half", "level (0-1)",
           "lower"),
    Metric("need_period", "period of need's swings", "dominant period of need over the second half "
           "(periodogram of the detrended series)", "steps"),
    Metric("need_peak_share", "share of need's swing at that period", "share of the second half's variance at "
           "the dominant period: near 1 is one clear cycle, near 0 is noise", "share of variance"),
    Metric("faults_mean", "districts in fault, mean", "districts flagged as faults, mean over the run",
           "districts", "lower"),
    Metric("repairs_total", "repairs, total", "faults repaired over the run", "districts"),
    Metric("crisis_share", "share of steps in crisis", "share of steps with a system-wide crisis declared",
           "share of steps", "lower"),
    Metric("shocks", "shocks", "shocks that hit during the run", "count"),
    Metric("collapsed", "ever at the collapse line", "1 if expression reached the collapse line "
           "(society.collapse_level) at any step, however briefly", "yes (1) / no (0)", "lower"),
    Metric("collapsed_late", "late share at the collapse line", "share of the last quarter's steps with "
           "expression at or above the collapse line", "share of steps", "lower"),
    Metric("collapse_step", "first step at the collapse line", "first step with expression at or above the "
           "collapse line (blank if never)", "step"),
    Metric("recovery_time", "steps to recover", "steps from the first shock until expression is back near "
           "its level before it (blank without a shock)", "steps", "lower"),
]

#: Every metric :func:`summarize` reports, declared once, in its order.
METRIC_INFO: dict[str, Metric] = {m.name: m for m in _DECLARED}
#: The names of :data:`METRIC_INFO`, in order.
METRICS: tuple[str, ...] = tuple(METRIC_INFO)


def headline_names(extra: tuple[str, ...] = ()) -> list[str]:
    """The metrics a table of results shows: :data:`HEADLINE`, with a scenario's ``extra`` before
    ``collapsed`` (which stays last), each once."""
    return list(dict.fromkeys([*HEADLINE[:-1], *extra, HEADLINE[-1]]))


def metric_label(name: str) -> str:
    """A metric's label for an axis or a table, or the name itself if it is not a metric."""
    info = METRIC_INFO.get(name)
    return info.label if info else name


#: What every comparison prints, before the metrics its scenario adds (``figure.headline``).
HEADLINE: tuple[str, ...] = ("expression_late", "trust_late", "need_late", "faults_mean", "collapsed")
