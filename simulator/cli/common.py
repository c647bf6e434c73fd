"""What the command-line modules share: the scenario a command names, and the weight of its work.

:mod:`.cli` (run, list, show, demo), :mod:`.cli_batch` (compare, sweep, sensitivity) and
:mod:`.cli_twin` (twin, equilibria) each use these; none of them imports another's commands.
"""

from __future__ import annotations

import argparse

from ..config import parse_override, shown
from ..errors import UsageError
from ..experiments.design import LIMITS
from ..scenario import Scenario, load_scenario

__all__ = ["LARGE_HELP", "resolve_scenario", "run_memory"]

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


#: Estimated bytes a run holds: per step of its series (as Python numbers), per
#: agent of its state, per district and step of the maps ``--animate`` keeps.
_BYTES_PER_SERIES_VALUE, _BYTES_PER_AGENT, _BYTES_PER_MAP_CELL = 40, 200, 8


def run_memory(agents: int, steps: int, runs: int = 1, districts: int = 0) -> int:
    """Estimated bytes ``runs`` runs hold when all their series are kept (for the bounds).

    ``districts``: also a map of that many districts per step (``--animate``).
    """
    from ..recorder import SERIES

    per_step = len(SERIES) * _BYTES_PER_SERIES_VALUE + districts * _BYTES_PER_MAP_CELL
    return runs * (steps + 1) * per_step + agents * _BYTES_PER_AGENT
