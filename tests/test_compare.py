"""Variants side by side: experiment.compare_variants and `govsim compare`."""

import json

import numpy as np
import pandas as pd
import pytest

from simulator import load_scenario
from simulator.cli.main import main
from simulator.experiments.compare import compare_variants, run_once
from simulator.experiments.design import factorial
from simulator.experiments.sweep import SweepSpec
from simulator.experiments.task import execute, seed_sequence
from simulator.viz.figures import compare_figure

SMALL = {"society.agents": 900, "society.districts_per_side": 4}


@pytest.fixture(scope="module")
def comparison():
    sc = load_scenario("delay_oscillation").with_changes(overrides=SMALL, steps=40)
    return compare_variants(sc, 3)


def state(seed: np.random.SeedSequence) -> list[int]:
    return seed.generate_state(4).tolist()


def test_every_variant_runs_on_the_same_seeds(comparison):
    sc = comparison.scenario
    assert list(comparison.series) == list(sc.variants)
    # replicate r: the seed material of a sweep's point 0, replicate r, under the scenario's seed
    assert [state(s) for s in comparison.seeds] == [state(seed_sequence(sc.seed, 0, r)) for r in range(3)]
    assert comparison.spawn_keys == [[0, 0], [0, 1], [0, 2]]
    # a variant's run is exactly the single run of that variant with that seed
    again = run_once(sc.with_variant("long"), comparison.seeds[1])
    pd.testing.assert_frame_equal(comparison.series["long"][1], again, check_exact=True)
    # paired: the variants' first steps differ only by their parameters, not by luck
    first = {v: frames[0]["need"].iloc[1] for v, frames in comparison.series.items()}
    assert len({round(x, 12) for x in first.values()}) == 1


def test_replicate_r_is_the_same_run_in_a_comparison_and_a_sweep():
    sc = load_scenario("baseline").with_changes(overrides=SMALL, steps=15)
    assert not sc.variants  # compared under the name "base"
    compared = compare_variants(sc, 2).series["base"]
    spec = SweepSpec(sc.name, None, dict(sc.config), sc.steps, sc.seed, 2, factorial([]),
                     keep_series=True)
    for r in range(2):
        swept = execute(spec.task(r)).series  # point 0, replicate r
        pd.testing.assert_frame_equal(compared[r], swept, check_exact=True)


@pytest.mark.parametrize(("engine", "workers"), [("process", 2), ("dask", 2)])
def test_every_engine_gives_the_same_comparison(comparison, engine, workers):
    again = compare_variants(comparison.scenario, 3, engine=engine, workers=workers)
    assert list(again.series) == list(comparison.series)
    for variant, frames in comparison.series.items():
        for mine, theirs in zip(frames, again.series[variant], strict=True):
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_metrics_and_table_shapes(comparison):
    m = comparison.metrics()
    assert len(m) == 3 * len(comparison.series)
    table = comparison.table()
    assert table["variant"].tolist() == list(comparison.series)
    long_rows = m[m["variant"] == "long"]
    assert table.set_index("variant").loc["long", "trust_late_mean"] == pytest.approx(long_rows["trust_late"].mean())
    assert table.set_index("variant").loc["long", "trust_late_sd"] == pytest.approx(long_rows["trust_late"].std(ddof=1))


def test_band_brackets_the_mean(comparison):
    band = comparison.band("short", "need")
    stack = np.vstack([f["need"] for f in comparison.series["short"]])
    np.testing.assert_allclose(band["mean"], stack.mean(axis=0))
    assert (band["low"] <= band["mean"] + 1e-12).all() and (band["mean"] <= band["high"] + 1e-12).all()


def test_compare_figure_draws_every_variant_mean(comparison):
    fig = compare_figure(comparison)
    lines = {line.get_gid(): line for ax in fig.axes for line in ax.get_lines()}
    for variant in comparison.series:
        np.testing.assert_allclose(lines[f"{variant}:trust"].get_ydata(),
                                   comparison.band(variant, "trust")["mean"])


def test_cli_compare_writes_table_metrics_and_figure(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ["compare", "delay_oscillation", "--replicates", "2", "--steps", "20", "--out", str(out),
            "--engine", "serial"]
    for key, value in SMALL.items():
        args += ["--set", f"{key}={value}"]
    assert main(args) == 0
    table = pd.read_csv(out / "table.csv")
    assert table["variant"].tolist() == ["short", "medium", "long"]
    metrics = pd.read_csv(out / "metrics.csv")
    assert len(metrics) == 6 and metrics["replicate"].tolist() == [0, 1] * 3
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 7 and summary["replicates"] == 2
    assert summary["spawn_keys"] == [[0, 0], [0, 1]]
    assert summary["variant_changes"]["long"]["monitor.delay"] == 10
    assert summary["command"][:2] == ["govsim", "compare"] and summary["started"] and summary["finished"]
    assert summary["govsim_version"] and summary["python"] and summary["parameters"]
    printed = capsys.readouterr().out
    assert "short" in printed and "long" in printed


def test_cli_compare_rejects_zero_replicates(tmp_path, capsys):
    assert main(["compare", "delay_oscillation", "--replicates", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--replicates must be an integer >= 1" in capsys.readouterr().err
