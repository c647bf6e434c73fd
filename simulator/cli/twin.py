"""The twin's subcommands of ``govsim``: ``twin`` and ``equilibria``.

Part of the command line (``cli.py`` registers them); kept apart so that
each CLI module stays short. Like the rest of the CLI, every user error is
a :class:`~simulator.errors.GovsimError`, reported in one line with status 2.
"""

from __future__ import annotations

import argparse
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..errors import GovsimError
from ..experiments.design import LARGE_FLAG, LIMITS
from ..twin.delayed_feedback import DelayedFeedbackTwin
from .common import resolve_scenario, run_memory

__all__ = ["add_commands", "HANDLERS"]

#: Series the twin and the agent model both have, shown side by side with --compare.
SHARED = ("need", "trust", "expression", "latent", "participation", "tension",
          "accommodate", "constrain", "alignment", "reserve")


class TwinUsageError(GovsimError):
    """A malformed twin or equilibria command line."""


def add_commands(sub) -> None:
    """Add ``twin`` and ``equilibria`` to the subparsers ``sub``."""
    common = common_arguments
    twin = sub.add_parser("twin", help="solve the system-dynamics twin (stocks and flows) of a scenario")
    common(twin)
    twin.add_argument("--steps", type=int, help="time to solve for, in steps (default: the scenario's)")
    twin.add_argument("--compare", type=int, metavar="R",
                      help="also run the agent model over R seeds and plot the twin over their band")
    twin.add_argument("--seed", type=int, help="first seed for --compare (default: the scenario's)")

    eq = sub.add_parser("equilibria", help="fixed points of the twin, their stability, and bifurcations")
    common(eq)
    eq.set_defaults(steps=None, seed=None)  # fixed points have no time and no randomness
    eq.add_argument("--vary", metavar="KEY=START:STOP:NUM",
                    help="scan one parameter and draw the bifurcation diagram")
    eq.add_argument("--show", help="stock on the bifurcation diagram's vertical axis "
                                   "(default expression; x for the delayed_feedback loop)")


def _scenario(args):
    """The scenario the arguments name, as ``govsim run`` resolves it."""

    return resolve_scenario(args)


def _record(args, sc, started: datetime, **extra: Any) -> dict[str, Any]:
    return {"scenario": sc.name, "variant": sc.variant, "title": sc.title,
            "govsim_version": __version__, "command": ["govsim", *args.argv],
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(), **extra, "parameters": dict(sc.config)}


