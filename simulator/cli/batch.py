"""The batch commands of ``govsim``: ``compare``, ``robustness``, ``sweep`` and ``sensitivity``.

Many runs of one scenario on an engine (serial, local processes or Dask):
:func:`simulator.io.runs.compare` runs a scenario's variants over the same seeds,
:func:`simulator.experiments.sweep.run_sweep` a design of points. Every argument is
checked, and the work weighed against :data:`~simulator.experiments.design.LIMITS`,
before any folder is created; a sweep that fails before any run finished removes
what it created.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..experiments.design import LARGE_FLAG, LIMITS, SAMPLERS, check_count, check_work, run_memory
from ..io.files import TABLE_FORMATS
from ..scenario import Scenario
from .common import LARGE_HELP, check_engine, engine_arguments, progress_bar, resolve_scenario

if TYPE_CHECKING:
    from ..experiments.sweep import SweepSpec

__all__ = ["add_commands", "HANDLERS"]


def add_commands(sub) -> None:
    """Add ``compare``, ``robustness``, ``sweep`` and ``sensitivity`` to the subparsers ``sub``."""
    compare = sub.add_parser("compare", help="run every variant of a scenario over several seeds, side by side")
    compare.add_argument("scenario", help="scenario name or path to a .toml file")
    compare.add_argument("--replicates", type=int, default=10, help="seeds per variant (default 10)")
    compare.add_argument("--steps", type=int, help="number of steps (default: the scenario's)")
    compare.add_argument("--seed", type=int, help="root seed; replicate r of every variant uses the "
                         "seed material SeedSequence(seed, spawn_key=(0, r)) (default: the scenario's)")
    compare.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                         help="override a parameter in every variant (repeatable)")
    compare.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-compare-<time>)")
    engine_arguments(compare)
    compare.add_argument("--no-plot", action="store_true", help="skip compare.png")
    compare.add_argument(LARGE_FLAG, action="store_true", help=LARGE_HELP)

    robust = sub.add_parser("robustness", help="does the scenario's lesson hold on fresh seeds and "
                            "under moderate changes? (its [phenomenon] claims)")
    robust.add_argument("scenario", help="scenario name or path to a .toml file")
    robust.add_argument("--replicates", type=int, default=6, help="fresh seeds per variant and condition (default 6)")
    robust.add_argument("--only", action="append", metavar="CONDITION",
                        help="judge only this condition, e.g. 'as shipped' (repeatable)")
    robust.add_argument("--band", type=int, default=0, metavar="N",
                        help="also judge the claims at N values of the scenario's key parameter, from "
                        "0.5 to 1.5 times its value, and draw band.png: where the lesson stops being true")
    robust.add_argument("--no-plot", action="store_true", help="skip band.png")
    robust.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    robust.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter in every run (repeatable)")
    robust.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-robustness-<time>)")
    engine_arguments(robust)
    robust.add_argument(LARGE_FLAG, action="store_true", help=LARGE_HELP)

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
    sweep.add_argument("--format", choices=TABLE_FORMATS, default="csv", help="results table format")
    sweep.add_argument("--series", action="store_true", help="also keep every run's series")

    sens = sub.add_parser("sensitivity", help="first-order and total Sobol' indices of one metric")
    _common_batch_arguments(sens)
    sens.add_argument("--range", dest="ranges", action="append", default=[], metavar="KEY=LO:HI",
                      required=True, help="range of a parameter (repeatable)")
    sens.add_argument("--samples", type=int, default=64,
                      help="base samples N (a power of two; N x (parameters + 2) runs; default 64)")
    sens.add_argument("--metric", required=True, help="the metric to explain, e.g. expression_late")
    sens.add_argument("--confidence", type=float, default=0.95, help="bootstrap interval level")


def _common_batch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario name or path to a .toml file")
    p.add_argument("--out", type=Path, help="output directory (default: runs/<scenario>-<command>-<time>)")
    p.add_argument("--steps", type=int, help="steps per run (default: the scenario's)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="fixed override for every run (repeatable)")
    p.add_argument("--variant", help="apply one of the scenario's named variants")
    engine_arguments(p)
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted sweep in --out, reusing its finished runs")
    p.add_argument("--no-plot", action="store_true", help="skip the figure")
    p.add_argument(LARGE_FLAG, action="store_true", help=LARGE_HELP)


def _compare(args) -> int:
    from ..experiments.metrics import headline_table
    from ..io.rundir import default_run_dir
    from ..io.runs import compare

    check_engine(args)
    args.variant = None
    sc = resolve_scenario(args)
    out = args.out or default_run_dir(f"{sc.name}-compare")
    bar = progress_bar(max(1, len(sc.variants)) * args.replicates, "run", leave=False)
    try:
        result = compare(sc, args.replicates, out, command=["govsim", *args.argv],
                         plot=not args.no_plot, engine=args.engine, workers=args.workers,
                         scheduler=args.scheduler, large=args.large,
                         progress=(lambda variant, replicate: bar.update()) if bar else None)
    finally:
        if bar is not None:
            bar.close()
    print(f"wrote {out}/ ({', '.join(result.files)})")
    print(f"means over {args.replicates} seeds (table.csv has every metric; `govsim metrics` says what each means):")
    print(headline_table(result.table, sc.figure.headline).to_string(float_format=lambda v: f"{v:.3f}"))
    return 0


def _robustness(args) -> int:
    from ..io.robustness import robustness
    from ..io.rundir import default_run_dir

    check_engine(args)
    args.variant, args.steps = None, None
    sc = resolve_scenario(args)
    out = args.out or default_run_dir(f"{sc.name}-robustness")
    result = robustness(sc, args.replicates, out, command=["govsim", *args.argv], only=args.only,
                        band=args.band, plot=not args.no_plot, engine=args.engine,
                        workers=args.workers, scheduler=args.scheduler, large=args.large)
    print(f"wrote {out}/ ({', '.join(result.files)})")
    t = result.table
    for i, says in t.groupby("claim", sort=True)["says"].first().items():
        print(f"claim {i}: {says}")
    print(f"mean difference in the claimed direction, and seeds that bear it out ({args.replicates} fresh):")
    cells = t.assign(cell=[f"{m:+.3f} {h}/{n}{'' if ok else ' NO'}{'*' if known else ''}"
                           for m, h, n, ok, known in zip(t["mean"], t["holding"], t["seeds"], t["holds"],
                                                         t["declared_fragile"])])
    grid = cells.pivot(index="condition", columns="claim", values="cell").reindex(t["condition"].unique())
    grid.columns = [f"claim {c}" for c in grid.columns]
    print(grid.to_string())
    print(f"{int(t['holds'].sum())} of {len(t)} hold (NO: smaller than the claim's margin, or in too few seeds)")
    if t["declared_fragile"].any():
        print("*: the scenario says this claim does not survive this change (its fails_under)")
    return 0


# -- sweep and sensitivity --------------------------------------------------------------------
def _batch_spec(args, sc: Scenario, design) -> SweepSpec:
    from ..experiments.sweep import SweepSpec, check_metrics

    return SweepSpec(scenario=sc.name, variant=sc.variant, base=dict(sc.config), steps=sc.steps,
                     root_seed=sc.seed, replicates=args.replicates, design=design,
                     metrics=check_metrics(args.metrics), keep_series=args.series)


def _check_batch(args, sc: Scenario, design, kind: str) -> None:
    """Weigh the runs of ``design`` against the bounds (before each point is validated)."""
    agents = max(point.get("society.agents", sc.config["society.agents"])
                 for point in design.points)
    runs = len(design.points) * args.replicates
    workers = min(runs, args.workers or os.cpu_count() or 1)  # each holds one run
    check_work(kind, runs=runs, steps=sc.steps, agents=agents,
               memory=workers * run_memory(agents, sc.steps), large=args.large)


def _start_batch(args, spec, kind: str):
    """Run the sweep of ``spec`` with a progress bar; return the report and directory.

    If the sweep fails before any run finished, the folders it created go
    (:func:`simulator.io.sweeps.sweep`).
    """
    from ..io.rundir import default_run_dir
    from ..io.sweeps import sweep

    out = args.out or default_run_dir(f"{spec.scenario}-{kind}")
    if spec.design.note:
        print(f"note: {spec.design.note}")
    bar = progress_bar(spec.runs, "run", smoothing=0.1)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()

    try:
        report = sweep(spec, out, engine=args.engine, workers=args.workers,
                       scheduler=args.scheduler, resume=args.resume,
                       fmt=getattr(args, "format", "csv"),
                       command=["govsim", *args.argv], progress=progress)
    finally:
        if bar is not None:
            bar.close()
    print(f"wrote {out}/  {report.line()}")
    if report.failed:
        print(f"  {len(report.failed)} runs raised; see {out}/failures.jsonl")
    return report, out


def _check_resume(args) -> None:
    if args.resume and args.out is None:
        raise UsageError("--resume needs --out DIR, the folder of the sweep to finish")


def _sweep(args) -> int:
    from ..experiments.design import factorial, parse_range, parse_vary, sampled

    if args.replicates < 1:
        raise UsageError(f"--replicates must be an integer >= 1, got {args.replicates}")
    check_count("--replicates", args.replicates, LIMITS.runs, args.large)
    check_engine(args)
    _check_resume(args)
    sc = resolve_scenario(args)
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
        from ..experiments.sweep import load_results
        from ..viz.figures import save_figure
        from ..viz.sweeps import SWEEP_METRICS, sweep_figure

        metrics = list(args.metrics) or list(SWEEP_METRICS)
        fig = sweep_figure(load_results(out), spec.design.keys, metrics, f"Sweep of {spec.scenario}",
                           kind=spec.design.kind)
        if fig is not None:
            save_figure(fig, out / "sweep.png")
            print(f"  figure: {out}/sweep.png")
        _sweep_report(out, sc, spec, metrics, figure=fig is not None)
        print(f"  report: {out}/report.html")
    return 1 if report.interrupted else 0


def _sweep_report(out: Path, sc: Scenario, spec, metrics: list[str], figure: bool) -> None:
    """``report.html`` of a sweep: its design, figure, and each metric's range over the points."""
    from ..experiments.sweep import load_results
    from ..io.files import read_json
    from ..io.report_page import metric_rows, write_report

    means = load_results(out).groupby("point")[metrics].mean()
    values = {m: [f"{means[m].min():.3f}", f"{means[m].max():.3f}"] for m in metrics}
    write_report(out, kind="sweep", scenario=sc, record=read_json(out / "manifest.json"),
                 figures=[(out / "sweep.png", "the metrics over the design")] if figure else [],
                 notes=[f"{len(spec.design.points)} points x {spec.replicates} seeds ({spec.design.note or spec.design.kind})",
                        "varied: " + ", ".join(spec.design.keys)],
                 metrics=(["metric", "lowest point mean", "highest point mean", "unit", "meaning"],
                          metric_rows(values, metrics)))


