"""One run of a sweep: what a worker is given, and what it sends back.

A task is plain data (numbers, strings and a dict of parameter values), so
it travels the same way to a thread, a local process or a Dask worker on
another machine. Its random generator is derived from the sweep's root seed
and the run's place in the design alone::

    numpy.random.SeedSequence(root_seed, spawn_key=(point, replicate))

so a run gives the same numbers whichever worker runs it, in whatever order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..config import Config
from .metrics import summarize

__all__ = ["RunTask", "RunResult", "seed_sequence", "execute"]


def seed_sequence(root_seed: int, point: int, replicate: int) -> np.random.SeedSequence:
    """The seed material of one run: independent of machine, worker and order."""
    return np.random.SeedSequence(root_seed, spawn_key=(point, replicate))


@dataclass(frozen=True)
class RunTask:
    run_id: int
    point: int
    replicate: int
    root_seed: int
    steps: int
    parameters: dict[str, Any]   # every parameter's value for this run
    keep_series: bool = False
    seed_point: int | None = None  # whose random numbers this run uses (default: its point)
    fail_at_step: int | None = None  # tests only: raise at this step, as a broken run would


@dataclass(frozen=True)
class RunResult:
    run_id: int
    metrics: dict[str, float]
    seconds: float
    series: pd.DataFrame | None = None


class InjectedFailure(RuntimeError):
    """Raised by a task told to fail (used to test that a sweep survives failures)."""


def execute(task: RunTask) -> RunResult:
    """Run one task to the end and summarise it (called in the worker)."""
    from ..model import GovernanceModel  # imported in the worker, after spawn

    started = time.perf_counter()
    model = GovernanceModel(config=Config(task.parameters), steps=task.steps,
                            rng=seed_sequence(task.root_seed, task.point if task.seed_point is None
                                              else task.seed_point, task.replicate))
    for step in range(task.steps):
        if task.fail_at_step is not None and step == task.fail_at_step:
            raise InjectedFailure(f"run {task.run_id} was told to fail at step {step}")
        model.step()
    series = model.series()
    return RunResult(task.run_id, summarize(series), time.perf_counter() - started,
                     series if task.keep_series else None)
