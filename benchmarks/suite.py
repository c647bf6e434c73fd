"""The benchmark suite of issues 7 and 18: one command, one table, one JSON file.

Five parts, each printed next to its target with met / NOT met:

* **like for like** — this project's ``epstein_civil_violence`` scenario and
  Mesa's own ``mesa.examples.advanced.epstein_civil_violence`` on the same
  grids (40 x 40 and 100 x 100), densities (citizens 0.7, cops 0.074),
  vision (7, von Neumann), legitimacy (0.82) and longest jail term (30),
  timed in the same run. Agents counted the same way for both: citizens
  plus cops (our patrols). Three repetitions with fresh models; in each,
  Mesa gets one warm-up step and 10 timed ones, ours 20 warm-up steps and
  200 timed ones; the table shows the repetition with the median ratio;
* **scaling** — the full model (baseline scenario, all four self-* loops on)
  at 10,000, 100,000 and 1,000,000 agents, timed with
  ``benchmarks/step_time.py``; peak memory per agent with ``tracemalloc`` in
  a subprocess per size, so the timing pass is not traced;
* **sweep throughput** — runs per second of the serial engine and of the
  process engine with 2 workers (``benchmarks/sweep_throughput.py``);
* **sweeps at scale** — ``benchmarks/sweep_scale.py``'s 10,000 short runs
  through ``govsim sweep`` on 2 workers (runs per second, overhead per run,
  the driver's memory), a kill -9 at half and ``--resume``, and Dask's
  LocalCluster against the process engine, byte for byte;
* **twin** — the time of a 200-point bifurcation scan, from
  ``benchmarks/twin_speed.py --json`` when that script exists.

The script prints figures and never asserts them: timings on a shared
machine drift, so run it more than once. A full run takes about 15 minutes.

Usage::

    python benchmarks/suite.py [--json PATH] [--quick] [--no-sweep] [--no-scale] [--no-twin]

``--quick`` is a smoke run of a few seconds (no 1,000,000-agent size, no
Mesa run at 100 x 100, short timings, 40 runs for the sweep at scale); its
figures are not the measurements.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# measure the working tree, whatever copy of the package is installed
for folder in (str(HERE), str(ROOT)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import readme_table  # noqa: E402  (benchmarks/readme_table.py)
import step_time  # noqa: E402  (benchmarks/step_time.py)
import sweep_scale  # noqa: E402  (benchmarks/sweep_scale.py)
import sweep_throughput  # noqa: E402  (benchmarks/sweep_throughput.py)

from simulator import GovernanceModel  # noqa: E402

#: (name, limit, "min" if the figure must reach the limit, "max" if it must not exceed it)
TARGETS = {
    "mesa_ratio_100": (1000.0, "min"),      # ours / Mesa agent-steps per second at 100 x 100 (issue 18)
    "mesa_ratio_40": (500.0, "min"),        # the same at 40 x 40 (issue 18)
    "step_10k_ms": (0.5, "max"),            # the full model's 10,000-agent step (issue 18)
    "step_ratio_1m": (100.0, "max"),        # 1,000,000-agent step / 10,000-agent step: linear (issue 18)
    "agent_steps_1m": (3e7, "min"),         # agent-steps per second at 1,000,000 agents (issue 18)
    "bytes_per_agent_1m": (150.0, "max"),   # peak traced bytes per agent at 1,000,000 (issue 18)
    "sweep_speedup": (1.8, "min"),          # 2 workers over 1
    "sweep_overhead_ms": (50.0, "max"),     # engine + I/O per run on 2 workers, runs of 1 s (issue 4)
    "scale_overhead_ms": (5.0, "max"),      # per run in a sweep of 10,000 short runs (issue 18)
    "scale_driver_growth": (1.25, "max"),   # the driver's peak memory / its memory after a tenth (issue 18)
    "scale_resumed_share": (1.0, "min"),    # runs reused after kill -9 / runs on disk at the kill (issue 18)
    "scale_same_bytes": (1.0, "min"),       # 1 when Dask's results.csv is the process engine's (issue 18)
    "twin_solve_ms": (50.0, "max"),         # 1,000 steps of the baseline's twin (issue 5)
    "twin_scan_s": (5.0, "max"),            # a 200-point bifurcation scan (issue 5)
}
DEFAULT_JSON = HERE / "results.json"
CITIZEN_DENSITY, COP_DENSITY, VISION, LEGITIMACY, JAIL = 0.7, 0.074, 7, 0.82, 30


# -- like for like -----------------------------------------------------------------
def epstein_model(side: int) -> GovernanceModel:
    """Our epstein_civil_violence scenario on a side x side grid, set as Mesa's example."""
    citizens = round(CITIZEN_DENSITY * side * side)
    model = GovernanceModel.from_scenario("epstein_civil_violence", steps=None,
                            overrides={"society.agents": citizens, "society.density": CITIZEN_DENSITY,
                                       "society.enforcement": COP_DENSITY, "society.vision": VISION,
                                       "society.trust": LEGITIMACY, "society.removal_term": JAIL})
    assert model.grid.side == side, (model.grid.side, side)
    return model


