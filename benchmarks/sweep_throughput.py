"""Sweep throughput: runs per second on 1 and N workers, and the overhead per run.

Each run is the baseline scenario sized to take about ``--run-seconds``
(calibrated first). The same sweep goes through the serial engine and the
process engine with ``--workers`` workers, into fresh directories, with every
record written as in real use. Printed:

* runs per second of each engine and the speed-up of N workers over one;
* the one-off start-up of the worker processes (each imports numpy, pandas,
  scipy and Mesa: about 1.5 s), measured with a sweep of one-step runs, for
  information;
* the engine plus I/O overhead per run: the sweep's wall time minus its ideal
  wall time (the runs' own time, from their records, shared evenly over the
  workers), times the workers, divided by the runs; that is, the core time
  per run not spent computing a run. Worker start-up is included: it
  overlaps with the first runs, so subtracting a separately measured start-up
  per worker (as this script once did) over-corrects and can come out
  negative.

Targets (issue 4): on a 2-core machine, 2 workers at least 1.8x the serial
throughput for runs of about 1 s, and under 50 ms of overhead per run. This
script prints figures and never asserts them.

Usage::

    python benchmarks/sweep_throughput.py [--runs 40] [--workers 2]
                                          [--run-seconds 1.0] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from simulator import load_scenario
from simulator.experiments.design import factorial
from simulator.experiments.engines import default_workers
from simulator.experiments.sweep import SweepSpec, run_sweep
from simulator.experiments.task import execute

TARGET_SPEEDUP = 1.8
TARGET_OVERHEAD_MS = 50.0


def calibrated_spec(runs: int, seconds: float) -> SweepSpec:
    """A sweep of ``runs`` runs of about ``seconds`` each (replicates of one point)."""
    base = dict(load_scenario("baseline").config)
    probe = SweepSpec("baseline", None, base, 100, 1, 1, factorial([]))
    execute(probe.task(0))  # warm up imports and caches
    per_step = execute(probe.task(0)).seconds / 100
    steps = max(10, round(seconds / per_step))
    return SweepSpec("baseline", None, base, steps, 1, runs, factorial([]))


def sweep_time(spec: SweepSpec, engine: str, workers: int, out: Path) -> tuple[float, float]:
    """Wall time of the sweep, and the summed time of its runs."""
    started = time.perf_counter()
    report = run_sweep(spec, out, engine=engine, workers=workers)
    wall = time.perf_counter() - started
    assert report.computed == spec.runs, report.line()
    busy = sum(json.loads(p.read_text())["seconds"] for p in (out / "runs").glob("run-*.json"))
    return wall, busy


def startup(engine: str, workers: int, root: Path) -> float:
    """Seconds until the workers are ready: a sweep of one-step runs, one per worker."""
    base = dict(load_scenario("baseline").config)
    tiny = SweepSpec("baseline", None, base, 1, 1, workers, factorial([]))
    wall, busy = sweep_time(tiny, engine, workers, root / f"startup-{engine}")
    return max(0.0, wall - busy / workers)


def measure(spec: SweepSpec, engine: str, workers: int, root: Path) -> dict:
    ready = startup(engine, workers, root)
    wall, busy = sweep_time(spec, engine, workers, root / f"{engine}-{workers}")
    ideal = busy / workers  # the runs alone, perfectly shared out
    return {"engine": engine, "workers": workers, "runs": spec.runs, "wall_s": wall,
            "runs_per_s": spec.runs / wall, "mean_run_s": busy / spec.runs, "startup_s": ready,
            "ideal_wall_s": ideal,
            "overhead_ms_per_run": 1000 * (wall - ideal) * workers / spec.runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--run-seconds", type=float, default=1.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    spec = calibrated_spec(args.runs, args.run_seconds)
    with tempfile.TemporaryDirectory() as tmp:
        serial = measure(spec, "serial", 1, Path(tmp))
        parallel = measure(spec, "process", args.workers, Path(tmp))
    speedup = parallel["runs_per_s"] / serial["runs_per_s"]
    print(f"sweep throughput: {args.runs} runs of {spec.steps} steps "
          f"(about {serial['mean_run_s']:.2f} s each), {default_workers()} cores here")
    print(f"{'engine':<10} {'workers':>7} {'wall s':>8} {'runs/s':>8} {'start-up s':>11} "
          f"{'overhead ms/run':>16}")
    for row in (serial, parallel):
        print(f"{row['engine']:<10} {row['workers']:>7} {row['wall_s']:>8.2f} "
              f"{row['runs_per_s']:>8.3f} {row['startup_s']:>11.2f} {row['overhead_ms_per_run']:>16.1f}")
    print(f"speed-up of {args.workers} workers over one: {speedup:.2f}x "
          f"(target at least {TARGET_SPEEDUP}x)")
    worst = max(serial["overhead_ms_per_run"], parallel["overhead_ms_per_run"])
    print(f"overhead per run (wall minus ideal wall, times workers, per run; start-up included): "
          f"at most {worst:.1f} ms (target under {TARGET_OVERHEAD_MS:.0f} ms)")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": platform.platform(), "python": platform.python_version(),
            "steps_per_run": spec.steps, "results": [serial, parallel], "speedup": speedup,
        }, indent=2) + "\n")


if __name__ == "__main__":
    main()
