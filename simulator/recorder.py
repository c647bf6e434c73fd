"""Recorder: the aggregate time series of a run, one row per step.

It is a ``mesa.DataCollector`` (so ``mesa.batch_run`` reads it as usual)
that only ever holds system-level numbers: there are no agent reporters and
no per-agent rows. :data:`SERIES` lists and explains every column, and
:func:`series_row` computes them from a model's report, its only input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from .series import SERIES

if TYPE_CHECKING:  # the report module imports the loop's parts; the recorder needs only the type
    from .report import Report

__all__ = ["Recorder", "SERIES", "series_row"]


def _mean(x: np.ndarray) -> float:
    return float(x.sum() / x.size)  # np.mean's number, without its overhead


def series_row(report: Report) -> dict[str, float]:
    """The system-level figures of one step: population-weighted means of the
    society's district aggregates, and the loop's own figures."""
    state, d, a, s = report.truth, report.delivery, report.assessment, report.settings
    weight = state.population / state.population.sum()

    def mean(x: np.ndarray) -> float:
        return float(np.dot(weight, x))

    expression = mean(state.expression)
    observed = mean(report.observation.expression)
    latent = mean(state.latent)
    return {
        "step": report.step,
        "need": mean(state.need),
        "trust": mean(state.trust),
        "grievance": mean(state.grievance),
        "latent": latent,
        "expression": expression,
        "observed_expression": observed,
        "observability_gap": latent - observed,
        "participation": mean(state.participation),
        "removed": mean(state.removed),
        "tension": a.system_tension,
        "accommodate": _mean(d.accommodate),
        "constrain": _mean(d.constrain),
        "incentivise": _mean(d.incentivise),
        "mobilise": _mean(d.mobilise),
        "faults": int(np.count_nonzero(a.faults)),
        "repairs": report.repairs,
        "crisis": int(a.crisis),
        "shock": int(report.shock),
        "alignment": report.alignment,
        "reserve": report.reserve,
        "fatigue": report.fatigue,
        "gain": s.gain,
        "soft_share": s.soft_share,
        "incentive_share": s.incentive_share,
        "centralisation": s.centralisation,
        "sharing": s.sharing,
        "granularity": s.granularity,
        "capacity": s.capacity,
        "cost": report.cost,
        "collapsed": int(expression >= report.config.society.collapse_level),
    }


class Recorder(mesa.DataCollector):
    """Collect :data:`SERIES` from a model's ``report()`` each step."""

    def __init__(self) -> None:
        super().__init__(model_reporters={name: name for name in SERIES})
        self._appends = [(name, self.model_vars[name].append) for name in SERIES]

    def collect(self, model) -> None:
        values = series_row(model.report())
        for name, append in self._appends:
            append(values[name])

    def to_frame(self) -> pd.DataFrame:
        """The series as a table: one row per step, one column per series."""
        return pd.DataFrame({name: self.model_vars[name] for name in SERIES})