def _sensitivity(args) -> int:
    from ..experiments.design import parse_range
    from ..experiments.sensitivity import saltelli_design, sobol_reading, sobol_table
    from ..experiments.sweep import load_results
    from ..io.files import write_csv

    if not 0.5 <= args.confidence < 1:
        raise UsageError(f"--confidence must be in [0.5, 1), got {args.confidence}")
    args.replicates, args.series, args.format = 1, False, "csv"
    args.metrics = [args.metric]
    check_engine(args)
    _check_resume(args)
    sc = resolve_scenario(args)
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
    lines, warnings = sobol_reading(table, args.metric, n)
    if not args.no_plot:
        from ..headline import metric_label
        from ..viz.figures import save_figure
        from ..viz.sweeps import sensitivity_figure
        title = (f"What drives {metric_label(args.metric)} in {spec.scenario}? ({n} x ({len(design.keys)} + 2) "
                 f"runs, {args.confidence:.0%} intervals)")
        save_figure(sensitivity_figure(table, args.metric, title, warnings=warnings), out / "sensitivity.png")
    print(f"Sobol' indices of {args.metric} ({args.confidence:.0%} bootstrap intervals):")
    shown = table.copy()
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"what they say (the share of the variance of {args.metric} each parameter explains):")
    for line in lines:
        print(f"  {line}")
    for line in warnings:
        print(line)
    return 0


HANDLERS = {"compare": _compare, "robustness": _robustness, "sweep": _sweep, "sensitivity": _sensitivity}
