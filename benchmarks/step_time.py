"""Step time of the full model: the baseline scenario, all four self-* loops on.

Builds ``GovernanceModel.from_scenario("baseline")`` at several population sizes,
warms it up, then times whole ``model.step()`` calls with
``time.perf_counter``: each repeat times ``--steps`` consecutive steps, and
the table gives the median and the best repeat in ms per step.

Targets (issue): at most 2 ms per step at 10,000 agents, and a 100,000-agent
step at most 12 times the 10,000-agent step (linear scaling). Later: at most
100 ms per step and 250 bytes per agent of peak memory at 1,000,000 agents
(``--memory`` measures that, in a separate pass, with ``tracemalloc``).

This script prints figures; it never asserts them (timings on a shared
machine are noisy).

Usage::

    python benchmarks/step_time.py [--agents 10000 100000] [--steps N]
                                   [--repeat R] [--memory] [--json PATH]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from simulator import GovernanceModel

TARGET_10K_MS = 2.0
TARGET_RATIO = 12.0
TARGET_1M_MS = 100.0
TARGET_BYTES_PER_AGENT = 250.0
WARMUP = 20


def build(agents: int) -> GovernanceModel:
    return GovernanceModel.from_scenario("baseline", overrides={"society.agents": agents}, steps=None)


def time_model(model: GovernanceModel, steps: int, repeat: int, warmup: int = WARMUP) -> list[float]:
    """Seconds per step of each of ``repeat`` runs of ``steps`` steps of ``model``."""
    for _ in range(warmup):
        model.step()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        timings.append((time.perf_counter() - start) / steps)
    return timings


def time_steps(agents: int, steps: int, repeat: int, warmup: int = WARMUP) -> list[float]:
    """Milliseconds per step of each of ``repeat`` runs of ``steps`` steps."""
    return [1000.0 * t for t in time_model(build(agents), steps, repeat, warmup)]


def peak_memory(agents: int, steps: int) -> dict[str, float]:
    """Peak traced allocation (bytes) while building the model and stepping it.

    A small model is stepped first, so that the compiled kernels are loaded;
    that warm-up is traced on its own (``kernel_bytes``: a fixed cost of a
    process, whatever the number of agents) and left out of the peak.
    """
    gc.collect()
    tracemalloc.start()
    warm = build(100)
    warm.step()
    kernel_bytes = tracemalloc.get_traced_memory()[1]
    del warm
    tracemalloc.stop()
    gc.collect()
    tracemalloc.start()
    model = build(agents)
    built, _ = tracemalloc.get_traced_memory()
    for _ in range(steps):
        model.step()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del model
    return {"built_bytes": built, "peak_bytes": peak, "peak_bytes_per_agent": peak / agents,
            "kernel_bytes": kernel_bytes}


def machine() -> dict[str, object]:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def write_json(path: str, data: dict) -> None:
    """Write ``data`` atomically: a temporary file in the same folder, then rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".step_time.", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a results file is not
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[10_000, 100_000],
                        help="population sizes to time (default: 10000 100000)")
    parser.add_argument("--steps", type=int, default=None,
                        help="steps per timed repeat (default: 2 million agent-steps, 3 to 200 steps)")
    parser.add_argument("--repeat", type=int, default=7, help="timed repeats per size")
    parser.add_argument("--memory", action="store_true",
                        help="also measure peak traced memory per agent (separate, slower pass)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    info = machine()
    print("machine: {platform}; {processor}; {cpus} CPUs; python {python}; numpy {numpy}".format(**info))
    rows = []
    for n in args.agents:
        steps = args.steps or max(3, min(200, int(2_000_000 / n)))
        timings = time_steps(n, steps, args.repeat)
        row = {"agents": n, "steps": steps, "repeat": args.repeat,
               "median_ms": statistics.median(timings), "min_ms": min(timings),
               "timings_ms": timings}
        row["agent_steps_per_s"] = n / (row["median_ms"] / 1000.0)
        if args.memory:
            row.update(peak_memory(n, steps=5))
        rows.append(row)

    base = next((r for r in rows if r["agents"] == 10_000), None)
    header = f"{'agents':>10} {'ms/step med':>12} {'ms/step min':>12} {'agent-steps/s':>14} {'ratio to 10k':>13}"
    if args.memory:
        header += f" {'peak B/agent':>13}"
    print(header)
    for r in rows:
        ratio = r["median_ms"] / base["median_ms"] if base else float("nan")
        r["ratio_to_10k"] = ratio
        line = (f"{r['agents']:>10,} {r['median_ms']:>12.3f} {r['min_ms']:>12.3f} "
                f"{r['agent_steps_per_s']:>14.3g} {ratio:>13.2f}")
        if args.memory:
            line += f" {r['peak_bytes_per_agent']:>13.0f}"
        print(line)

    # each target: (what is measured, limit, value)
    checks = {}
    if base:
        checks["10k ms/step <= 2"] = (base["median_ms"], TARGET_10K_MS)
    big = next((r for r in rows if r["agents"] == 100_000), None)
    if base and big:
        checks["100k/10k <= 12"] = (big["ratio_to_10k"], TARGET_RATIO)
    huge = next((r for r in rows if r["agents"] == 1_000_000), None)
    if huge:
        checks["1M ms/step <= 100"] = (huge["median_ms"], TARGET_1M_MS)
        if args.memory:
            checks["1M peak bytes/agent <= 250"] = (huge["peak_bytes_per_agent"], TARGET_BYTES_PER_AGENT)
    targets = {name: value <= limit for name, (value, limit) in checks.items()}
    for name, (value, limit) in checks.items():
        print(f"target {name}: {value:.3g} -> {'met' if value <= limit else 'NOT met'}")

    if args.json:
        write_json(args.json, {"machine": info, "rows": rows, "targets": targets})
    return 0


if __name__ == "__main__":
    sys.exit(main())
