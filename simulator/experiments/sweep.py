"""Sweeps: many runs of one scenario over a design, safe to interrupt.

A sweep directory holds::

    manifest.json   what made it: the resolved spec and its hash, version,
                    engine and workers, command line, start and end times
    design.csv      the points, written before any run starts
    runs/           one JSON record per finished run, written atomically
                    the moment it finishes (nothing piles up in memory)
    series/         every run's per-step series (with ``--series``)
    failures.jsonl  the runs that raised, one JSON object per line
    results.csv     one row per run, sorted by run id, written at the end
                    (``results.parquet`` with ``--format parquet``)

Run ``r`` of the sweep is replicate ``r % replicates`` of point
``r // replicates``. Its random generator depends only on the root seed and
those two numbers (see :mod:`simulator.experiments.task`; a design may let points share
their random numbers, as the sensitivity design does), so the results do not depend
on the engine, the number of workers or the order runs finish in. After an
interruption (Ctrl-C, ``kill -9``, a lost node), running the same command
with ``--resume`` reuses every run with a record and computes the rest; a
changed spec is refused, because its runs would not belong together.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Config, suggest
from ..errors import OutputError, ParameterError
from ..io.files import TABLE_FORMATS, atomic_write_text, read_json, read_table, write_csv, write_json, write_table_chunks
from ..io.provenance import now, provenance
from .design import Design
from .engines import check_engine, run_tasks
from .metrics import METRICS
from .task import RunResult, RunTask, execute

__all__ = ["SweepSpec", "SweepReport", "run_sweep", "load_results", "check_metrics", "FORMATS"]

FORMATS: tuple[str, ...] = TABLE_FORMATS


def check_metrics(names: list[str] | None) -> tuple[str, ...]:
    """The metrics to keep (all by default); unknown names are an error."""
    if not names:
        return METRICS
    for name in names:
        if name not in METRICS:
            raise ParameterError(f"unknown metric {name!r}{suggest(name, list(METRICS))}; "
                                 f"known metrics: {', '.join(METRICS)} (`govsim metrics` says what each means)")
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class SweepSpec:
    """Everything that decides a sweep's results (and nothing that does not)."""

    scenario: str
    variant: str | None
    base: dict[str, Any]           # every parameter's value before the design applies
    steps: int
    root_seed: int
    replicates: int
    design: Design
    metrics: tuple[str, ...] = METRICS
    keep_series: bool = False

    def __post_init__(self) -> None:
        if self.replicates < 1:
            raise ParameterError(f"--replicates must be at least 1, got {self.replicates}")
        if self.steps < 1:
            raise ParameterError(f"--steps must be at least 1, got {self.steps}")
        if not 0 <= self.root_seed < 2**63:
            raise ParameterError(f"--seed must be an integer in [0, 2**63 - 1], got {self.root_seed}")
        for point in self.design.points:  # every point is a valid configuration, before any run
            Config({**self.base, **point})

    @property
    def runs(self) -> int:
        return len(self.design.points) * self.replicates

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "variant": self.variant, "steps": self.steps,
            "root_seed": self.root_seed, "replicates": self.replicates,
            "design": {"kind": self.design.kind, "keys": list(self.design.keys),
                       "points": [dict(p) for p in self.design.points],
                       "seed_points": list(self.design.seed_points)},
            "metrics": list(self.metrics), "keep_series": self.keep_series,
            "base": dict(self.base),
        }

    def digest(self) -> str:
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def task(self, run_id: int) -> RunTask:
        point, replicate = divmod(run_id, self.replicates)
        return RunTask(run_id=run_id, point=point, replicate=replicate, root_seed=self.root_seed,
                       seed_point=self.design.seed_point(point),
                       steps=self.steps, parameters={**self.base, **self.design.points[point]},
                       keep_series=self.keep_series)


@dataclass
class SweepReport:
    out: Path
    total: int
    computed: int = 0
    reused: int = 0
    failed: list[int] = field(default_factory=list)
    interrupted: bool = False

    def line(self) -> str:
        text = (f"{self.total} runs: {self.computed} computed, {self.reused} reused from an "
                f"earlier session, {len(self.failed)} failed")
        return text + (" (interrupted: run again with --resume)" if self.interrupted else "")


def _record_path(out: Path, run_id: int, error: bool = False) -> Path:
    return out / "runs" / f"run-{run_id:06d}{'.error' if error else ''}.json"


