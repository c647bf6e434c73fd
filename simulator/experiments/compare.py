"""Experiments: replicate runs of a scenario and its variants, on the same seeds.

A *variant* is a named set of parameter changes declared in the scenario.
:func:`compare_variants` runs every variant (or the base scenario, when it
declares none) over the same replicates, so differences between variants
are not differences of luck, and returns per-step series and headline
metrics for each.

Seeds: replicate ``r`` of every variant draws its random numbers from
``SeedSequence(root_seed, spawn_key=(0, r))`` (:func:`~.task.seed_sequence`),
the seed material of replicate ``r`` at point 0 of a sweep. We chose this
over ``root_seed + r`` so that every batch of runs has one scheme (spawn keys
give streams that do not overlap, unlike neighbouring integer seeds), and so
that "replicate ``r``" is one run everywhere: ``govsim compare NAME`` of a
scenario without variants, ``govsim twin NAME --compare R`` and ``govsim
sweep NAME`` without ``--vary`` run the same ``R`` runs. All variants use
point 0's random numbers, as the points of a sensitivity design share theirs:
pairing them on the same seeds (common random numbers) is what makes the
comparison fair. The runs go through the sweeps' engines (serial, local
processes or Dask), and give the same series on each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..model import GovernanceModel
from ..scenario import Scenario
from .engines import run_tasks
from .metrics import summarize
from .task import RunTask, execute, seed_sequence

__all__ = ["run_once", "Comparison", "compare_variants", "compare_each", "replicate_seeds"]

#: The sweep point whose random numbers every variant of a comparison uses.
SEED_POINT = 0


def replicate_seeds(scenario: Scenario, replicates: int) -> list[np.random.SeedSequence]:
    """The seed material of replicates ``0 .. replicates - 1`` of ``scenario`` (its seed the root)."""
    return [seed_sequence(scenario.seed, SEED_POINT, r) for r in range(replicates)]


def run_once(scenario: Scenario, seed: int | np.random.SeedSequence,
             steps: int | None = None) -> pd.DataFrame:
    """Run ``scenario`` with ``seed`` (an integer, or a replicate's seed material) for its series."""
    if isinstance(seed, np.random.SeedSequence):
        model = GovernanceModel.from_scenario(scenario, rng=seed, steps=steps)
    else:
        model = GovernanceModel.from_scenario(scenario, seed=seed, steps=steps)
    return model.run().series()


@dataclass(frozen=True)
class Comparison:
    """Series and metrics of every variant over the same replicates."""

    scenario: Scenario
    replicates: int
    series: dict[str, list[pd.DataFrame]]  # variant -> one frame per replicate

    @property
    def seeds(self) -> tuple[np.random.SeedSequence, ...]:
        """Each replicate's seed material (``run_once`` of a variant with it gives its run)."""
        return tuple(replicate_seeds(self.scenario, self.replicates))

    @property
    def spawn_keys(self) -> list[list[int]]:
        """Each replicate's spawn key under the root seed ``scenario.seed``."""
        return [[SEED_POINT, r] for r in range(self.replicates)]

    def metrics(self) -> pd.DataFrame:
        """One row per (variant, replicate) with the headline metrics."""
        rows = []
        for variant, frames in self.series.items():
            for replicate, frame in enumerate(frames):
                rows.append({"variant": variant, "replicate": replicate, **summarize(frame)})
        return pd.DataFrame(rows)

    def table(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Mean and standard deviation across replicates of each metric, per variant."""
        m = self.metrics().drop(columns="replicate")
        if columns is not None:
            m = m[["variant", *columns]]
        grouped = m.groupby("variant", sort=False)
        out = grouped.mean().add_suffix("_mean").join(grouped.std(ddof=1).add_suffix("_sd"))
        ordered = [c for name in m.columns[1:] for c in (f"{name}_mean", f"{name}_sd")]
        return out[ordered].reset_index()

    def band(self, variant: str, column: str, quantiles=(0.1, 0.9)) -> pd.DataFrame:
        """Mean and a quantile band across replicates of one series."""
        stack = np.vstack([f[column].to_numpy(dtype=float) for f in self.series[variant]])
        steps = self.series[variant][0]["step"].to_numpy()
        lo, hi = np.quantile(stack, quantiles, axis=0)
        return pd.DataFrame({"step": steps, "mean": stack.mean(axis=0), "low": lo, "high": hi})


def compare_variants(scenario: Scenario, replicates: int, variants: Iterable[str] | None = None,
                     steps: int | None = None,
                     progress: Callable[[str, int], None] | None = None, *,
                     engine: str = "serial", workers: int | None = None,
                     scheduler: str | None = None, seed_point: int = SEED_POINT) -> Comparison:
    """Run each variant (or the base scenario) over the same ``replicates`` seeds.

    Parameters
    ----------
    variants : iterable of str, optional
        Which variants (default: all declared ones). The base scenario is
        included as ``"base"`` when no variant is asked for, or when asked
        for by that name.
    progress : callable, optional
        Called as ``progress(variant, replicate)`` as each run finishes.
    engine, workers, scheduler
        Where the runs are carried out (see :mod:`.engines`); the series do
        not depend on it.
    seed_point : int
        Whose random numbers the replicates draw (the sweep point of
        :data:`SEED_POINT` unless told): another point gives fresh seeds.
    """
    return compare_each({None: (scenario, steps)}, replicates, variants, progress, engine=engine,
                        workers=workers, scheduler=scheduler, seed_point=seed_point)[None]


def compare_each(scenarios: Mapping[Any, tuple[Scenario, int | None]], replicates: int,
                 variants: Iterable[str] | None = None,
                 progress: Callable[[str, int], None] | None = None, *,
                 engine: str = "serial", workers: int | None = None,
                 scheduler: str | None = None, seed_point: int = SEED_POINT) -> dict[Any, Comparison]:
    """:func:`compare_variants` of several scenarios (each with its run length) in one batch.

    One pool of workers carries out every run, so a set of conditions costs
    its runs and not one start-up each; the series are those each
    comparison alone gives.
    """
    chosen = None if variants is None else list(variants)
    plan = []  # (label, variant name, the variant's scenario, steps)
    for label, (scenario, steps) in scenarios.items():
        names = list(scenario.variants) if chosen is None else chosen
        plan += [(label, name, scenario if name == "base" else scenario.with_variant(name),
                  scenario.steps if steps is None else steps)
                 for name in names or ["base"]]
    tasks = [RunTask(run_id=i * replicates + r, point=i, replicate=r, root_seed=sc.seed,
                     steps=steps, parameters=dict(sc.config), keep_series=True,
                     seed_point=seed_point)
             for i, (_, _, sc, steps) in enumerate(plan) for r in range(replicates)]
    frames: dict[int, pd.DataFrame] = {}
    for task, result, error in run_tasks(execute, tasks, engine, workers, scheduler):
        if error is not None:
            raise error
        frames[task.run_id] = result.series
        if progress is not None:
            progress(plan[task.point][1], task.replicate)
    out: dict[Any, Comparison] = {}
    for label, (scenario, _) in scenarios.items():
        runs = {name: [frames[i * replicates + r] for r in range(replicates)]
                for i, (mine, name, _, _) in enumerate(plan) if mine == label}
        out[label] = Comparison(scenario, replicates, runs)
    return out
