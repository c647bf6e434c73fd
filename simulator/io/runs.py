"""Runs as library functions: ``run`` and ``compare`` do the work and write the folder.

Each function weighs the work against
:data:`~simulator.experiments.design.LIMITS` before it creates anything,
computes, and writes a run directory (:class:`~.rundir.RunDirectory`: it
appears whole or not at all) with one provenance record
(:func:`~.provenance.provenance`) in ``summary.json``. It returns what it
wrote and what a reader wants to see; the command line (:mod:`simulator.cli`)
only parses arguments, calls these and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ParameterError, UsageError
from ..experiments.design import check_work, run_memory
from .files import atomic_write_text, write_csv, write_json
from .provenance import provenance
from .rundir import RunDirectory

if TYPE_CHECKING:
    import pandas as pd

    from ..experiments.compare import Comparison
    from ..experiments.early_warning import EarlyWarning
    from ..scenario import Scenario

__all__ = ["WarningRequest", "RunOutput", "CompareOutput", "run", "compare"]

@dataclass(frozen=True)
class WarningRequest:
    """Which early-warning indicators to compute (``govsim run --early-warning``)."""

    series: str = "observed_expression"
    window: int | None = None  # default: half of the stretch before the event
    start: int | None = None   # default: 50, or a quarter of the run if shorter
    event: int | None = None   # default: the first jump far above the earlier range


@dataclass(frozen=True)
class RunOutput:
    """What :func:`run` wrote and found."""

    out: Path
    files: list[str]
    series: pd.DataFrame
    metrics: dict[str, Any]
    warning: EarlyWarning | None = None


@dataclass(frozen=True)
class CompareOutput:
    """What :func:`compare` wrote and found."""

    out: Path
    files: list[str]
    comparison: Comparison
    table: pd.DataFrame


def run(scenario: Scenario, out: Path, *, command: Sequence[str], plot: bool = True,
        animate: bool = False, warning: WarningRequest | None = None, large: bool = False,
        progress: Callable[[], None] | None = None) -> RunOutput:
    """Run ``scenario`` once (its seed, its steps) and write its folder ``out``.

    ``series.csv``, ``summary.json`` and ``scenario.toml``; with ``plot``
    ``dashboard.png``; with ``animate`` ``animation.gif``; with ``warning``
    ``early_warning.csv`` (and ``early_warning.png``). ``progress`` is called
    after every step (given, the model is stepped one step at a time).
    """
    from ..experiments.metrics import summarize
    from ..model import GovernanceModel

    agents = scenario.config["society.agents"]
    maps = scenario.config["society.districts_per_side"] ** 2 if animate else 0
    check_work("run", steps=scenario.steps, agents=agents,
               memory=run_memory(agents, scenario.steps, districts=maps), large=large)
    started = datetime.now(UTC)
    with RunDirectory(out) as run_dir:
        model = GovernanceModel.from_scenario(scenario, seed=scenario.seed)
        frames = _advance(model, scenario.steps, animate, progress)
        series = model.series()
        metrics = summarize(series)
        found = _early_warning(warning, series) if warning is not None else None
        folder = run_dir.staging
        write_csv(folder / "series.csv", series)
        if found is not None:
            write_csv(folder / "early_warning.csv", found.to_frame())
        atomic_write_text(folder / "scenario.toml", scenario.to_toml())
        extra: dict[str, Any] = {} if found is None else {"early_warning": found.summary()}
        record = provenance(command, scenario, started=started, steps=scenario.steps, metrics=metrics, **extra)
        write_json(folder / "summary.json", record)
        if plot:
            from ..viz.figures import dashboard_figure, early_warning_figure, save_figure
            subtitle = f"seed {scenario.seed}" + (f", variant {scenario.variant}" if scenario.variant else "")
            save_figure(dashboard_figure(series, scenario.title, subtitle, scenario=scenario),
                        folder / "dashboard.png")
            if found is not None:
                save_figure(early_warning_figure(series, found, f"{scenario.title}, early warning",
                                                 subtitle, scenario=scenario, road=_road(scenario)),
                            folder / "early_warning.png")
        if animate:
            from ..viz.animation import save_animation
            save_animation(frames, series, f"{scenario.title}: share expressing by district",
                           folder / "animation.gif")
        _run_report(folder, scenario, record, metrics, plot, found is not None)
    files = ["series.csv", "summary.json", "scenario.toml", "report.html", *(["dashboard.png"] if plot else []),
             *(["animation.gif"] if animate else []), *(["early_warning.csv"] if found else []),
             *(["early_warning.png"] if found and plot else [])]
    return RunOutput(Path(out), files, series, metrics, found)


def _run_report(folder: Path, scenario: Scenario, record: dict, metrics: dict, plot: bool, warned: bool) -> None:
    from ..headline import headline_names
    from .report_page import metric_rows, write_report

    names = [*headline_names(scenario.figure.headline), "collapsed_late", "collapse_step"]
    figures = [(folder / "dashboard.png", "the run's dashboard")] if plot else []
    if plot and warned:
        figures.append((folder / "early_warning.png", "early-warning indicators before the event"))
    write_report(folder, kind="one run", scenario=scenario, record=record, figures=figures,
                 notes=[f"seed {scenario.seed}"],
                 metrics=(["metric", "value", "unit", "meaning"], metric_rows({n: [metrics[n]] for n in names}, names)))


def _advance(model, steps: int, keep_maps: bool, progress: Callable[[], None] | None) -> list:
    """Step the model; with ``keep_maps``, return the share expressing per district at every step."""
    maps = []

    def snapshot() -> None:
        if keep_maps:
            report = model.report()
            k = report.districts_per_side
            maps.append(report.truth.expression.reshape(k, k).copy())

    snapshot()
    if not (keep_maps or progress):
        model.run(steps)
        return maps
    for _ in range(steps):
        model.step()
        snapshot()
        if progress is not None:
            progress()
    return maps


def _road(scenario: Scenario):
    """The twin's quiet state along the scenario's drift of the lever mix (None: no drift)."""
    from ..loop.drift import drifting
    from ..twin.solve import TwinError
    from ..twin.tipping import road_to_tipping

    c = scenario.config
    if not drifting(c["drift.per_step"], c["plan.soft_share"], c["drift.to"]):
        return None
    try:
        return road_to_tipping(c)
    except TwinError:  # the figure goes without the twin's panel rather than not at all
        return None


def _early_warning(request: WarningRequest, series: pd.DataFrame) -> EarlyWarning:
    """The early-warning indicators ``request`` asks for."""
    from ..experiments.early_warning import early_warning

    steps = series["step"].to_numpy()
    start = request.start if request.start is not None else min(50, int(steps[-1]) // 4)
    try:
        return early_warning(series[request.series].to_numpy(), series=request.series, steps=steps,
                             event=request.event, start=start, window=request.window)
    except ParameterError as exc:
        raise UsageError(f"--early-warning: {exc}") from None


def compare(scenario: Scenario, replicates: int, out: Path, *, command: Sequence[str],
            plot: bool = True, engine: str = "process", workers: int | None = None,
            scheduler: str | None = None, large: bool = False,
            progress: Callable[[str, int], None] | None = None) -> CompareOutput:
    """Run every variant of ``scenario`` over the same ``replicates`` seeds; write folder ``out``.

    ``metrics.csv`` (one row per run), ``table.csv`` (mean and standard
    deviation per variant), ``summary.json``, ``scenario.toml`` and, with
    ``plot``, ``compare.png``. The seeds are those of
    :mod:`simulator.experiments.compare`; the engine changes nothing in them.
    """
    from ..experiments.compare import compare_variants
    from ..experiments.engines import check_engine

    if replicates < 1:
        raise UsageError(f"--replicates must be an integer >= 1, got {replicates}")
    check_engine(engine, workers, scheduler)
    total = max(1, len(scenario.variants)) * replicates
    agents = scenario.config["society.agents"]
    check_work("compare", runs=total, steps=scenario.steps, agents=agents,
               memory=run_memory(agents, scenario.steps, runs=total), large=large)
    started = datetime.now(UTC)
    files = ["metrics.csv", "table.csv", "summary.json", "scenario.toml"]
    with RunDirectory(out) as run_dir:
        result = compare_variants(scenario, replicates, progress=progress, engine=engine,
                                  workers=workers, scheduler=scheduler)
        folder = run_dir.staging
        write_csv(folder / "metrics.csv", result.metrics())
        table = result.table()
        write_csv(folder / "table.csv", table)
        atomic_write_text(folder / "scenario.toml", scenario.to_toml())
        record = provenance(command, scenario, started=started, variants=list(result.series), steps=scenario.steps,
                            replicates=replicates, spawn_keys=result.spawn_keys, variant_changes=scenario.variants)
        write_json(folder / "summary.json", record)
        if plot:
            from ..viz.figures import compare_figure, save_figure
            save_figure(compare_figure(result), folder / "compare.png")
            files.append("compare.png")
        files.append(_compare_report(folder, scenario, record, result, table, plot))
    return CompareOutput(Path(out), files, result, table)


def _compare_report(folder: Path, scenario: Scenario, record: dict, result, table: pd.DataFrame, plot: bool) -> str:
    from ..experiments.robustness import judge
    from ..headline import headline_names
    from .report_page import metric_rows, write_report

    names = [*headline_names(scenario.figure.headline), "collapsed_late"]
    rows = table.set_index("variant")
    values = {n: [f"{rows.loc[v, n + '_mean']:.3f} ± {rows.loc[v, n + '_sd']:.3f}" for v in result.series]
              for n in names}
    claims = []
    for claim in (scenario.phenomenon.claims if scenario.phenomenon else ()):
        if claim.variant in result.series and (not isinstance(claim.than, str) or claim.than in result.series):
            f = judge(claim, result).figures()
            claims.append((claim.says, bool(f["holds"]),
                           f"mean difference {f['mean']:+.3f} in the claimed direction against a margin of "
                           f"{f['by']:g}; {f['holding']} of {f['seeds']} seeds go that way"))
    return write_report(folder, kind="variants compared", scenario=scenario, record=record,
                        figures=[(folder / "compare.png", "the variants over the same seeds")] if plot else [],
                        notes=[f"{result.replicates} seeds per variant (mean ± standard deviation)"],
                        metrics=(["metric", *result.series, "unit", "meaning"], metric_rows(values, names)),
                        claims=claims)
