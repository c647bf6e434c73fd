"""The ``govsim`` command line: the only modules that parse argv and print are in ``cli/``.

This module holds the parser, ``main`` and the commands ``list``, ``show NAME``,
``run NAME|PATH`` and ``demo``; :mod:`.batch` adds ``compare``, ``sweep`` and
``sensitivity``, :mod:`.twin` adds ``twin`` and ``equilibria``, and :mod:`.common`
holds what they share. A command parses its arguments, calls a library function
(:mod:`simulator.io.runs`, :mod:`simulator.io.twinruns`, :mod:`simulator.experiments.sweep`)
and prints what it returns. Heavy modules (Mesa, pandas, scipy, matplotlib) are imported
only inside the handlers of commands that compute, so that ``govsim --help``, ``list``
and ``show`` start at once (``benchmarks/cli_startup.py`` measures it).

Every error the user can fix, and every error of the file system, is reported as one
line on stderr with exit status 2, never a traceback. Every argument is checked, and
the work a command asks for is weighed against
:data:`~simulator.experiments.design.LIMITS`, before any folder is created; a command
that fails after that removes what it created.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..errors import GovsimError, UsageError
from ..experiments.design import LARGE_FLAG, LIMITS
from ..parameters import GROUPS
from ..scenario import load_scenario, scenario_names
from ..show import MIN_WIDTH, describe, describe_metrics
from .batch import HANDLERS as BATCH_HANDLERS
from .batch import add_commands as add_batch_commands
from .classroom import HANDLERS as CLASSROOM_HANDLERS
from .classroom import add_commands as add_classroom_commands
from .common import LARGE_HELP, progress_bar, resolve_scenario
from .prepare import HANDLERS as PREPARE_HANDLERS
from .prepare import add_commands as add_prepare_commands
from .twin import HANDLERS as TWIN_HANDLERS
from .twin import add_commands as add_twin_commands

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line instead of usage + exit
        if len(message) > 300:  # e.g. an integer of thousands of digits
            message = message[:200] + f"... ({len(message)} characters)"
        raise UsageError(f"{message} (see `{self.prog} --help`)")


@functools.cache  # built once: argparse reads, never changes, a parser while parsing
def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="govsim", description=(
        "An educational simulator of a generic governance feedback loop: a synthetic "
        "society governed by a MAPE-K loop with four self-* objectives."), epilog=(
        f"Commands that compute refuse work beyond generous bounds before they start "
        f"(steps per run {LIMITS.steps:,}, runs {LIMITS.runs:,}, agent-steps "
        f"{LIMITS.agent_steps:.0e}, twin steps {LIMITS.twin_steps:,}); add {LARGE_FLAG} "
        "to do more on purpose. Errors are one line on stderr with exit status 2."))
    parser.add_argument("--version", action="version", version=f"govsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("list", help="name and question of every scenario")

    show = sub.add_parser("show", help="a scenario's about text and parameter table", epilog=(
        "Lines are wrapped to the terminal's width (at least "
        f"{MIN_WIDTH}). With --group or --changed only the parameter table is shown."))
    show.add_argument("scenario", help="scenario name or path to a .toml file")
    show.add_argument("--group", dest="groups", action="append", default=[], metavar="GROUP",
                      help="show only the parameters of this group (repeatable or comma-separated): "
                           f"{', '.join(GROUPS)}")
    show.add_argument("--changed", action="store_true",
                      help="show only the parameters the scenario sets to something other than "
                           "the default")

    metrics = sub.add_parser("metrics", help="every headline metric (or, with --series, recorded series) "
                             "and what it means")
    metrics.add_argument("--series", action="store_true", help="list the recorded series instead")

    run = sub.add_parser("run", help="run a scenario and write its series, summary and figure")
    run.add_argument("scenario", help="scenario name or path to a .toml file")
    run.add_argument("--steps", type=int, help="number of steps (default: the scenario's)")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter, e.g. --set plan.policy=pid (repeatable)")
    run.add_argument("--variant", help="apply one of the scenario's named variants")
    run.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-<time>)")
    run.add_argument("--no-plot", action="store_true", help="skip dashboard.png")
    run.add_argument(LARGE_FLAG, action="store_true", help=LARGE_HELP)
    run.add_argument("--animate", action="store_true",
                     help="also write animation.gif: the district map beside the series")
    run.add_argument("--early-warning", action="store_true",
                     help="also write early_warning.csv and early_warning.png: rolling variance and "
                          "lag-1 autocorrelation of one series before its tipping point")
    run.add_argument("--ew-series", default="observed_expression", metavar="NAME",
                     help="series for --early-warning (default observed_expression)")
    run.add_argument("--ew-window", type=int, metavar="W",
                     help="rolling window in steps (default: half of the stretch before the event)")
    run.add_argument("--ew-start", type=int, metavar="STEP",
                     help="first step analysed (default: 50, or a quarter of the run if shorter)")
    run.add_argument("--ew-event", type=int, metavar="STEP",
                     help="step of the event (default: the first jump far above the earlier range)")
    demo = sub.add_parser("demo", help="the teaching dashboard in a browser (prints its address)")
    demo.add_argument("scenario", nargs="?", default="baseline", help="scenario name (default baseline)")
    demo.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this computer only)")
    demo.add_argument("--play", action="store_true",
                      help="the student plays the Plan stage, step by step")

    add_batch_commands(sub)
    add_twin_commands(sub)
    add_prepare_commands(sub)
    add_classroom_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``govsim``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _build_parser().parse_args(argv)
        args.argv = argv
        if "\x00" in str(getattr(args, "out", None) or ""):
            raise UsageError("--out must not contain a NUL byte")
        handlers = {"list": _list, "show": _show, "metrics": _metrics, "run": _run,
                    "demo": _demo, **BATCH_HANDLERS, **TWIN_HANDLERS, **PREPARE_HANDLERS,
                    **CLASSROOM_HANDLERS}
        return handlers[args.command](args)
    except GovsimError as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # e.g. `govsim show NAME | head`: the reader left (before OSError, its parent)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:  # the file system refused something no check foresaw
        from ..io.files import os_problem
        return _fail(os_problem(exc))
    except MemoryError:
        return _fail(f"out of memory; ask for less work (the bounds {LARGE_FLAG} lifts are "
                     "there to prevent this)")
    except KeyboardInterrupt:
        print("govsim: interrupted; nothing was written", file=sys.stderr)
        return 130


def _fail(message: str) -> int:
    """Print ``message`` as one line on stderr; return the exit status of a user error."""
    print(f"govsim: error: {' '.join(message.split()) or 'failed'}", file=sys.stderr)
    return 2


# -- list and show ----------------------------------------------------------------
def _list(args) -> int:
    names = scenario_names()
    width = max(len(n) for n in names)
    for name in names:
        print(f"{name:<{width}}  {load_scenario(name).question}")
    return 0


def _show(args) -> int:
    groups = [g.strip() for given in args.groups for g in given.split(",") if g.strip()]
    if args.groups and not groups:
        raise UsageError(f"--group needs a group name: one of {', '.join(GROUPS)}")
    sc = load_scenario(args.scenario)
    width = shutil.get_terminal_size(fallback=(100, 24)).columns  # describe() keeps MIN_WIDTH
    print("\n".join(describe(sc, width=width, groups=groups, changed=args.changed)))
    return 0


def _metrics(args) -> int:
    width = shutil.get_terminal_size(fallback=(100, 24)).columns
    print("\n".join(describe_metrics(width, series=args.series)))
    return 0


# -- run ------------------------------------------------------------------------------
#: A run is shown a progress bar (when stderr is a terminal) above this many agent-steps.
_WATCHED_AGENT_STEPS = 5_000_000


def _run(args) -> int:
    from ..experiments.metrics import collapse_words
    from ..io.rundir import default_run_dir
    from ..io.runs import run

    sc = resolve_scenario(args)
    warning = _warning_request(args)
    bar = None
    if sc.steps * sc.config["society.agents"] > _WATCHED_AGENT_STEPS:
        bar = progress_bar(sc.steps, "step", leave=False)
    out = args.out or default_run_dir(sc.name)
    try:
        result = run(sc, out, command=["govsim", *args.argv], plot=not args.no_plot,
                     animate=args.animate, warning=warning, large=args.large,
                     progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    m, found = result.metrics, result.warning
    print(f"wrote {out}/ ({', '.join(result.files)})")
    print(f"  late means (last quarter): expression {m['expression_late']:.3f}  trust {m['trust_late']:.3f}  "
          f"need {m['need_late']:.3f}")
    print(f"  whole run: {m['faults_mean']:.1f} districts in fault per step; {collapse_words(m)}")
    if found is not None:
        before = (f"the event at step {found.event}" if found.event_found != "none"
                  else "the end (no event found)")
        print(f"  early warning on {found.series}, steps {found.start}-{found.event - 1} before "
              f"{before}: Kendall tau of variance {found.tau_variance:+.2f}, of lag-1 "
              f"autocorrelation {found.tau_autocorrelation:+.2f} (window {found.window})")
        for line in found.reading():
            print(f"    {line}")
    return 0


def _warning_request(args):
    """The early-warning request of the ``--ew-*`` options, refused if it cannot work."""
    given = [flag for flag, value in (("--ew-window", args.ew_window), ("--ew-start", args.ew_start),
                                      ("--ew-event", args.ew_event)) if value is not None]
    if args.ew_series != "observed_expression":
        given.insert(0, "--ew-series")
    if given and not args.early_warning:
        raise UsageError(f"{', '.join(given)} only apply with --early-warning")
    if not args.early_warning:
        return None
    from ..io.runs import WarningRequest
    from ..series import SERIES

    allowed = [name for name in SERIES if name != "step"]
    if args.ew_series not in allowed:
        raise UsageError(f"--ew-series must be one of {', '.join(allowed)}; got {args.ew_series!r}")
    return WarningRequest(series=args.ew_series, window=args.ew_window, start=args.ew_start,
                          event=args.ew_event)


# -- demo ------------------------------------------------------------------------------------
def _demo(args) -> int:
    from ..dashboard import missing_viz

    sc = load_scenario(args.scenario)  # a bad name fails here, before any server starts
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be in 1..65535, got {args.port}")
    problem = missing_viz()
    if problem:
        raise UsageError(problem)
    from ..dashboard.server import serve

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"govsim: warning: listening on {args.host}: anyone who can reach this computer "
              "on the network can open the dashboard", file=sys.stderr)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"govsim demo: {sc.title} ({sc.name}{', play the Plan stage' if args.play else ''}) "
          f"at http://{shown}:{args.port}/  (Ctrl-C stops the server)", flush=True)
    serve(sc, args.host, args.port, args.play)
    return 0
