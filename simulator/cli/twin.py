"""The twin's subcommands of ``govsim``: ``twin`` and ``equilibria``.

Part of the command line (:mod:`.main` registers them); they parse arguments, call
:func:`simulator.io.twinruns.twin` or :func:`~simulator.io.twinruns.equilibria`, and
print. Like the rest of the CLI, every user error is a
:class:`~simulator.errors.GovsimError`, reported in one line with status 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import DELAYS, parse_override
from ..errors import UsageError
from ..experiments.design import LARGE_FLAG, LIMITS
from ..scenario import Scenario
from .common import check_engine, engine_arguments, resolve_scenario

__all__ = ["add_commands", "HANDLERS"]


def _common_arguments(p: argparse.ArgumentParser) -> None:
    """Scenario, --set, --variant, --out and --no-plot, as ``run`` has them."""
    p.add_argument("scenario", help="scenario name or path to a .toml file")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter, e.g. --set monitor.delay=6 (repeatable); the twin "
                        "takes delays as real numbers, e.g. --set monitor.delay=2.5")
    p.add_argument("--variant", help="apply one of the scenario's named variants")
    p.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-<command>-<time>)")
    p.add_argument("--no-plot", action="store_true", help="skip the figure")
    p.add_argument(LARGE_FLAG, action="store_true",
                   help=f"lift the bounds on work ({LIMITS.twin_steps:,} twin steps, "
                        f"{LIMITS.scan_points:,} --vary values, {LIMITS.runs:,} agent runs for "
                        "--compare): without it a larger command is refused before it starts")


def add_commands(sub) -> None:
    """Add ``twin`` and ``equilibria`` to the subparsers ``sub``."""
    common = _common_arguments
    twin = sub.add_parser("twin", help="solve the system-dynamics twin (stocks and flows) of a scenario")
    common(twin)
    twin.add_argument("--steps", type=int, help="time to solve for, in steps (default: the scenario's)")
    twin.add_argument("--compare", type=int, metavar="R",
                      help="also run the agent model over R seeds and plot the twin over their band")
    twin.add_argument("--seed", type=int, help="root seed for --compare: replicate r is the run of "
                      "`govsim compare` replicate r (default: the scenario's)")
    engine_arguments(twin)

    eq = sub.add_parser("equilibria", help="fixed points of the twin, their stability, and bifurcations")
    common(eq)
    eq.set_defaults(steps=None, seed=None)  # fixed points have no time and no randomness
    eq.add_argument("--vary", metavar="KEY=START:STOP:NUM",
                    help="scan one parameter and draw the bifurcation diagram")
    eq.add_argument("--show", help="stock on the bifurcation diagram's vertical axis "
                                   "(default expression; x for the delayed_feedback loop)")


# -- govsim twin ----------------------------------------------------------------------
def _twin(args) -> int:
    from ..io.rundir import default_run_dir
    from ..io.twinruns import twin

    if args.steps is not None and args.steps < 1:
        raise UsageError(f"--steps must be an integer >= 1, got {args.steps}")
    check_engine(args)
    sc, delays = _twin_scenario(args)
    out = args.out or default_run_dir(f"{sc.name}-twin")
    result = twin(sc, out, command=["govsim", *args.argv], compare=args.compare,
                  plot=not args.no_plot, large=args.large, engine=args.engine,
                  workers=args.workers, scheduler=args.scheduler, delays=delays)
    print(f"wrote {out}/ ({', '.join(result.files)})")
    last, model, errors = result.frame.iloc[-1], result.twin, result.errors
    if model.form == "loop":
        print(f"  at step {sc.steps}: need {last['need']:.3f}  trust {last['trust']:.3f}  "
              f"expression {last['expression']:.3f}  tension {last['tension']:.3f}")
    else:
        print(f"  at step {sc.steps}: x {last['x']:+.4f} (gain {model.gain:g}, delay {model.delay:g}, "
              f"{model.stages} stages)")
    if errors:
        worst = max(errors, key=lambda k: errors[k])
        print(f"  twin vs mean of {args.compare} agent runs: mean |difference| "
              + ", ".join(f"{k} {errors[k]:.3f}" for k in ("need", "trust", "expression", "tension"))
              + f" (largest: {worst} {errors[worst]:.3f})")
    return 0


# -- govsim equilibria -------------------------------------------------------------------
def _equilibria(args) -> int:
    from ..io.rundir import default_run_dir
    from ..io.twinruns import equilibria
    from ..twin.solve import make_twin

    sc, delays = _twin_scenario(args)
    model = make_twin({**sc.config, **delays})
    show = args.show or ("expression" if model.form == "loop" else "x")
    if show not in model.index:
        raise UsageError(f"--show must be one of {', '.join(model.index)}; got {show!r}")
    vary = None if args.vary is None else _parse_vary(args.vary, None if args.large else LIMITS.scan_points)
    out = args.out or default_run_dir(f"{sc.name}-equilibria")
    result = equilibria(sc, out, command=["govsim", *args.argv], show=show, vary=vary,
                        plot=not args.no_plot, delays=delays)
    print(f"wrote {out}/ ({', '.join(result.files)})")
    if vary is None:
        for row in result.rows:
            swing = f" +- {row['leading_imag']:.4f}i" if row["leading_imag"] else ""
            print(f"  {row['point']}: {row['kind']:<22} leading eigenvalue {row['leading_real']:+.4f}"
                  f"{swing}  " + "  ".join(f"{k} {row[k]:.3f}" for k in _shown(model, show)))
        if not result.rows:
            print("  no fixed point found from the starting states")
        return 0
    for line in result.reading:
        print(f"  {line}")
    return 0


def _twin_scenario(args) -> tuple[Scenario, dict[str, float]]:
    """The scenario with its ``--set`` overrides, and the delays among them that are real
    numbers: the twin takes those (its delays are chains of stages), a scenario cannot."""
    delays: dict[str, float] = {}
    whole = []
    for text in args.overrides:
        key, value = parse_override(text, real_delays=True)
        if isinstance(value, float) and key in DELAYS:
            delays[key] = value
        else:
            delays.pop(key, None)  # a later whole-step value wins
            whole.append(text)
    return resolve_scenario(argparse.Namespace(**{**vars(args), "overrides": whole})), delays


def _shown(twin, show: str) -> list[str]:
    names = ["need", "trust", "expression", "tension"] if twin.form == "loop" else ["x"]
    return names if show in names else [show, *names]


def _parse_vary(text: str, most: int | None = None) -> tuple[str, list[float]]:
    """``key=start:stop:num``; the twin takes delays and counts as real numbers.

    ``most`` bounds ``num`` (``None``: no bound).
    """
    from ..config import declared
    from ..experiments.design import linspace_spec, split_assignment

    key, spec = split_assignment(text, "--vary")
    p = declared(key)
    grid = linspace_spec(key, spec, p, least=2, most=most)
    for value in (grid[0], grid[-1]):
        if not p.low <= value <= p.high:
            raise UsageError(f"--vary {key}: {value:g} is outside {p.allowed()}")
    return key, [float(g) for g in grid]


HANDLERS = {"twin": _twin, "equilibria": _equilibria}