def ours_epstein(side: int, steps: int, repeat: int, warmup: int = 20) -> dict:
    """Our epstein_civil_violence scenario on a side x side grid."""
    citizens = round(CITIZEN_DENSITY * side * side)
    model = epstein_model(side)
    timings = step_time.time_model(model, steps, repeat, warmup)
    cops = int(model.society.patrols.positions.size)
    return _rate("ours", side, citizens, cops, steps * repeat, timings)


def mesa_epstein(side: int, steps: int, warmup: int = 1) -> dict:
    """Mesa's own example model with the same parameters."""
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen, Cop
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(width=side, height=side, citizen_density=CITIZEN_DENSITY,
                                 cop_density=COP_DENSITY, citizen_vision=VISION, cop_vision=VISION,
                                 legitimacy=LEGITIMACY, max_jail_term=JAIL, seed=2002)
    for _ in range(warmup):
        model.step()
    timings = []
    for _ in range(steps):  # one timing per step: a Mesa step is long enough
        start = time.perf_counter()
        model.step()
        timings.append(time.perf_counter() - start)
    citizens, cops = len(model.agents_by_type[Citizen]), len(model.agents_by_type[Cop])
    return _rate("mesa", side, citizens, cops, steps, timings)


def _rate(who: str, side: int, citizens: int, cops: int, steps: int, timings: list[float]) -> dict:
    per_step = statistics.median(timings)
    agents = citizens + cops
    return {"model": who, "grid": f"{side}x{side}", "citizens": citizens, "cops": cops,
            "agents": agents, "timed_steps": steps, "ms_per_step": 1000 * per_step,
            "agent_steps_per_s": agents / per_step}


