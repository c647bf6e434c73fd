"""One run of a batch: its seed, what a worker is given, and what it sends back.

Every batch of runs (``compare``, ``twin --compare``, ``sweep``,
``sensitivity``) seeds its runs in one way, by :func:`seed_sequence`::

    numpy.random.SeedSequence(root_seed, spawn_key=(point, replicate))

``root_seed`` is the command's ``--seed`` (default: the scenario's);
``replicate`` is the run's number among the runs of one setting; ``point``
is the place in a sweep's design whose random numbers the run uses (0 for
every run of ``compare`` and ``twin --compare``, whose variants share their
random numbers). So replicate ``r`` is one run wherever it is asked for, and
a run gives the same numbers whichever worker runs it, in whatever order.

A task is plain data (numbers, strings and a dict of parameter values), so
it travels the same way to a local process or a Dask worker on another
machine. Importing this module imports the model: the process engine's fork
server imports it once, so that each worker starts ready to run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..config import Config
from ..model import GovernanceModel
from .metrics import summarize

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunTask", "RunResult", "seed_sequence", "execute"]


def seed_sequence(root_seed: int, point: int, replicate: int) -> np.random.SeedSequence:
    """The seed material of one run: independent of machine, worker and order."""
    return np.random.SeedSequence(root_seed, spawn_key=(point, replicate))


@dataclass(frozen=True)
class RunTask:
    """One run: its place in the batch, its seed and every parameter's value."""

    run_id: int
    point: int
    replicate: int
    root_seed: int
    steps: int
    parameters: dict[str, Any]   # every parameter's value for this run
    keep_series: bool = False
    seed_point: int | None = None  # whose random numbers this run uses (default: its point)

    @property
    def seed(self) -> np.random.SeedSequence:
        """The run's seed material (see :func:`seed_sequence`)."""
        point = self.point if self.seed_point is None else self.seed_point
        return seed_sequence(self.root_seed, point, self.replicate)


@dataclass(frozen=True)
class RunResult:
    run_id: int
    metrics: dict[str, float]
    seconds: float
    series: pd.DataFrame | None = None


def execute(task: RunTask) -> RunResult:
    """Run one task to the end and summarise it (called in the worker)."""
    started = time.perf_counter()
    model = GovernanceModel(config=Config(task.parameters), steps=task.steps, rng=task.seed)
    series = model.run(task.steps).series()
    return RunResult(task.run_id, summarize(series), time.perf_counter() - started,
                     series if task.keep_series else None)
