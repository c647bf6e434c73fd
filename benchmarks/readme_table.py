"""Write the README's Performance figures from ``benchmarks/results.json``.

The README states no timing by hand: the part of its Performance section
between the ``performance: begin`` and ``performance: end`` markers is what
:func:`render` makes of the suite's last full run, and
``tests/test_stated_numbers.py`` checks that it still is. After
``python benchmarks/suite.py`` (which calls this), or on its own::

    python benchmarks/readme_table.py [--results PATH] [--check]

``--check`` changes nothing and exits 1 when the README differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
RESULTS = HERE / "results.json"
BEGIN = "<!-- performance: begin (written by benchmarks/readme_table.py from benchmarks/results.json) -->"
END = "<!-- performance: end -->"
SECTION = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)

#: What each target of the suite asks, in the README's words.
TARGET_WORDS = {
    "mesa_ratio_100": "≥ 1,000× Mesa's agent-steps/s at 100 × 100 (issue 18)",
    "mesa_ratio_40": "≥ 500× Mesa's agent-steps/s at 40 × 40 (issue 18)",
    "step_10k_ms": "the full model's 10,000-agent step ≤ 0.5 ms (issue 18)",
    "step_ratio_1m": "1,000,000-agent step ≤ 100× the 10,000-agent step: linear (issue 18)",
    "agent_steps_1m": "≥ 3 × 10⁷ agent-steps/s at 1,000,000 agents (issue 18)",
    "bytes_per_agent_1m": "peak memory ≤ 150 bytes per agent at 1,000,000 (issue 18)",
    "sweep_speedup": "2 workers ≥ 1.8× one worker (issue 4)",
    "sweep_overhead_ms": "engine + I/O overhead < 50 ms per run of 1 s on 2 workers (issue 4)",
    "scale_overhead_ms": "10,000 short runs: overhead < 5 ms per run (issue 18)",
    "scale_driver_growth": "10,000 short runs: the driver's peak memory ≤ 1.25× its memory after a tenth (issue 18)",
    "scale_resumed_share": "kill -9 at half, then --resume: every finished run reused (issue 18)",
    "scale_same_bytes": "Dask's results.csv = the process engine's, byte for byte (issue 18)",
    "twin_solve_ms": "twin: 1,000 steps < 50 ms (issue 5)",
    "twin_scan_s": "twin: 200-point scan < 5 s (issue 5)",
}
TARGET_FORMAT = {"mesa_ratio_100": "{:.0f}×", "mesa_ratio_40": "{:.0f}×", "step_10k_ms": "{:.2f} ms",
                 "step_ratio_1m": "{:.0f}×", "bytes_per_agent_1m": "{:.0f}",
                 "sweep_speedup": "{:.2f}×", "sweep_overhead_ms": "{:.0f} ms", "scale_overhead_ms": "{:.1f} ms",
                 "scale_driver_growth": "{:.2f}×", "scale_resumed_share": "{:.0%}",
                 "scale_same_bytes": "{:.0f}", "twin_solve_ms": "{:.0f} ms", "twin_scan_s": "{:.1f} s"}


def _target(name: str, value: float) -> str:
    if name == "scale_same_bytes":
        return "the same" if value else "different"
    return sci(value) if name == "agent_steps_1m" else TARGET_FORMAT[name].format(value)


def sci(x: float) -> str:
    """``2.8 × 10⁶``: two significant figures, as a projector can read them."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(str.maketrans('0123456789-', '⁰¹²³⁴⁵⁶⁷⁸⁹⁻'))}"


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.0f}"