def _run_records(out: Path, spec: SweepSpec) -> Iterator[tuple[int, dict[str, Any]]]:
    """The finished runs' records, one at a time in run-id order; a damaged record
    is left out (computed again).

    A record counts only if it is whole: the run id its file name gives, and
    every field the results table takes, for this spec's design and metrics.
    Read lazily, so that a sweep of any size never holds its records at once.
    """
    ids = []
    for path in (out / "runs").glob("run-*.json"):
        if not path.name.endswith(".error.json"):
            try:
                ids.append(int(path.name[len("run-"):-len(".json")]))
            except ValueError:
                continue  # not a name the sweep writes
    for run_id in sorted(ids):
        try:
            record = read_json(_record_path(out, run_id))
            whole = (record["run_id"] == run_id and run_id < spec.runs
                     and set(spec.design.keys) <= set(record["parameters"])
                     and set(spec.metrics) <= set(record["metrics"])
                     and len(record["spawn_key"]) == 2
                     and all(k in record for k in ("point", "replicate", "root_seed")))
        except (ValueError, KeyError, TypeError, OSError):
            whole = False  # truncated, hand-edited, unreadable: compute it again
        if whole:
            yield run_id, record


def _damaged(path: Path, problem: str) -> OutputError:
    return OutputError(
        f"--resume: {path} is damaged ({problem}); it records which sweep the runs in "
        f"{path.parent / 'runs'} belong to and cannot be rebuilt: restore it from a copy, "
        "or start the sweep again with a new --out")


