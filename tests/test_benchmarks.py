"""The benchmark suite runs and writes the figures it promises.

A smoke run only (``benchmarks/suite.py --quick``: no 1,000,000 agents, no
Mesa run at 100 x 100, short timings, a tiny sweep). It checks the JSON's shape
and that each measured figure is a positive number; it never checks a
timing against a target (timings on a shared machine drift).
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parent.parent / "benchmarks" / "suite.py"


def positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run([sys.executable, str(SUITE), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text())


def test_like_for_like_times_both_models_on_the_same_grid(quick):
    _, data = quick
    rows = {row["grid"]: row for row in data["like_for_like"]}
    assert set(rows) == {"40x40", "100x100"}
    small = rows["40x40"]
    for who in ("ours", "mesa"):
        r = small[who]
        assert r["grid"] == "40x40"
        assert all(positive(r[k]) for k in ("agents", "citizens", "cops", "ms_per_step", "agent_steps_per_s"))
        assert r["agents"] == r["citizens"] + r["cops"]
    # same densities: populations within a few percent of each other
    assert abs(small["ours"]["agents"] - small["mesa"]["agents"]) < 0.1 * small["mesa"]["agents"]
    assert positive(small["ratio"])
    assert positive(rows["100x100"]["ours"]["agent_steps_per_s"])


def test_scaling_rows_have_time_and_memory(quick):
    _, data = quick
    rows = data["scaling"]
    assert [r["agents"] for r in rows] == [10_000, 100_000]
    for r in rows:
        for key in ("ms_per_step", "agent_steps_per_s", "ratio_to_10k", "peak_bytes_per_agent"):
            assert positive(r[key]), (key, r)


def test_sweep_throughput_on_one_and_two_workers(quick):
    _, data = quick
    sweep = data["sweep"]
    assert sweep["serial"]["workers"] == 1 and sweep["parallel"]["workers"] == 2
    assert all(positive(sweep[k]) for k in ("runs_per_s_1", "runs_per_s_2", "speedup"))


def test_targets_are_reported_with_their_limits(quick):
    stdout, data = quick
    targets = data["targets"]
    assert set(targets) == {"mesa_ratio_100", "mesa_ratio_40", "step_10k_ms", "step_ratio_1m", "agent_steps_1m",
                            "bytes_per_agent_1m", "sweep_speedup", "sweep_overhead_ms", "scale_overhead_ms",
                            "scale_driver_growth", "scale_resumed_share", "scale_same_bytes",
                            "twin_solve_ms", "twin_scan_s"}
    # measured even in the smoke run: the Mesa ratio at 40 x 40, the 10,000-agent step, the sweep at scale
    for name in ("mesa_ratio_40", "step_10k_ms", "scale_overhead_ms", "scale_driver_growth",
                 "scale_resumed_share", "scale_same_bytes"):
        assert positive(targets[name]["value"]), name
    assert targets["scale_same_bytes"]["met"] and targets["scale_resumed_share"]["met"]
    for t in targets.values():
        assert positive(t["limit"]) and t["kind"] in ("min", "max")
        assert t["met"] is None if t["value"] is None else isinstance(t["met"], bool)
    assert "ours/Mesa" in stdout and "twin" in stdout
    twin = data["twin"]
    assert positive(twin["bifurcation_scan_200_s"]) if twin["available"] else twin["reason"]


def test_the_classroom_load_script_drives_real_pages_and_sees_every_move():
    # a smoke run (3 students, 4 s): the figures are printed, never checked against a target;
    # what is checked is that every lever change reached the instructor's page and that
    # the students who stayed kept getting steps after one left
    script = SUITE.parent / "classroom_load.py"
    done = subprocess.run([sys.executable, str(script), "--students", "3", "--seconds", "4", "--pace", "4"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    seen, moves = map(int, re.search(r"\((\d+) of (\d+) moves seen", out).groups())
    assert moves >= 4 and seen == moves, out
    assert re.search(r"p50 \d+ ms, p90 \d+ ms", out) and re.search(r"peak memory \d+ MiB", out), out
    steps = int(re.search(r"\((\d+) steps in", out).group(1))
    assert steps >= 4, out
    assert "each of the 2 who stayed got at least 3 more steps" in out, out


def test_the_step_profile_names_where_the_time_goes():
    """A smoke run of benchmarks/profile_step.py: the society's step is among the costliest
    functions, and the shares it prints are of the profiled step."""
    script = SUITE.parent / "profile_step.py"
    done = subprocess.run([sys.executable, str(script), "--side", "40", "--steps", "30", "--top", "8"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("40 x 40: 1,120 citizens") and "ms a step unprofiled" in lines[0]
    rows = lines[2:]
    assert len(rows) == 8 and any("agents.py" in row for row in rows)
    shares = [float(row.split()[-1].rstrip("%")) for row in rows]
    assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 100.0


def test_the_step_profile_times_each_mechanism_on_both_paths():
    script = SUITE.parent / "profile_step.py"
    done = subprocess.run([sys.executable, str(script), "--side", "40", "--steps", "20", "--paths"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = {line[:24].strip(): line[24:].split() for line in done.stdout.splitlines()[2:]}
    assert {"need and trust", "patrols", "contagion rounds", "movement", "whole step"} <= set(rows)
    numpy_us, kernels_us, saved = map(float, rows["whole step"])
    assert numpy_us > 0 and kernels_us > 0 and saved == pytest.approx(numpy_us - kernels_us, abs=0.11)


def test_the_sweep_at_scale_script_kills_resumes_and_compares_engines(tmp_path):
    """A smoke run of benchmarks/sweep_scale.py: its resume reuses every run on disk at the kill,
    and the two engines write the same bytes (the figures at scale are for the full run)."""
    script = SUITE.parent / "sweep_scale.py"
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(script), "--runs", "24", "--agents", "300", "--steps", "10",
                           "--dask-runs", "8", "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert figures["scale"]["runs"] == 24 and figures["scale"]["runs_per_s"] > 0
    resumed = figures["resume"]
    assert resumed["status"] == 0 and resumed["total"] == 24
    assert resumed["reused"] == resumed["on_disk_at_kill"] >= 12
    assert resumed["reused"] + resumed["computed"] == 24
    assert figures["engines"]["same_bytes"]
    assert "overhead per run" in done.stdout and "driver's resident memory" in done.stdout
