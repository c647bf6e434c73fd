"""What the command-line modules share: the scenario a command names, and progress bars.

:mod:`.main` (run, list, show, demo), :mod:`.batch` (compare, sweep, sensitivity) and
:mod:`.twin` (twin, equilibria) each use these; none of them imports another's commands.
Like them, this module imports nothing heavy (Mesa, pandas, scipy, matplotlib) at its top,
so that ``govsim --help``, ``list`` and ``show`` start at once.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..config import parse_override, shown
from ..errors import UsageError
from ..experiments.design import LIMITS, check_count
from ..experiments.engines import ENGINES
from ..scenario import Scenario, load_scenario

__all__ = ["LARGE_HELP", "resolve_scenario", "progress_bar", "engine_arguments", "check_engine"]

#: The help of --large, on every command that computes.
LARGE_HELP = (f"lift the bounds on work (steps per run {LIMITS.steps:,}, runs {LIMITS.runs:,}, "
              f"agent-steps {LIMITS.agent_steps:.0e}, twin steps {LIMITS.twin_steps:,}, "
              f"results in memory {LIMITS.memory // 2**30} GiB): without it a larger command "
              "is refused before it starts")


def resolve_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario a command names, with its variant, seed, steps and ``--set`` overrides."""
    sc = load_scenario(args.scenario)
    if args.variant is not None:  # '' too: it names no variant
        sc = sc.with_variant(args.variant)
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise UsageError(f"--seed must be an integer in [0, 2**63 - 1], got {shown(args.seed)}")
    overrides = dict(parse_override(text) for text in args.overrides)
    return sc.with_changes(steps=args.steps, seed=args.seed, overrides=overrides)


def progress_bar(total: int, unit: str, **options: Any) -> Any:
    """A tqdm progress bar on stderr when a person is watching it, else ``None``."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=f"{unit}s", unit=unit, **options)


def engine_arguments(p: argparse.ArgumentParser) -> None:
    """--engine, --workers and --scheduler: where a batch of runs is carried out."""
    p.add_argument("--engine", choices=ENGINES, default="process",
                   help="serial, process (default: local processes) or dask; the results are the same")
    p.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (with --engine dask)")


def check_engine(args) -> None:
    """Refuse engine options that cannot work together, before anything is created."""
    if args.workers is not None:
        if args.workers < 1:
            raise UsageError(f"--workers must be an integer >= 1, got {args.workers}")
        check_count("--workers", args.workers, LIMITS.workers, args.large)
    if args.scheduler is not None and args.engine != "dask":
        raise UsageError(f"--scheduler is for --engine dask only, got --engine {args.engine}")
    if args.engine == "dask":
        from ..experiments.engines import dask_available
        if not dask_available():
            raise UsageError("--engine dask needs Dask: pip install 'govsim[cluster]'; "
                             "the default --engine process needs nothing")