def render(result: dict) -> str:
    """The Performance figures of one full suite run, as Markdown between the markers."""
    m = result["machine"]
    out = [BEGIN, "",
           f"Measured by `python benchmarks/suite.py` in {result['seconds']:.0f} s on this project's "
           f"{m['cpus']}-core machine ({m['processor']}, Python {m['python']}, numpy {m['numpy']}, "
           f"Mesa {m['mesa']}):", "",
           "| grid | model | agents | ms per step | agent-steps per second | ours / Mesa |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    for row in result["like_for_like"]:
        for who, name in (("ours", "govsim"), ("mesa", "Mesa")):
            r = row[who]
            if r is not None:
                ratio = f"{row['ratio']:.0f}×" if who == "ours" and row["ratio"] else ""
                grid = row["grid"].replace("x", " × ")
                out.append(f"| {grid} | {name} | {r['agents']:,} | {_ms(r['ms_per_step'])} | "
                           f"{sci(r['agent_steps_per_s'])} | {ratio} |")
    tries = [f"{row['grid'].replace('x', ' × ')}: " + ", ".join(f"{x:.0f}×" for x in row["ratios"])
             for row in result["like_for_like"] if row.get("ratios")]
    if tries:
        out += ["", "Each grid was timed three times with fresh models (Mesa: 10 steps after a warm-up step); "
                "the table shows the repetition with the median ratio. The three ratios: " + "; ".join(tries) + "."]
    out += ["", "Scaling of the full model (baseline scenario, all four self-\\* loops on):", "",
            "| agents | ms per step (median) | agent-steps per second | ratio to 10,000 | peak bytes per agent |",
            "| ---: | ---: | ---: | ---: | ---: |"]
    for r in result["scaling"]:
        out.append(f"| {r['agents']:,} | {_ms(r['ms_per_step'])} | {sci(r['agent_steps_per_s'])} | "
                   f"{r['ratio_to_10k']:.1f} | {r['peak_bytes_per_agent']:.0f} |")
    s = result["sweep"]
    if s:
        out += ["", f"Sweep throughput ({s['runs']} baseline runs of about {s['serial']['mean_run_s']:.2f} s): "
                f"{s['runs_per_s_1']:.2f} runs/s on one worker, {s['runs_per_s_2']:.2f} on two "
                f"({s['speedup']:.2f}×). Overhead per run: {s['serial']['overhead_ms_per_run']:.1f} ms on one "
                f"worker, {s['parallel']['overhead_ms_per_run']:.0f} ms on two, most of it the workers' "
                f"start-up ({s['parallel']['startup_s']:.1f} s, overlapping the first runs)."]
    sc = result.get("scale")
    if sc:
        th, r, e = sc["throughput"], sc["resume"], sc["engines"]
        out += ["", f"Sweeps at scale ({sc['runs']:,} baseline runs of {sc['agents']:,} agents × {sc['steps']} steps "
                f"through `govsim sweep` on {sc['workers']} workers): {th['runs_per_s']:.1f} runs/s, overhead "
                f"{th['overhead_ms_per_run']:.1f} ms per run; the driver held {th['driver_rss_early_mb']:.0f} MiB "
                f"after a tenth of the runs, {th['driver_rss_late_mb']:.0f} MiB after nine tenths and "
                f"{th['driver_rss_peak_mb']:.0f} MiB at its peak. Killed with SIGKILL with "
                f"{r['on_disk_at_kill']:,} runs on disk, `--resume` reused {r['reused']:,}. On Dask's "
                f"LocalCluster, {e['runs']} runs gave "
                + ("the same results.csv as the process engine, byte for byte." if e["same_bytes"]
                   else "a results.csv that DIFFERS from the process engine's.")]
    tw = result["twin"]
    if tw.get("available"):
        raw = tw["raw"]
        out += ["", f"Twin: 1,000 steps of the baseline in {raw['solve_1000_steps_ms']:.0f} ms; a 200-point "
                f"bifurcation scan in {raw['bifurcation_scan_200_s']:.1f} s"
                + (f" ({raw['bifurcation_scan_200_tipping_s']:.1f} s where two stable branches and the saddle "
                   "between them are followed)" if "bifurcation_scan_200_tipping_s" in raw else "")
                + f"; the pure loop's scan in {1000 * raw['bifurcation_scan_200_delayed_feedback_s']:.0f} ms."]
    out += ["", "| target | measured | |", "| --- | ---: | --- |"]
    for name, c in result["targets"].items():
        if c["value"] is not None:
            verdict = "met" if c["met"] else "**not met**"
            out.append(f"| {TARGET_WORDS[name]} | {_target(name, c['value'])} | {verdict} |")
    return "\n".join([*out, "", END])


def section(readme: str) -> str | None:
    """The generated part of ``readme``, or None if the markers are missing."""
    found = SECTION.search(readme)
    return found.group(0) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--check", action="store_true", help="exit 1 if the README differs; change nothing")
    args = parser.parse_args(argv)
    result = json.loads(args.results.read_text())
    if result.get("quick"):
        print(f"{args.results} is a --quick smoke run; the README states only full runs", file=sys.stderr)
        return 2
    readme = README.read_text()
    if section(readme) is None:
        print(f"README.md has no {BEGIN!r} ... {END!r} markers", file=sys.stderr)
        return 2
    wanted = SECTION.sub(lambda _: render(result), readme)
    if args.check:
        return int(wanted != readme)
    fd, tmp = tempfile.mkstemp(prefix=".README.", dir=README.parent)
    with os.fdopen(fd, "w") as f:
        f.write(wanted)
    os.chmod(tmp, 0o644)
    os.replace(tmp, README)
    print(f"wrote the Performance figures of {args.results} into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
