"""The twin as library functions: ``twin`` and ``equilibria`` compute and write the folder.

Like :mod:`.runs`: each weighs the work before it creates anything, writes a
run directory with one provenance record in ``summary.json``, and returns
what the command line prints. ``twin(..., compare=R)`` runs the agent model
over replicates ``0 .. R-1``, the same runs ``govsim compare`` makes (see
:mod:`simulator.experiments.compare`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..experiments.design import check_work, run_memory
from .files import atomic_write_text, write_csv, write_json
from .provenance import provenance
from .rundir import RunDirectory

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = ["SHARED", "TwinOutput", "EquilibriaOutput", "twin", "equilibria"]

#: Series the twin and the agent model both have, shown side by side with --compare.
SHARED = ("need", "trust", "expression", "latent", "participation", "tension",
          "accommodate", "constrain", "alignment", "reserve")


@dataclass(frozen=True)
class TwinOutput:
    """What :func:`twin` wrote and found."""

    out: Path
    files: list[str]
    twin: Any  # the solved twin (its form, and for the delayed_feedback loop its gain and delay)
    frame: pd.DataFrame
    errors: dict[str, float] | None = None  # mean |twin - agents| per shared series


@dataclass(frozen=True)
class EquilibriaOutput:
    """What :func:`equilibria` wrote and found."""

    out: Path
    files: list[str]
    rows: list[dict[str, Any]]  # the fixed points (without ``vary``)
    boundaries: list[dict[str, Any]]  # where a branch changes stability (with ``vary``)
    two_stable_states: list[float] | None = None  # range of coexisting stable states
    reading: list[str] = field(default_factory=list)  # what the scan shows, in words


def twin(scenario: Scenario, out: Path, *, command: Sequence[str], compare: int | None = None,
         plot: bool = True, large: bool = False, engine: str = "serial", workers: int | None = None,
         scheduler: str | None = None, delays: Mapping[str, float] | None = None) -> TwinOutput:
    """Solve the twin of ``scenario`` over its steps and write folder ``out``.

    ``twin.csv``, ``summary.json``, ``scenario.toml`` and, with ``plot``,
    ``twin.png``; with ``compare=R`` also ``agents_mean.csv`` and the mean
    absolute difference per series, over ``R`` agent runs (on ``engine``,
    as ``compare`` runs them: the numbers do not depend on it). ``delays`` are
    real-valued delays for the twin alone, over the scenario's (the agent runs of
    ``compare`` count whole steps, so the two cannot go together).
    """
    import numpy as np

    from ..twin.solve import make_twin, simulate

    if compare is not None and compare < 1:
        raise UsageError(f"--compare must be an integer >= 1, got {compare}")
    if compare and delays:
        given = ", ".join(f"{k}={v:g}" for k, v in delays.items())
        raise UsageError(f"--compare runs the agent model, whose delays are whole steps; got {given} "
                         "(real delays are for the twin alone)")
    model = make_twin({**scenario.config, **(delays or {})})
    if compare and model.form != "loop":
        raise UsageError("--compare needs twin.form = 'loop': the delayed_feedback loop "
                         "has no agents to compare with")
    # the stocks at every step, and the table of them (about three times as wide)
    stocks = int(np.size(model.initial()))
    check_work("twin", steps=scenario.steps, memory=(scenario.steps + 1) * stocks * 4 * 8,
               twin=True, large=large)
    if compare:
        agents = scenario.config["society.agents"]
        check_work("twin --compare", runs=compare, steps=scenario.steps, agents=agents,
                   memory=run_memory(agents, scenario.steps, runs=compare), large=large)
    started = datetime.now(UTC)
    frame = simulate(model, scenario.steps).to_frame()
    bands = errors = None
    extra: dict[str, Any] = {}
    if compare:
        bands, keys = _agent_runs(scenario, compare, engine, workers, scheduler)
        errors = {c: float(np.mean(np.abs(bands["mean"][c].to_numpy() - frame[c].to_numpy())))
                  for c in SHARED}
        extra = {"compare": {"replicates": compare, "spawn_keys": keys,
                             "mean_absolute_difference": errors}}
    files = ["twin.csv", "summary.json", "scenario.toml"]
    with RunDirectory(out) as run_dir:
        folder = run_dir.staging
        write_csv(folder / "twin.csv", frame)
        if bands is not None:
            write_csv(folder / "agents_mean.csv", bands["mean"].reset_index())
            files.append("agents_mean.csv")
        atomic_write_text(folder / "scenario.toml", _scenario_text(scenario, delays))
        write_json(folder / "summary.json", _record(
            command, scenario, delays, started=started, steps=scenario.steps, form=model.form,
            final={k: float(v) for k, v in frame.iloc[-1].items()}, **extra))
        if plot:
            from ..viz.figures import save_figure
            from ..viz.twin import twin_figure
            save_figure(twin_figure(frame, bands, scenario.title, runs=compare or 0, scenario=scenario),
                        folder / "twin.png")
            files.append("twin.png")
    return TwinOutput(Path(out), files, model, frame, errors)


def _agent_runs(scenario: Scenario, replicates: int, engine: str, workers: int | None,
                scheduler: str | None) -> tuple[dict[str, pd.DataFrame], list]:
    """Mean and 10-90 % band of ``replicates`` agent runs, and their spawn keys."""
    import pandas as pd

    from ..experiments.compare import compare_variants

    runs = compare_variants(scenario, replicates, variants=(), engine=engine, workers=workers,
                            scheduler=scheduler)
    frames = [f.set_index("step")[list(SHARED)] for f in runs.series["base"]]
    grouped = pd.concat(frames, keys=range(len(frames))).groupby(level=1)
    bands = {"mean": grouped.mean(), "low": grouped.quantile(0.1), "high": grouped.quantile(0.9)}
    return bands, runs.spawn_keys


def equilibria(scenario: Scenario, out: Path, *, command: Sequence[str], show: str,
               vary: tuple[str, Sequence[float]] | None = None, plot: bool = True,
               delays: Mapping[str, float] | None = None) -> EquilibriaOutput:
    """Fixed points of the twin and their stability; with ``vary``, the branches over one parameter.

    Without ``vary``: ``equilibria.csv``. With ``vary=(key, values)``:
    ``bifurcation.csv``, what the scan shows (stability changes, the onset of
    swings, folds, coexisting states, and the same in words) in
    ``summary.json`` and, with ``plot``, ``bifurcation.png`` (``show`` the
    stock on its vertical axis). Both: ``summary.json`` and ``scenario.toml``.
    ``delays`` are real-valued delays for the twin alone, over the scenario's.
    """
    import pandas as pd

    from ..twin.bifurcations import read
    from ..twin.equilibria import fixed_points, follow
    from ..twin.reading import sentences
    from ..twin.solve import make_twin

    values = {**scenario.config, **(delays or {})}
    model = make_twin(values)
    started = datetime.now(UTC)
    with RunDirectory(out) as run_dir:
        folder = run_dir.staging
        atomic_write_text(folder / "scenario.toml", _scenario_text(scenario, delays))
        if vary is None:
            rows = [{"point": n, "kind": p.kind, "leading_real": p.leading.real,
                     "leading_imag": abs(p.leading.imag), "period": p.period,
                     **{k: float(p.state[i]) for k, i in model.index.items()}}
                    for n, p in enumerate(fixed_points(model))]
            write_csv(folder / "equilibria.csv", pd.DataFrame(rows))
            write_json(folder / "summary.json", _record(
                command, scenario, delays, started=started, fixed_points=rows))
            return EquilibriaOutput(Path(out), ["equilibria.csv", "summary.json", "scenario.toml"],
                                    rows, [])
        key, grid = vary
        found = follow(values, key, list(grid))
        table = found.to_frame()
        findings = read(values, found, show)
        reading = sentences(findings)
        write_csv(folder / "bifurcation.csv", table)
        write_json(folder / "summary.json", _record(
            command, scenario, delays, started=started,
            vary={"key": key, "values": [float(g) for g in grid]},
            boundaries=findings.boundaries(), **findings.to_dict(), reading=reading))
        files = ["bifurcation.csv", "summary.json", "scenario.toml"]
        if plot:
            from ..viz.figures import plain_text, save_figure
            from ..viz.twin import bifurcation_figure
            changed = {**scenario.overrides, **(delays or {})}  # what --set changed, in the title
            given = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in changed.items())
            title = scenario.title + (f" ({given})" if given else "")
            save_figure(bifurcation_figure(table, findings, plain_text(title)), folder / "bifurcation.png")
            files.append("bifurcation.png")
    coexist = list(findings.coexist) if findings.coexist else None
    return EquilibriaOutput(Path(out), files, [], findings.boundaries(), coexist, reading)


def _record(command: Sequence[str], scenario: Scenario, delays: Mapping[str, float] | None,
            **extra: Any) -> dict[str, Any]:
    """The provenance record, with the twin's real-valued delays among the parameters."""
    if delays:
        extra["real_delays"] = dict(delays)
    record = provenance(command, scenario, **extra)
    record["parameters"].update(delays or {})
    return record


def _scenario_text(scenario: Scenario, delays: Mapping[str, float] | None) -> str:
    """``scenario.toml``; real-valued delays cannot stand in a scenario file (the agent
    model counts whole steps), so a comment says how to give them again."""
    if not delays:
        return scenario.to_toml()
    given = " ".join(f"--set {k}={v:g}" for k, v in delays.items())
    return (f"# The twin ran with real-valued delays this file cannot hold (the agent model counts\n"
            f"# whole steps): add {given} to reproduce it.\n" + scenario.to_toml())
