"""``govsim robustness`` as a library function: judge a scenario's claims and write the folder.

Like :mod:`.runs`: the work is weighed against the bounds before anything is
created, and the folder appears whole or not at all, with one provenance
record in ``summary.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..experiments.design import check_work, run_memory
from .files import atomic_write_text, write_csv, write_json
from .provenance import provenance
from .rundir import RunDirectory

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

__all__ = ["RobustnessOutput", "robustness"]


@dataclass(frozen=True)
class RobustnessOutput:
    """What :func:`robustness` wrote: the folder, its files and the table of verdicts."""

    out: Path
    files: list[str]
    table: pd.DataFrame


def robustness(scenario: Scenario, replicates: int, out: Path, *, command: Sequence[str],
               only: list[str] | None = None, band: int = 0, plot: bool = True,
               engine: str = "process", workers: int | None = None,
               scheduler: str | None = None, large: bool = False) -> RobustnessOutput:
    """Judge every claim of ``scenario`` under the moderate changes; write folder ``out``.

    ``claims.csv`` has one row per condition and claim: the mean and standard
    deviation over seeds of the difference in the claimed direction, the
    seeds that bear it out, whether the claim holds there, and whether the
    scenario declares that it does not (``fails_under``). With ``band``
    points, also ``band.csv`` (the same, along the key parameter) and, with
    ``plot``, ``band.png``.
    """
    import pandas as pd

    from ..experiments import robustness as judged
    from ..experiments.engines import check_engine

    phenomenon = judged.claims_of(scenario)
    if replicates < 1:
        raise UsageError(f"--replicates must be an integer >= 1, got {replicates}")
    check_engine(engine, workers, scheduler)
    conditions = judged.chosen_conditions(scenario, only)
    if band < 0 or band == 1:
        raise UsageError(f"--band must be 0 (none) or at least 2 points, got {band}")
    values = judged.band_values(scenario, band) if band else []
    variants = len(phenomenon.variants)
    agents = max(c.overrides.get("society.agents", scenario.config["society.agents"]) for c in conditions)
    steps = max(c.steps for c in conditions)
    runs = (len(conditions) + len(values)) * variants * replicates
    check_work("robustness", runs=runs, steps=steps, agents=agents,
               memory=run_memory(agents, steps, runs=variants * replicates), large=large)
    started = datetime.now(UTC)
    with RunDirectory(out) as run_dir:
        rows = []
        for condition, verdicts in judged.robustness(
                scenario, replicates, only=[c.name for c in conditions], engine=engine,
                workers=workers, scheduler=scheduler):
            for i, v in enumerate(verdicts):
                rows.append({"condition": condition.name, "claim": i + 1, "says": v.claim.says,
                             "measure": v.claim.describe(), **v.figures(),
                             "declared_fragile": condition.name in v.claim.fails_under})
        table = pd.DataFrame(rows)
        folder = run_dir.staging
        write_csv(folder / "claims.csv", table)
        files = ["claims.csv", "summary.json", "scenario.toml"]
        if values:
            along = judged.band(scenario, band, replicates, engine=engine, workers=workers,
                                scheduler=scheduler)
            write_csv(folder / "band.csv", pd.DataFrame(
                [{phenomenon.key: value, "claim": i + 1, **v.figures()}
                 for value, verdicts in along for i, v in enumerate(verdicts)]))
            files.append("band.csv")
            if plot:
                from ..viz.figures import save_figure
                from ..viz.robustness import band_figure

                save_figure(band_figure(scenario, along, replicates), folder / "band.png")
                files.append("band.png")
        atomic_write_text(folder / "scenario.toml", scenario.to_toml())
        write_json(folder / "summary.json", provenance(
            command, scenario, started=started, replicates=replicates,
            seed_point=judged.FRESH_SEEDS, variants=phenomenon.variants,
            conditions={c.name: {"overrides": c.overrides, "steps": c.steps} for c in conditions},
            claims_hold=int(table["holds"].sum()), claims_judged=len(table),
            band={phenomenon.key: values} if values else None))
    return RobustnessOutput(Path(out), files, table)