def like_for_like(sides: list[int], mesa_sides: list[int], quick: bool, repeats: int = 3) -> list[dict]:
    """Each grid ``repeats`` times, ours then Mesa's, fresh models each time; the median ratio.

    Mesa gets one warm-up step and at least 10 timed ones (issue 18); ours 20
    warm-up steps and 200 timed ones per repetition.
    """
    rows = []
    for side in sides:
        tries = []
        for _ in range(1 if quick else repeats):
            ours = ours_epstein(side, steps=20 if quick else 200, repeat=1)
            mesa = mesa_epstein(side, steps=2 if quick else 10) if side in mesa_sides else None
            ratio = ours["agent_steps_per_s"] / mesa["agent_steps_per_s"] if mesa else None
            tries.append({"ours": ours, "mesa": mesa, "ratio": ratio})
        # the repetition with the median ratio (or our median step time, without Mesa)
        key = (lambda t: t["ratio"]) if side in mesa_sides else (lambda t: t["ours"]["ms_per_step"])
        middle = sorted(tries, key=key)[len(tries) // 2]
        rows.append({"grid": middle["ours"]["grid"], **middle,
                     "ratios": [t["ratio"] for t in tries if t["ratio"] is not None]})
    return rows


# -- scaling -----------------------------------------------------------------------
def peak_memory_subprocess(agents: int, steps: int = 5) -> dict:
    """step_time.peak_memory in a fresh interpreter (nothing else traced or resident)."""
    code = ("import json, sys, step_time; "
            f"print(json.dumps(step_time.peak_memory({agents}, steps={steps})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=HERE, env={**os.environ, "PYTHONPATH": os.pathsep.join((str(HERE), str(ROOT)))})
    return json.loads(out.stdout.strip().splitlines()[-1])


def scaling(sizes: list[int], quick: bool) -> list[dict]:
    rows = []
    for n in sizes:
        steps = max(3, min(200, int((200_000 if quick else 2_000_000) / n)))
        timings = step_time.time_steps(n, steps, repeat=2 if quick else 7, warmup=3 if quick else 20)
        median = statistics.median(timings)
        row = {"agents": n, "steps": steps, "ms_per_step": median, "min_ms": min(timings),
               "agent_steps_per_s": n / (median / 1000.0)}
        row.update(peak_memory_subprocess(n, steps=2 if quick else 5))
        rows.append(row)
    base = next((r for r in rows if r["agents"] == 10_000), rows[0])
    for r in rows:
        r["ratio_to_10k"] = r["ms_per_step"] / base["ms_per_step"]
    return rows


# -- sweep throughput --------------------------------------------------------------
def sweep(quick: bool, workers: int = 2) -> dict:
    runs, seconds = (4, 0.1) if quick else (40, 1.0)  # as sweep_throughput.py
    spec = sweep_throughput.calibrated_spec(runs, seconds)
    with tempfile.TemporaryDirectory() as tmp:
        serial = sweep_throughput.measure(spec, "serial", 1, Path(tmp))
        parallel = sweep_throughput.measure(spec, "process", workers, Path(tmp))
    return {"runs": runs, "steps_per_run": spec.steps, "serial": serial, "parallel": parallel,
            "runs_per_s_1": serial["runs_per_s"], "runs_per_s_2": parallel["runs_per_s"],
            "speedup": parallel["runs_per_s"] / serial["runs_per_s"]}


# -- sweeps at scale ------------------------------------------------------------------
def scale(quick: bool, workers: int = 2) -> dict:
    """sweep_scale.py's three checks: 10,000 short runs, kill -9 and --resume, Dask against processes."""
    runs, dask_runs = (40, 8) if quick else (10_000, 200)
    size = (2_000, 50, workers)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        result = {"throughput": sweep_scale.throughput(root, runs, *size),
                  "resume": sweep_scale.kill_and_resume(root, runs, *size),
                  "engines": sweep_scale.engines(root, dask_runs, *size)}
    result.update(runs=runs, agents=size[0], steps=size[1], workers=workers)
    return result


# -- twin --------------------------------------------------------------------------
def twin(quick: bool = False, timeout: float = 600.0) -> dict:
    script = HERE / "twin_speed.py"
    if not script.is_file():
        return {"available": False, "reason": "benchmarks/twin_speed.py not found"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "twin.json"
        try:
            done = subprocess.run([sys.executable, str(script), "--json", str(out),
                                   *(["--quick"] if quick else [])], cwd=ROOT,
                                  capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
        except subprocess.TimeoutExpired:
            return {"available": False, "reason": f"twin_speed.py took over {timeout:.0f} s"}
        if done.returncode != 0 or not out.is_file():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"available": False, "reason": f"twin_speed.py failed: {last}"}
        data = json.loads(out.read_text())
    value = data.get("bifurcation_scan_200_s")
    if not isinstance(value, (int, float)):
        return {"available": False, "reason": "no bifurcation_scan_200_s in twin_speed.py's JSON"}
    return {"available": True, "bifurcation_scan_200_s": float(value), "raw": data}


# -- report ------------------------------------------------------------------------
def check(name: str, value: float | None) -> dict:
    limit, kind = TARGETS[name]
    if value is None:
        return {"value": None, "limit": limit, "kind": kind, "met": None}
    met = value >= limit if kind == "min" else value <= limit
    return {"value": value, "limit": limit, "kind": kind, "met": bool(met)}


def targets(result: dict) -> dict:
    """Each target of TARGETS checked against the measured parts of ``result``."""
    ratio = {r["grid"]: r["ratio"] for r in result["like_for_like"]}
    by_size = {r["agents"]: r for r in result["scaling"]}
    huge, small = by_size.get(1_000_000), by_size.get(10_000)
    sweep, tw, sc = result["sweep"], result["twin"].get("raw", {}), result.get("scale")
    growth = resumed = same = overhead = None
    if sc:
        t, r = sc["throughput"], sc["resume"]
        overhead = t["overhead_ms_per_run"]
        growth = t["driver_rss_peak_mb"] / t["driver_rss_early_mb"]
        resumed = r["reused"] / r["on_disk_at_kill"] if r["on_disk_at_kill"] else None
        same = float(sc["engines"]["same_bytes"])
    measured = {
        "mesa_ratio_100": ratio.get("100x100"), "mesa_ratio_40": ratio.get("40x40"),
        "step_10k_ms": small and small["ms_per_step"],
        "step_ratio_1m": huge and huge["ratio_to_10k"],
        "agent_steps_1m": huge and huge["agent_steps_per_s"],
        "bytes_per_agent_1m": huge and huge["peak_bytes_per_agent"],
        "sweep_speedup": sweep and sweep["speedup"],
        "sweep_overhead_ms": sweep and sweep["parallel"]["overhead_ms_per_run"],
        "scale_overhead_ms": overhead, "scale_driver_growth": growth,
        "scale_resumed_share": resumed, "scale_same_bytes": same,
        "twin_solve_ms": tw.get("solve_1000_steps_ms"),
        "twin_scan_s": tw.get("bifurcation_scan_200_s"),
    }
    return {name: check(name, measured[name]) for name in TARGETS}


def verdict(c: dict) -> str:
    if c["met"] is None:
        return "not measured"
    sign = ">=" if c["kind"] == "min" else "<="
    return f"target {sign} {c['limit']:g}: {'met' if c['met'] else 'NOT met'}"


def print_report(result: dict) -> None:
    m, t = result["machine"], result["targets"]
    print(f"machine: {m['platform']}; {m['cpus']} CPUs; python {m['python']}; numpy {m['numpy']}; "
          f"mesa {m['mesa']}" + ("  [--quick: smoke run, not the measurements]" if result["quick"] else ""))
    print("\nlike for like: Epstein civil violence (agents = citizens + cops)")
    print(f"{'grid':>8} {'model':>6} {'agents':>7} {'ms/step':>9} {'agent-steps/s':>14} {'ours/Mesa':>10}")
    for row in result["like_for_like"]:
        for who in ("ours", "mesa"):
            r = row[who]
            if r is None:
                print(f"{row['grid']:>8} {who:>6} {'':>7} {'not run':>9}")
                continue
            ratio = f"{row['ratio']:.0f}x" if who == "ours" and row["ratio"] else ""
            print(f"{row['grid']:>8} {who:>6} {r['agents']:>7,} {r['ms_per_step']:>9.2f} "
                  f"{r['agent_steps_per_s']:>14.3g} {ratio:>10}")
    for row in result["like_for_like"]:
        if row["ratios"]:
            print(f"ours/Mesa at {row['grid']}, each repetition: "
                  + ", ".join(f"{x:.0f}x" for x in row["ratios"]))
    for name, grid in (("mesa_ratio_100", "100x100"), ("mesa_ratio_40", "40x40")):
        print(f"ours/Mesa at {grid} (median): {_fmt(t[name]['value'], '{:.0f}x')}  ({verdict(t[name])})")

    print("\nscaling: baseline scenario, all four self-* loops on")
    print(f"{'agents':>10} {'ms/step':>9} {'agent-steps/s':>14} {'ratio to 10k':>13} {'peak B/agent':>13}")
    for r in result["scaling"]:
        print(f"{r['agents']:>10,} {r['ms_per_step']:>9.2f} {r['agent_steps_per_s']:>14.3g} "
              f"{r['ratio_to_10k']:>13.1f} {r['peak_bytes_per_agent']:>13.0f}")
    print(f"10k step: {_fmt(t['step_10k_ms']['value'], '{:.2f} ms')}  ({verdict(t['step_10k_ms'])})")
    print(f"1M step / 10k step: {_fmt(t['step_ratio_1m']['value'], '{:.1f}')}  ({verdict(t['step_ratio_1m'])})")
    print(f"agent-steps/s at 1M: {_fmt(t['agent_steps_1m']['value'], '{:.3g}')}  ({verdict(t['agent_steps_1m'])})")
    print(f"peak bytes/agent at 1M: {_fmt(t['bytes_per_agent_1m']['value'], '{:.0f}')}  "
          f"({verdict(t['bytes_per_agent_1m'])})")

    print("\nsweep throughput: baseline runs")
    s = result["sweep"]
    if s is None:
        print("not run (--no-sweep)")
    else:
        print(f"{s['runs']} runs of {s['steps_per_run']} steps (about {s['serial']['mean_run_s']:.2f} s each)")
        print(f"1 worker: {s['runs_per_s_1']:.3f} runs/s; 2 workers: {s['runs_per_s_2']:.3f} runs/s; "
              f"speed-up {s['speedup']:.2f}x  ({verdict(t['sweep_speedup'])})")
        print(f"overhead per run (wall minus ideal wall, times workers, per run; start-up included): "
              f"{s['serial']['overhead_ms_per_run']:.1f} ms on 1 worker, "
              f"{s['parallel']['overhead_ms_per_run']:.1f} ms on {s['parallel']['workers']} "
              f"(worker start-up {s['parallel']['startup_s']:.2f} s)")

    print("\nsweeps at scale: 2,000 agents x 50 steps a run, 2 workers")
    sc = result.get("scale")
    if sc is None:
        print("not run (--no-scale)")
    else:
        th, r, e = sc["throughput"], sc["resume"], sc["engines"]
        print(f"{sc['runs']:,} runs: {th['runs_per_s']:.1f} runs/s; overhead per run "
              f"{th['overhead_ms_per_run']:.1f} ms ({verdict(t['scale_overhead_ms'])})")
        print(f"driver's memory: {th['driver_rss_early_mb']:.0f} MiB after a tenth, "
              f"{th['driver_rss_late_mb']:.0f} MiB after nine tenths, peak {th['driver_rss_peak_mb']:.0f} MiB "
              f"({verdict(t['scale_driver_growth'])} as peak / a tenth)")
        print(f"kill -9 with {r['on_disk_at_kill']:,} runs on disk, --resume reused {r['reused']:,} "
              f"({verdict(t['scale_resumed_share'])})")
        print(f"{e['runs']} runs, process engine and Dask: results.csv "
              f"{'the same bytes' if e['same_bytes'] else 'DIFFERENT'} ({verdict(t['scale_same_bytes'])})")

    print("\ntwin: 200-point bifurcation scan")
    tw = result["twin"]
    print(f"{tw['bifurcation_scan_200_s']:.3f} s" if tw.get("available") else f"not available ({tw['reason']})")


def _fmt(value: float | None, spec: str) -> str:
    return "not measured" if value is None else spec.format(value)


def machine() -> dict:
    import mesa
    info = step_time.machine()
    info["mesa"] = mesa.__version__
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", type=Path, default=DEFAULT_JSON,
                        help=f"where to write the figures (default: {DEFAULT_JSON.relative_to(ROOT)})")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: no 1,000,000 agents, no Mesa at 100x100, short timings")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep throughput part")
    parser.add_argument("--no-twin", action="store_true", help="skip the twin part")
    parser.add_argument("--no-scale", action="store_true",
                        help="skip the sweep of 10,000 runs, its kill -9 and the Dask comparison")
    args = parser.parse_args(argv)

    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    mesa_sides = [40] if args.quick else [40, 100]
    started = time.perf_counter()
    result: dict = {"machine": machine(), "quick": args.quick}
    result["like_for_like"] = like_for_like([40, 100], mesa_sides, args.quick)
    result["scaling"] = scaling(sizes, args.quick)
    result["sweep"] = None if args.no_sweep else sweep(args.quick)
    result["scale"] = None if args.no_scale else scale(args.quick)
    result["twin"] = ({"available": False, "reason": "skipped (--no-twin)"} if args.no_twin else twin(args.quick))

    result["targets"] = targets(result)
    result["seconds"] = time.perf_counter() - started
    print_report(result)
    step_time.write_json(str(args.json), result)
    print(f"\nwrote {args.json} ({result['seconds']:.0f} s)")
    if args.json == DEFAULT_JSON and not args.quick:
        return readme_table.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