# -- govsim twin ----------------------------------------------------------------------
def _twin(args) -> int:
    from ..experiments.design import check_work
    from ..io.rundir import RunDirectory, atomic_write_text, default_run_dir, write_csv, write_json
    from ..twin.solve import make_twin, simulate

    if args.steps is not None and args.steps < 1:
        raise TwinUsageError(f"--steps must be an integer >= 1, got {args.steps}")
    if args.compare is not None and args.compare < 1:
        raise TwinUsageError(f"--compare must be an integer >= 1, got {args.compare}")
    sc = _scenario(args)
    twin = make_twin(sc.config)
    if args.compare and twin.form != "loop":
        raise TwinUsageError("--compare needs twin.form = 'loop': the delayed_feedback loop "
                             "has no agents to compare with")
    # the stocks at every step, and the table of them (about three times as wide)
    stocks = int(np.size(twin.initial()))
    check_work("twin", steps=sc.steps, memory=(sc.steps + 1) * stocks * 4 * 8, twin=True,
               large=args.large)
    if args.compare:
        agents = sc.config["society.agents"]
        check_work("twin --compare", runs=args.compare, steps=sc.steps, agents=agents,
                   memory=run_memory(agents, sc.steps, runs=args.compare), large=args.large)
    started = datetime.now(UTC)
    frame = simulate(twin, sc.steps).to_frame()
    out = args.out or default_run_dir(f"{sc.name}-twin")
    agents = errors = None
    if args.compare:
        agents = _agent_runs(sc, args.compare)
        errors = {c: float(np.mean(np.abs(agents["mean"][c].to_numpy() - frame[c].to_numpy())))
                  for c in SHARED}
    with RunDirectory(out) as run_dir:
        folder = run_dir.staging
        write_csv(folder / "twin.csv", frame)
        if agents is not None:
            write_csv(folder / "agents_mean.csv", agents["mean"].reset_index())
        atomic_write_text(folder / "scenario.toml", sc.to_toml())
        write_json(folder / "summary.json", _record(
            args, sc, started, steps=sc.steps, form=twin.form,
            final={k: float(v) for k, v in frame.iloc[-1].items()},
            **({"compare": {"replicates": args.compare, "seeds": agents["seeds"],
                            "mean_absolute_difference": errors}} if agents else {})))
        if not args.no_plot:
            from ..viz.figures import plain_text, save_figure
            from ..viz.twin import twin_figure
            save_figure(twin_figure(frame, agents, plain_text(sc.title)), folder / "twin.png")
    files = "twin.csv, summary.json, scenario.toml" + (", agents_mean.csv" if agents else "")
    print(f"wrote {out}/ ({files}{'' if args.no_plot else ', twin.png'})")
    last = frame.iloc[-1]
    if not isinstance(twin, DelayedFeedbackTwin):
        print(f"  at step {sc.steps}: need {last['need']:.3f}  trust {last['trust']:.3f}  "
              f"expression {last['expression']:.3f}  tension {last['tension']:.3f}")
    else:
        print(f"  at step {sc.steps}: x {last['x']:+.4f} (gain {twin.gain:g}, delay {twin.delay:g}, "
              f"{twin.stages} stages)")
    if errors:
        worst = max(errors, key=lambda k: errors[k])
        print(f"  twin vs mean of {args.compare} agent runs: mean |difference| "
              + ", ".join(f"{k} {errors[k]:.3f}" for k in ("need", "trust", "expression", "tension"))
              + f" (largest: {worst} {errors[worst]:.3f})")
    return 0


def _agent_runs(sc, replicates: int) -> dict[str, Any]:
    """Mean and 10-90 % band of ``replicates`` agent runs of the scenario."""
    import pandas as pd

    from ..experiments.compare import replicate_seeds, run_once

    seeds = replicate_seeds(sc, replicates)
    runs = [run_once(sc, seed, sc.steps).set_index("step")[list(SHARED)] for seed in seeds]
    stacked = pd.concat(runs, keys=range(len(runs)))
    grouped = stacked.groupby(level=1)
    return {"mean": grouped.mean(), "low": grouped.quantile(0.1), "high": grouped.quantile(0.9),
            "seeds": [int(s) for s in seeds]}