def _open_directory(spec: SweepSpec, out: Path, resume: bool) -> dict[str, Any] | None:
    """Check ``out`` may be used; return the earlier manifest when resuming."""
    if not out.exists():
        return None
    manifest_path = out / "manifest.json"
    if not resume:
        raise OutputError(f"output directory {out} exists already; add --resume to continue "
                          "the sweep in it, or choose another --out (nothing is overwritten)")
    if not manifest_path.exists():
        raise OutputError(f"--resume: {out} is not a sweep directory (no manifest.json)")
    try:
        earlier = read_json(manifest_path)
    except ValueError as exc:  # truncated or edited by hand: JSONDecodeError, UnicodeDecodeError
        raise _damaged(manifest_path, f"not valid JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(earlier, dict):
        raise _damaged(manifest_path, "not a JSON object")
    for key, kind in (("spec_hash", str), ("spec", dict), ("sessions", list)):
        if not isinstance(earlier.get(key), kind):
            problem = "missing" if key not in earlier else f"not a JSON {kind.__name__}"
            raise _damaged(manifest_path, f"its {key!r} is {problem}")
    if earlier.get("spec_hash") != spec.digest():
        old, new = earlier.get("spec", {}), spec.as_dict()
        changed = sorted(k for k in new if old.get(k) != new[k]) or ["the spec"]
        raise OutputError(f"--resume: the sweep in {out} was started with a different spec "
                          f"(changed: {', '.join(changed)}); use a new --out for a new sweep")
    return earlier


def run_sweep(spec: SweepSpec, out: Path, *, engine: str = "process", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, fmt: str = "csv",
              command: list[str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepReport:
    """Run (or finish) the sweep ``spec`` into ``out``.

    Parameters
    ----------
    progress : callable, optional
        Called as ``progress(done, total)`` after every run.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise OutputError("--format parquet needs pyarrow: pip install pyarrow") from None
    check_engine(engine, workers, scheduler)  # a malformed --scheduler is refused before any file
    out = Path(out)
    earlier = _open_directory(spec, out, resume)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    if spec.keep_series:
        (out / "series").mkdir(exist_ok=True)
    write_csv(out / "design.csv", pd.DataFrame(spec.design.rows()))

    session = {"started": now(), "finished": None, "engine": engine, "workers": workers,
               "scheduler": scheduler, "command": command or []}
    sessions = [*(earlier or {}).get("sessions", []), session]
    manifest = provenance(command or [], started=sessions[0]["started"], finished=None,
                          spec_hash=spec.digest(), spec=spec.as_dict(), runs=spec.runs,
                          design_note=spec.design.note, engine=engine, workers=workers,
                          sessions=sessions)
    write_json(out / "manifest.json", manifest)

    done = {run_id for run_id, _ in _run_records(out, spec)}
    report = SweepReport(out, spec.runs, reused=len(done))
    todo = [r for r in range(spec.runs) if r not in done]

    def tasks() -> Iterator[RunTask]:
        for run_id in todo:
            yield spec.task(run_id)

    try:
        for task, result, error in run_tasks(execute, tasks(), engine, workers, scheduler):
            if error is None:
                _write_run(out, spec, task, result)
                report.computed += 1
            else:
                _write_failure(out, task, error)
                report.failed.append(task.run_id)
            if progress:
                progress(report.reused + report.computed + len(report.failed), spec.runs)
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        _write_failures(out)
        write_results(out, spec, fmt)
        session.update(finished=now(), computed=report.computed, reused=report.reused,
                       failed=len(report.failed), interrupted=report.interrupted)
        manifest.update(finished=session["finished"], sessions=sessions)
        write_json(out / "manifest.json", manifest)
    return report


def _write_run(out: Path, spec: SweepSpec, task: RunTask, result: RunResult) -> None:
    # the series first: a run counts as done only once its record exists
    if spec.keep_series and result.series is not None:
        write_csv(out / "series" / f"run-{task.run_id:06d}.csv", result.series)
    write_json(_record_path(out, task.run_id), {
        "run_id": task.run_id, "point": task.point, "replicate": task.replicate,
        "root_seed": task.root_seed, "spawn_key": [task.seed_point, task.replicate],
        "seconds": result.seconds,
        "parameters": {k: task.parameters[k] for k in spec.design.keys},
        "metrics": {k: result.metrics[k] for k in spec.metrics},
    })
    _record_path(out, task.run_id, error=True).unlink(missing_ok=True)


def _write_failure(out: Path, task: RunTask, error: BaseException) -> None:
    write_json(_record_path(out, task.run_id, error=True), {
        "run_id": task.run_id, "point": task.point, "replicate": task.replicate,
        "root_seed": task.root_seed, "spawn_key": [task.seed_point, task.replicate],
        "error": f"{type(error).__name__}: {error}",
        "traceback": "".join(traceback.format_exception(error)),
        "time": now(),
    })
    _write_failures(out)  # keep failures.jsonl current while the sweep goes on


def _write_failures(out: Path) -> None:
    """``failures.jsonl`` from the runs that are failed now (a retried success drops out)."""
    lines = []
    for path in sorted((out / "runs").glob("run-*.error.json")):
        try:
            record = read_json(path)
        except (ValueError, OSError) as exc:  # damaged; the run is tried again on --resume
            record = {"run_id": int(path.name[len("run-"):-len(".error.json")]),
                      "error": f"damaged failure record {path.name}: {exc}"}
        lines.append(json.dumps(record))
    atomic_write_text(out / "failures.jsonl", "".join(line + "\n" for line in lines))


#: records per chunk of the results table: its memory, not the sweep's size, bounds the driver's
RESULTS_CHUNK = 1000


def write_results(out: Path, spec: SweepSpec, fmt: str = "csv") -> Path:
    """Write the run records as one tidy table, sorted by run id, a chunk at a time.

    Column types come from the design, not from the records at hand, so every
    chunk writes a value the same way (a parameter whose design values are
    all whole numbers stays an integer column).
    """
    columns = ["run_id", "point", "replicate", "root_seed", "spawn_key",
               *spec.design.keys, *spec.metrics]
    design = pd.DataFrame(spec.design.rows(), columns=["point", *spec.design.keys])
    # an undefined metric is null in its JSON record: a column of only nulls would
    # otherwise be objects (None), not float NaN, in results.parquet
    types = {"run_id": "int64", "point": "int64", "replicate": "int64", "root_seed": "int64",
             "spawn_key": "object", **design.dtypes[list(spec.design.keys)].to_dict(),
             **dict.fromkeys(spec.metrics, "float64")}

    def chunks() -> Iterator[pd.DataFrame]:
        rows: list[dict[str, Any]] = []
        records = _run_records(out, spec)
        while True:
            record = next(records, None)
            if record is not None:
                rows.append(_result_row(record[1]))
            if rows and (record is None or len(rows) == RESULTS_CHUNK):
                yield pd.DataFrame(rows, columns=columns).astype(types)
                rows = []
            if record is None:
                return

    return write_table_chunks(out, "results", chunks(), pd.DataFrame(columns=columns).astype(types), fmt)


def _result_row(record: dict[str, Any]) -> dict[str, Any]:
    """One run's row of the results table."""
    return {"run_id": record["run_id"], "point": record["point"], "replicate": record["replicate"],
            "root_seed": record["root_seed"], "spawn_key": "{}-{}".format(*record["spawn_key"]),
            **record["parameters"], **record["metrics"]}


def load_results(out: Path) -> pd.DataFrame:
    """The results table of a finished sweep directory."""
    return read_table(out, "results")
