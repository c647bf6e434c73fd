"""The ``govsim`` command line: the only module that parses argv and prints.

Subcommands: ``list``, ``show NAME``, ``run NAME|PATH``, ``compare NAME``,
``sweep NAME|PATH``, ``sensitivity NAME|PATH``, ``demo`` and, from
``cli_twin.py``, ``twin NAME|PATH`` and ``equilibria NAME|PATH``. Every error the user can
fix, and every error of the file system, is reported as one line on stderr with exit
status 2, never a traceback. Every argument is checked, and the work a command asks for
is weighed against :data:`~simulator.design.LIMITS`, before any folder is created; a
command that fails after that removes what it created.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import textwrap
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cli_twin import HANDLERS as TWIN_HANDLERS
from .config import parse_override, shown
from .design import LARGE_FLAG, LIMITS, SAMPLERS, check_count, check_work
from .engines import ENGINES
from .errors import GovsimError, OutputError, UsageError
from .parameters import PARAMETERS
from .scenario import ABOUT_SECTIONS, Scenario, load_scenario, scenario_names
from .sweep import FORMATS

if TYPE_CHECKING:
    from .sweep import SweepSpec

__all__ = ["main"]


#: The help of --large, on every command that computes.
LARGE_HELP = (f"lift the bounds on work (steps per run {LIMITS.steps:,}, runs {LIMITS.runs:,}, "
              f"agent-steps {LIMITS.agent_steps:.0e}, twin steps {LIMITS.twin_steps:,}, "
              f"results in memory {LIMITS.memory // 2**30} GiB): without it a larger command "
              "is refused before it starts")


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

    show = sub.add_parser("show", help="a scenario's about text and parameter table")
    show.add_argument("scenario", help="scenario name or path to a .toml file")

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
    compare = sub.add_parser("compare", help="run every variant of a scenario over several seeds, side by side")
    compare.add_argument("scenario", help="scenario name or path to a .toml file")
    compare.add_argument("--replicates", type=int, default=10, help="seeds per variant (default 10)")
    compare.add_argument("--steps", type=int, help="number of steps (default: the scenario's)")
    compare.add_argument("--seed", type=int, help="first seed (default: the scenario's)")
    compare.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                         help="override a parameter in every variant (repeatable)")
    compare.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-compare-<time>)")
    compare.add_argument("--no-plot", action="store_true", help="skip compare.png")
    compare.add_argument(LARGE_FLAG, action="store_true", help=LARGE_HELP)

    sweep = sub.add_parser("sweep", help="run a scenario over a design of parameter points")
    _common_batch_arguments(sweep)
    sweep.add_argument("--vary", action="append", default=[], metavar="KEY=SPEC",
                       help="full factorial: key=start:stop:num or key=v1,v2,... (repeatable)")
    sweep.add_argument("--design", choices=SAMPLERS, help="a sampled design instead of --vary")
    sweep.add_argument("--samples", type=int, help="points of a sampled design")
    sweep.add_argument("--range", dest="ranges", action="append", default=[], metavar="KEY=LO:HI",
                       help="range of a sampled parameter (repeatable)")
    sweep.add_argument("--replicates", type=int, default=1, help="seeds per point (default 1)")
    sweep.add_argument("--metric", dest="metrics", action="append", default=[],
                       help="metric to keep (repeatable; default: all)")
    sweep.add_argument("--format", choices=FORMATS, default="csv", help="results table format")
    sweep.add_argument("--series", action="store_true", help="also keep every run's series")

    demo = sub.add_parser("demo", help="the teaching dashboard in a browser (prints its address)")
    demo.add_argument("scenario", nargs="?", default="baseline", help="scenario name (default baseline)")
    demo.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this computer only)")
    demo.add_argument("--play", action="store_true",
                      help="the student plays the Plan stage, step by step")

    sens = sub.add_parser("sensitivity", help="first-order and total Sobol' indices of one metric")
    _common_batch_arguments(sens)
    sens.add_argument("--range", dest="ranges", action="append", default=[], metavar="KEY=LO:HI",
                      required=True, help="range of a parameter (repeatable)")
    sens.add_argument("--samples", type=int, default=64,
                      help="base samples N (a power of two; N x (parameters + 2) runs; default 64)")
    sens.add_argument("--metric", required=True, help="the metric to explain, e.g. expression_late")
    sens.add_argument("--confidence", type=float, default=0.95, help="bootstrap interval level")

    from .cli_twin import add_commands as add_twin_commands
    add_twin_commands(sub)
    return parser


def _common_batch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario name or path to a .toml file")
    p.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-<command>-<time>)")
    p.add_argument("--steps", type=int, help="steps per run (default: the scenario's)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="fixed override for every run (repeatable)")
    p.add_argument("--variant", help="apply one of the scenario's named variants")
    p.add_argument("--engine", choices=ENGINES, default="process",
                   help="serial, process (default: local processes) or dask")
    p.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (with --engine dask)")
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted sweep in --out, reusing its finished runs")
    p.add_argument("--no-plot", action="store_true", help="skip the figure")
    p.add_argument(LARGE_FLAG, action="store_true", help=LARGE_HELP)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``govsim``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _build_parser().parse_args(argv)
        args.argv = argv
        if "\x00" in str(getattr(args, "out", None) or ""):
            raise UsageError("--out must not contain a NUL byte")
        handlers = {"list": _list, "show": _show, "run": _run, "compare": _compare,
                    "sweep": _sweep, "sensitivity": _sensitivity, "demo": _demo, **TWIN_HANDLERS}
        return handlers[args.command](args)
    except GovsimError as exc:
        return _fail(str(exc))
    except OSError as exc:  # the file system refused something no check foresaw
        from .output import os_problem
        return _fail(os_problem(exc))
    except MemoryError:
        return _fail(f"out of memory; ask for less work (the bounds {LARGE_FLAG} lifts are "
                     "there to prevent this)")
    except BrokenPipeError:  # e.g. `govsim show NAME | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
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
    sc = load_scenario(args.scenario)
    print(f"{sc.title}  ({sc.name})")
    print(f"Question: {sc.question}")
    print(f"Runs {sc.steps} steps with seed {sc.seed}.\n")
    for section in ABOUT_SECTIONS:
        if section in sc.about:
            print(section.replace("_", " ").upper())
            print(textwrap.indent(textwrap.fill(" ".join(sc.about[section].split()), 78), "  "))
            print()
    if sc.variants:
        print("VARIANTS")
        for name, changes in sc.variants.items():
            settings = ", ".join(f"{k}={v}" for k, v in changes.items())
            print(f"  {name}: {sc.descriptions.get(name, '')} [{settings}]")
        print()
    print("PARAMETERS  (* = differs from the default)")
    rows = [(("*" if sc.config[k] != p.default else " ") + k, _fmt(sc.config[k]), p.allowed(), p.meaning)
            for k, p in PARAMETERS.items()]
    kw = max(len(r[0]) for r in rows)
    vw = max(len(r[1]) for r in rows)
    for key, value, allowed, meaning in rows:
        print(f"{key:<{kw}}  {value:<{vw}}  {meaning}  [{allowed}]")
    return 0


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# -- run ------------------------------------------------------------------------------
def _resolve(args) -> Scenario:
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


def _run_memory(agents: int, steps: int, runs: int = 1, districts: int = 0) -> int:
    """Estimated bytes ``runs`` runs hold when all their series are kept (for the bounds).

    ``districts``: also a map of that many districts per step (``--animate``).
    """
    from .recorder import SERIES

    per_step = len(SERIES) * _BYTES_PER_SERIES_VALUE + districts * _BYTES_PER_MAP_CELL
    return runs * (steps + 1) * per_step + agents * _BYTES_PER_AGENT


def _run(args) -> int:
    # imported here so that `govsim list` stays quick
    from .metrics import summarize
    from .model import GovernanceModel
    from .output import RunDirectory, atomic_write_text, default_run_dir, write_csv, write_json

    sc = _resolve(args)
    _check_early_warning(args)
    agents = sc.config["society.agents"]
    maps = sc.config["society.districts_per_side"] ** 2 if args.animate else 0
    check_work("run", steps=sc.steps, agents=agents,
               memory=_run_memory(agents, sc.steps, districts=maps), large=args.large)
    out = args.out or default_run_dir(sc.name)
    started = datetime.now(UTC)
    with RunDirectory(out) as run_dir:
        model = GovernanceModel(scenario=sc, seed=sc.seed)
        maps = _advance(model, sc.steps, keep_maps=args.animate)
        series = model.series()
        summary = summarize(series)
        warning = _early_warning(args, series) if args.early_warning else None
        folder = run_dir.staging
        write_csv(folder / "series.csv", series)
        if warning is not None:
            write_csv(folder / "early_warning.csv", warning.to_frame())
        atomic_write_text(folder / "scenario.toml", sc.to_toml())
        write_json(folder / "summary.json", {
            "scenario": sc.name,
            "variant": sc.variant,
            "title": sc.title,
            "seed": sc.seed,
            "steps": sc.steps,
            "govsim_version": __version__,
            "command": ["govsim", *args.argv],
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "metrics": summary,
            **({"early_warning": warning.summary()} if warning is not None else {}),
            "parameters": dict(sc.config),
        })
        if not args.no_plot:
            from .plotting import dashboard_figure, save_figure
            subtitle = f"seed {sc.seed}" + (f", variant {sc.variant}" if sc.variant else "")
            save_figure(dashboard_figure(series, sc.title, subtitle), folder / "dashboard.png")
            if warning is not None:
                from .plotting import early_warning_figure
                save_figure(early_warning_figure(series, warning, f"{sc.title}: early warning",
                                                 subtitle), folder / "early_warning.png")
        if args.animate:
            from .plotting import save_animation
            save_animation(maps, series, f"{sc.title}: share expressing by district",
                           folder / "animation.gif")
    ew_files = "" if warning is None else ", early_warning.csv" + ("" if args.no_plot else ", early_warning.png")
    print(f"wrote {out}/ (series.csv, summary.json, scenario.toml"
          f"{'' if args.no_plot else ', dashboard.png'}{', animation.gif' if args.animate else ''}"
          f"{ew_files})")
    print(f"  expression {summary['expression_late']:.3f}  trust {summary['trust_late']:.3f}  "
          f"need {summary['need_late']:.3f}  faults/step {summary['faults_mean']:.1f}  "
          f"collapsed {'yes' if summary['collapsed'] else 'no'}  (late-run means)")
    if warning is not None:
        before = f"the event at step {warning.event}" if warning.event_found != "none" else "the end (no event found)"
        print(f"  early warning on {warning.series}, steps {warning.start}-{warning.event - 1} before {before}: "
              f"Kendall tau of variance {warning.tau_variance:+.2f}, of lag-1 autocorrelation "
              f"{warning.tau_autocorrelation:+.2f} (window {warning.window})")
    return 0


#: Series ``--ew-series`` accepts: every recorded series but the step counter.
def _ew_series() -> list[str]:
    from .recorder import SERIES
    return [name for name in SERIES if name != "step"]


def _check_early_warning(args) -> None:
    """Reject early-warning options that cannot work, before the run starts."""
    given = [flag for flag, value in (("--ew-window", args.ew_window), ("--ew-start", args.ew_start),
                                      ("--ew-event", args.ew_event)) if value is not None]
    if args.ew_series != "observed_expression":
        given.insert(0, "--ew-series")
    if given and not args.early_warning:
        raise UsageError(f"{', '.join(given)} only apply with --early-warning")
    if args.early_warning and args.ew_series not in _ew_series():
        raise UsageError(f"--ew-series must be one of {', '.join(_ew_series())}; got {args.ew_series!r}")


def _early_warning(args, series):
    """The early-warning indicators the ``--ew-*`` options ask for."""
    from .early_warning import early_warning
    from .errors import ParameterError

    steps = series["step"].to_numpy()
    start = args.ew_start if args.ew_start is not None else min(50, int(steps[-1]) // 4)
    try:
        return early_warning(series[args.ew_series].to_numpy(), series=args.ew_series, steps=steps,
                             event=args.ew_event, start=start, window=args.ew_window)
    except ParameterError as exc:
        raise UsageError(f"--early-warning: {exc}") from None


def _compare(args) -> int:
    from .experiment import compare_variants
    from .output import RunDirectory, atomic_write_text, default_run_dir, write_csv, write_json

    if args.replicates < 1:
        raise UsageError(f"--replicates must be an integer >= 1, got {args.replicates}")
    args.variant = None
    sc = _resolve(args)
    total = max(1, len(sc.variants)) * args.replicates
    check_work("compare", runs=total, steps=sc.steps, agents=sc.config["society.agents"],
               memory=_run_memory(sc.config["society.agents"], sc.steps, runs=total),
               large=args.large)
    out = args.out or default_run_dir(f"{sc.name}-compare")
    started = datetime.now(UTC)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(total=total, desc="runs", unit="run", leave=False)

    def tick(variant: str, replicate: int) -> None:
        if bar is not None:
            bar.update()

    with RunDirectory(out) as run_dir:
        result = compare_variants(sc, args.replicates, progress=tick)
        if bar:
            bar.close()
        folder = run_dir.staging
        write_csv(folder / "metrics.csv", result.metrics())
        table = result.table()
        write_csv(folder / "table.csv", table)
        atomic_write_text(folder / "scenario.toml", sc.to_toml())
        write_json(folder / "summary.json", {
            "scenario": sc.name, "variants": list(result.series), "seeds": list(result.seeds),
            "steps": sc.steps, "govsim_version": __version__, "command": ["govsim", *args.argv],
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "variant_changes": sc.variants, "parameters": dict(sc.config),
        })
        if not args.no_plot:
            from .plotting import compare_figure, save_figure
            save_figure(compare_figure(result), folder / "compare.png")
    headline = ["expression_late", "trust_late", "need_late", "observability_gap_late",
                "faults_mean", "collapsed", "cost_late"]
    print(f"wrote {out}/ (metrics.csv, table.csv, summary.json, scenario.toml"
          f"{'' if args.no_plot else ', compare.png'})")
    shown = table[["variant", *[f"{h}_mean" for h in headline]]].copy()
    shown.columns = ["variant", *headline]
    print(f"means over {args.replicates} seeds:")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


# -- sweep and sensitivity --------------------------------------------------------------------
def _batch_spec(args, sc: Scenario, design) -> SweepSpec:
    from .sweep import SweepSpec, check_metrics

    return SweepSpec(scenario=sc.name, variant=sc.variant, base=dict(sc.config), steps=sc.steps,
                     root_seed=sc.seed, replicates=args.replicates, design=design,
                     metrics=check_metrics(args.metrics), keep_series=args.series)


def _check_engine(args) -> None:
    """Refuse engine options that cannot work together, before anything is created."""
    if args.workers is not None:
        if args.workers < 1:
            raise UsageError(f"--workers must be an integer >= 1, got {args.workers}")
        check_count("--workers", args.workers, LIMITS.workers, args.large)
    if args.scheduler is not None and args.engine != "dask":
        raise UsageError(f"--scheduler is for --engine dask only, got --engine {args.engine}")
    if args.engine == "dask":
        from .engines import dask_available
        if not dask_available():
            raise UsageError("--engine dask needs Dask: pip install 'govsim[cluster]'; "
                             "the default --engine process needs nothing")
    if args.resume and args.out is None:
        raise UsageError("--resume needs --out DIR, the folder of the sweep to finish")


def _check_batch(args, sc: Scenario, design, kind: str) -> None:
    """Weigh the runs of ``design`` against the bounds (before each point is validated)."""
    agents = max(point.get("society.agents", sc.config["society.agents"])
                 for point in design.points)
    runs = len(design.points) * args.replicates
    workers = min(runs, args.workers or os.cpu_count() or 1)  # each holds one run
    check_work(kind, runs=runs, steps=sc.steps, agents=agents,
               memory=workers * _run_memory(agents, sc.steps), large=args.large)


def _had_runs(out: Path) -> bool:
    """Whether a sweep folder holds a finished run (then it is kept, for --resume)."""
    return any((Path(out) / "runs").glob("run-*.json"))


def _start_batch(args, spec, kind: str):
    """Run the sweep of ``spec`` with a progress bar; return the report and directory.

    If the sweep fails before any run finished, the folders it created go.
    """
    from .output import default_run_dir, missing_folders, os_problem, remove_folders
    from .sweep import run_sweep

    out = args.out or default_run_dir(f"{spec.scenario}-{kind}")
    if spec.design.note:
        print(f"note: {spec.design.note}")
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(total=spec.runs, desc="runs", unit="run", smoothing=0.1)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()

    made = missing_folders(out)
    try:
        report = run_sweep(spec, out, engine=args.engine, workers=args.workers,
                           scheduler=args.scheduler, resume=args.resume,
                           fmt=getattr(args, "format", "csv"),
                           command=["govsim", *args.argv], progress=progress)
    except (Exception, KeyboardInterrupt) as exc:
        if bar is not None:
            bar.close()
        if made and not _had_runs(out):
            remove_folders(made, with_contents=True)
        if isinstance(exc, (OSError, ValueError)) and not isinstance(exc, GovsimError):
            raise OutputError(f"cannot write the sweep in {out}: {os_problem(exc)}") from None
        raise
    if bar is not None:
        bar.close()
    print(f"wrote {out}/  {report.line()}")
    if report.failed:
        print(f"  {len(report.failed)} runs raised; see {out}/failures.jsonl")
    return report, out


def _sweep(args) -> int:
    from .design import factorial, parse_range, parse_vary, sampled

    if args.replicates < 1:
        raise UsageError(f"--replicates must be an integer >= 1, got {args.replicates}")
    check_count("--replicates", args.replicates, LIMITS.runs, args.large)
    _check_engine(args)
    sc = _resolve(args)
    most = None if args.large else LIMITS.runs
    if args.design:
        if args.vary:
            raise UsageError("use either --vary (factorial) or --design with --range, not both")
        if args.samples is None:
            raise UsageError(f"--design {args.design} needs --samples N")
        design = sampled(args.design, args.samples, [parse_range(r) for r in args.ranges], sc.seed,
                         most=most)
    else:
        if args.ranges or args.samples is not None:
            raise UsageError("--range and --samples belong to a sampled design: add --design lhs|sobol|halton")
        design = factorial([parse_vary(v, most=most) for v in args.vary], most=most)
    _check_batch(args, sc, design, "sweep")
    spec = _batch_spec(args, sc, design)
    report, out = _start_batch(args, spec, "sweep")
    if not args.no_plot and report.computed + report.reused:
        from .plotting import SWEEP_METRICS, save_figure, sweep_figure
        from .sweep import load_results

        metrics = list(args.metrics) or list(SWEEP_METRICS)
        fig = sweep_figure(load_results(out), spec.design.keys, metrics, f"Sweep of {spec.scenario}")
        if fig is not None:
            save_figure(fig, out / "sweep.png")
            print(f"  figure: {out}/sweep.png")
    return 1 if report.interrupted else 0


def _sensitivity(args) -> int:
    from .design import parse_range
    from .output import write_csv
    from .sensitivity import saltelli_design, sobol_table
    from .sweep import load_results

    if not 0.5 <= args.confidence < 1:
        raise UsageError(f"--confidence must be in [0.5, 1), got {args.confidence}")
    args.replicates, args.series, args.format = 1, False, "csv"
    args.metrics = [args.metric]
    _check_engine(args)
    sc = _resolve(args)
    seed = sc.seed
    ranges = [parse_range(r) for r in args.ranges]
    if args.samples < 2:
        raise UsageError(f"--samples must be at least 2, got {args.samples}")
    n = 1 << (args.samples - 1).bit_length()  # the power of two the design rounds up to
    check_work("sensitivity", runs=n * (len(ranges) + 2), steps=sc.steps,
               agents=sc.config["society.agents"], large=args.large)
    design, n = saltelli_design(ranges, args.samples, seed)
    _check_batch(args, sc, design, "sensitivity")
    spec = _batch_spec(args, sc, design)
    report, out = _start_batch(args, spec, "sensitivity")
    if report.interrupted:
        return 1
    table = sobol_table(load_results(out), args.metric, design.keys, n, args.confidence, seed=seed)
    write_csv(out / "sensitivity.csv", table)
    if not args.no_plot:
        from .plotting import save_figure, sensitivity_figure
        save_figure(sensitivity_figure(table, args.metric, f"What drives {args.metric} in "
                                       f"{spec.scenario}? ({n} x ({len(design.keys)} + 2) runs)"),
                    out / "sensitivity.png")
    print(f"Sobol' indices of {args.metric} ({args.confidence:.0%} bootstrap intervals):")
    shown = table.copy()
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


# -- demo ------------------------------------------------------------------------------------
def _demo(args) -> int:
    from .dashboard import missing_viz

    sc = load_scenario(args.scenario)  # a bad name fails here, before any server starts
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be in 1..65535, got {args.port}")
    problem = missing_viz()
    if problem:
        raise UsageError(problem)
    from .dashboard.server import serve

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"govsim: warning: listening on {args.host}: anyone who can reach this computer "
              "on the network can open the dashboard", file=sys.stderr)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"govsim demo: {sc.title} ({sc.name}{', play the Plan stage' if args.play else ''}) "
          f"at http://{shown}:{args.port}/  (Ctrl-C stops the server)", flush=True)
    serve(sc, args.host, args.port, args.play)
    return 0


def _advance(model, steps: int, keep_maps: bool = False) -> list:
    """Step the model, with a progress bar when a person is watching.

    With ``keep_maps``, returns the share expressing per district (a k x k
    grid) at every step, for the animation.
    """
    k = model.grid.k
    maps = []

    def snapshot() -> None:
        if keep_maps:
            maps.append(model.society.state.expression.reshape(k, k).copy())

    snapshot()
    watched = sys.stderr.isatty() and steps * model.society.n > 5_000_000
    if not (keep_maps or watched):
        model.run(steps)
        return maps
    ticks: Iterable[int] = range(steps)
    if watched:
        from tqdm import tqdm
        ticks = tqdm(ticks, desc="steps", unit="step", leave=False)
    for _ in ticks:
        model.step()
        snapshot()
    return maps