# -- govsim equilibria -------------------------------------------------------------------
def _equilibria(args) -> int:
    from ..io.rundir import RunDirectory, atomic_write_text, default_run_dir, write_csv, write_json
    from ..twin.equilibria import boundaries, fixed_points, scan
    from ..twin.solve import make_twin

    sc = _scenario(args)
    twin = make_twin(sc.config)
    args.show = args.show or ("expression" if twin.form == "loop" else "x")
    if args.show not in twin.index:
        raise TwinUsageError(f"--show must be one of {', '.join(twin.index)}; got {args.show!r}")
    started = datetime.now(UTC)
    out = args.out or default_run_dir(f"{sc.name}-equilibria")
    if args.vary is None:
        points = fixed_points(twin)
        rows = [{"point": n, "kind": p.kind, "leading_real": p.leading.real,
                 "leading_imag": abs(p.leading.imag), "period": p.period,
                 **{k: float(p.state[i]) for k, i in twin.index.items()}} for n, p in enumerate(points)]
        import pandas as pd
        table = pd.DataFrame(rows)
        with RunDirectory(out) as run_dir:
            write_csv(run_dir.staging / "equilibria.csv", table)
            atomic_write_text(run_dir.staging / "scenario.toml", sc.to_toml())
            write_json(run_dir.staging / "summary.json", _record(args, sc, started, fixed_points=rows))
        print(f"wrote {out}/ (equilibria.csv, summary.json, scenario.toml)")
        for row in rows:
            swing = f" +- {row['leading_imag']:.4f}i" if row["leading_imag"] else ""
            print(f"  {row['point']}: {row['kind']:<22} leading eigenvalue {row['leading_real']:+.4f}"
                  f"{swing}  " + "  ".join(f"{k} {row[k]:.3f}" for k in _shown(twin, args.show)))
        if not rows:
            print("  no fixed point found from the starting states")
        return 0

    key, grid = _parse_vary(args.vary, None if args.large else LIMITS.scan_points)
    table = scan(sc.config, key, list(grid))
    found = boundaries(sc.config, key, table)
    coexist = _coexisting(table, key)
    with RunDirectory(out) as run_dir:
        folder = run_dir.staging
        write_csv(folder / "bifurcation.csv", table)
        atomic_write_text(folder / "scenario.toml", sc.to_toml())
        write_json(folder / "summary.json", _record(
            args, sc, started, vary={"key": key, "values": [float(g) for g in grid]},
            boundaries=found, two_stable_states=coexist))
        if not args.no_plot:
            from ..viz.figures import plain_text, save_figure
            from ..viz.twin import bifurcation_figure
            save_figure(bifurcation_figure(table, key, args.show, plain_text(sc.title), found),
                        folder / "bifurcation.png")
    print(f"wrote {out}/ (bifurcation.csv, summary.json, scenario.toml"
          f"{'' if args.no_plot else ', bifurcation.png'})")
    for b in found:
        print(f"  {key} = {b['value']:.4g}: {b['from']} -> {b['to']}"
              f"{' (oscillation sets in)' if b['oscillatory'] and b['to'] == 'unstable' else ''}")
    if not found:
        print(f"  the first branch keeps its stability over {key} = {grid[0]:g}..{grid[-1]:g}")
    if coexist:
        print(f"  two stable states coexist for {key} in [{coexist[0]:.4g}, {coexist[1]:.4g}] (hysteresis)")
    return 0


def _shown(twin, show: str) -> list[str]:
    names = ["need", "trust", "expression", "tension"] if twin.form == "loop" else ["x"]
    return names if show in names else [show, *names]


def _parse_vary(text: str, most: int | None = None) -> tuple[str, np.ndarray]:
    """``key=start:stop:num``; the twin takes delays and counts as real numbers.

    ``most`` bounds ``num`` (``None``: no bound).
    """
    from ..config import declared
    from ..experiments.design import _split, linspace_spec

    key, spec = _split(text, "--vary")
    p = declared(key)
    grid = linspace_spec(key, spec, p, least=2, most=most)
    for value in (grid[0], grid[-1]):
        if not p.low <= value <= p.high:
            raise TwinUsageError(f"--vary {key}: {value:g} is outside {p.allowed()}")
    return key, grid


def _coexisting(table, key: str) -> list[float] | None:
    """The range of ``key`` over which two or more stable fixed points coexist."""
    stable = table[table["stable"]].groupby(key).size()
    both = stable[stable >= 2].index
    return [float(both.min()), float(both.max())] if len(both) else None


HANDLERS = {"twin": _twin, "equilibria": _equilibria}


def common_arguments(p: argparse.ArgumentParser) -> None:
    """Scenario, --set, --variant, --out and --no-plot, as ``run`` has them."""
    p.add_argument("scenario", help="scenario name or path to a .toml file")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter, e.g. --set monitor.delay=6 (repeatable)")
    p.add_argument("--variant", help="apply one of the scenario's named variants")
    p.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-<command>-<time>)")
    p.add_argument("--no-plot", action="store_true", help="skip the figure")
    p.add_argument(LARGE_FLAG, action="store_true",
                   help=f"lift the bounds on work ({LIMITS.twin_steps:,} twin steps, "
                        f"{LIMITS.scan_points:,} --vary values, {LIMITS.runs:,} agent runs for "
                        "--compare): without it a larger command is refused before it starts")
