"""Experiments: replicate runs of a scenario and its variants.

A *variant* is a named set of parameter changes declared in the scenario.
:func:`compare_variants` runs the base scenario and every variant over the
same seeds, so differences between variants are not differences of luck,
and returns per-step series and headline metrics for each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import GovernanceModel
from ..scenario import Scenario
from .metrics import summarize

__all__ = ["run_once", "Comparison", "compare_variants", "replicate_seeds"]


def replicate_seeds(scenario: Scenario, replicates: int) -> list[int]:
    """The seeds used for ``replicates`` runs: the scenario's seed, then the next ones."""
    return [scenario.seed + i for i in range(replicates)]


def run_once(scenario: Scenario, seed: int, steps: int | None = None) -> pd.DataFrame:
    """Run ``scenario`` with ``seed`` and return its series."""
    model = GovernanceModel(scenario=scenario, seed=seed, steps=steps)
    return model.run().series()


@dataclass(frozen=True)
class Comparison:
    """Series and metrics of every variant over the same seeds."""

    scenario: Scenario
    seeds: tuple[int, ...]
    series: dict[str, list[pd.DataFrame]]  # variant -> one frame per seed

    def metrics(self) -> pd.DataFrame:
        """One row per (variant, seed) with the headline metrics."""
        rows = []
        for variant, frames in self.series.items():
            for seed, frame in zip(self.seeds, frames):
                rows.append({"variant": variant, "seed": seed, **summarize(frame)})
        return pd.DataFrame(rows)

    def table(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Mean and standard deviation across seeds of each metric, per variant."""
        m = self.metrics().drop(columns="seed")
        if columns is not None:
            m = m[["variant", *columns]]
        grouped = m.groupby("variant", sort=False)
        out = grouped.mean().add_suffix("_mean").join(grouped.std(ddof=1).add_suffix("_sd"))
        ordered = [c for name in m.columns[1:] for c in (f"{name}_mean", f"{name}_sd")]
        return out[ordered].reset_index()

    def band(self, variant: str, column: str, quantiles=(0.1, 0.9)) -> pd.DataFrame:
        """Mean and a quantile band across seeds of one series."""
        stack = np.vstack([f[column].to_numpy(dtype=float) for f in self.series[variant]])
        steps = self.series[variant][0]["step"].to_numpy()
        lo, hi = np.quantile(stack, quantiles, axis=0)
        return pd.DataFrame({"step": steps, "mean": stack.mean(axis=0), "low": lo, "high": hi})


def compare_variants(scenario: Scenario, replicates: int, variants: Iterable[str] | None = None,
                     steps: int | None = None,
                     progress: Callable[[str, int], None] | None = None) -> Comparison:
    """Run the base scenario and each variant over the same ``replicates`` seeds.

    Parameters
    ----------
    variants : iterable of str, optional
        Which variants (default: all declared ones). The base scenario is
        included as ``"base"`` only when the scenario declares no variants.
    """
    names = list(scenario.variants) if variants is None else list(variants)
    seeds = replicate_seeds(scenario, replicates)
    runs: dict[str, list[pd.DataFrame]] = {}
    plan = [(name, scenario.with_variant(name)) for name in names] or [("base", scenario)]
    for name, sc in plan:
        runs[name] = []
        for seed in seeds:
            runs[name].append(run_once(sc, seed, steps))
            if progress is not None:
                progress(name, seed)
    return Comparison(scenario, tuple(seeds), runs)
