"""Speed of the system-dynamics twin: one solve, and 200-point bifurcation scans.

Targets (issue 5): 1,000 time units solved in under 50 ms; a 200-point
bifurcation scan in under 5 s. Prints figures (median of repeats) and
never asserts them: timings on a shared machine drift.

Usage::

    python benchmarks/twin_speed.py [--repeat R] [--quick] [--json PATH]

``--quick`` (the suite's smoke run) times each figure once and leaves out
the two-branch scan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np

from simulator.scenario import load_scenario
from simulator.twin.equilibria import scan
from simulator.twin.solve import make_twin, simulate


def _timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(repeat: int = 5, quick: bool = False) -> dict[str, float]:
    baseline = load_scenario("baseline").config
    twin = make_twin(baseline)
    pure = dict(load_scenario("delayed_feedback").config)
    tipping = dict(baseline)
    tipping["society.contagion"] = 5.0
    repeat = 1 if quick else repeat
    figures = {
        "solve_1000_steps_ms": 1000 * _timed(lambda: simulate(twin, 1000), repeat),
        "bifurcation_scan_200_s": _timed(
            lambda: scan(dict(baseline), "plan.soft_share", np.linspace(0, 1, 200)), 1),
        "bifurcation_scan_200_delayed_feedback_s": _timed(
            lambda: scan(pure, "plan.gain", np.linspace(0.05, 3, 200)), repeat),
    }
    if not quick:
        figures["bifurcation_scan_200_tipping_s"] = _timed(
            lambda: scan(tipping, "plan.soft_share", np.linspace(0, 1, 200)), 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="each figure once, without the two-branch scan")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    figures = measure(args.repeat, args.quick)
    rows = [("twin: 1,000 steps of baseline (target < 50 ms)", f"{figures['solve_1000_steps_ms']:.1f} ms"),
            ("200-point scan, baseline over plan.soft_share (target < 5 s)",
             f"{figures['bifurcation_scan_200_s']:.2f} s"),
            ("200-point scan, baseline + contagion 5 (two branches)",
             f"{figures['bifurcation_scan_200_tipping_s']:.2f} s" if "bifurcation_scan_200_tipping_s" in figures
             else "not timed (--quick)"),
            ("200-point scan, delayed_feedback over plan.gain",
             f"{figures['bifurcation_scan_200_delayed_feedback_s']:.3f} s")]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.json:
        folder = os.path.dirname(os.path.abspath(args.json))
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as f:
            json.dump(figures, f, indent=2)
        os.replace(f.name, args.json)


if __name__ == "__main__":
    main()
