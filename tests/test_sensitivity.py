"""Sobol' sensitivity: the Saltelli design, the indices, and `govsim sensitivity`."""

import numpy as np
import pandas as pd
import pytest

from simulator.cli.main import main
from simulator.errors import GovsimError
from simulator.experiments.design import parse_range
from simulator.experiments.sensitivity import WIDE, saltelli_design, sobol_reading, sobol_table


def test_saltelli_design_blocks():
    ranges = [parse_range("plan.capacity=0.1:0.9"), parse_range("plan.gain=1:5")]
    design, n = saltelli_design(ranges, 6, seed=3)
    assert n == 8 and "rounded up to 8" in design.note and len(design.points) == 8 * 4
    x = pd.DataFrame(design.points)
    a, b, ab1, ab2 = (x.iloc[i * n:(i + 1) * n].reset_index(drop=True) for i in range(4))
    # AB_i is A with column i from B
    pd.testing.assert_series_equal(ab1["plan.capacity"], b["plan.capacity"])
    pd.testing.assert_series_equal(ab1["plan.gain"], a["plan.gain"])
    pd.testing.assert_series_equal(ab2["plan.gain"], b["plan.gain"])
    pd.testing.assert_series_equal(ab2["plan.capacity"], a["plan.capacity"])


def test_indices_of_a_known_function():
    """f = 4 x1 + x2 on uniform inputs: S1 = ST = 16/17 and 1/17, no interaction."""
    ranges = [parse_range("plan.capacity=0:1"), parse_range("plan.soft_share=0:1")]
    design, n = saltelli_design(ranges, 512, seed=1)
    x = pd.DataFrame(design.points)
    results = pd.DataFrame({"point": np.arange(len(x)),
                            "m": 4 * x["plan.capacity"] + x["plan.soft_share"]})
    table = sobol_table(results, "m", design.keys, n)
    np.testing.assert_allclose(table["first_order"], [16 / 17, 1 / 17], atol=0.03)
    np.testing.assert_allclose(table["total"], [16 / 17, 1 / 17], atol=0.03)
    assert (table["first_order_low"] <= table["first_order"]).all()
    assert (table["first_order"] <= table["first_order_high"]).all()


def test_missing_or_undefined_values_are_refused():
    design, n = saltelli_design([parse_range("plan.capacity=0:1")], 4, seed=1)
    full = pd.DataFrame({"point": np.arange(12), "m": np.arange(12.0)})
    with pytest.raises(GovsimError, match="needs all 12 runs, 11 finished"):
        sobol_table(full.iloc[1:], "m", design.keys, n)
    full.loc[3, "m"] = np.nan
    with pytest.raises(GovsimError, match="undefined in 1 of 12 runs"):
        sobol_table(full, "m", design.keys, n)


def test_sensitivity_cli_finds_the_parameter_that_matters(tmp_path, capsys):
    """Capacity drives late need in baseline; a switched-off loop's setting does not."""
    out = tmp_path / "sens"
    status = main(["sensitivity", "baseline", "--range", "plan.capacity=0.05:1.0",
                   "--range", "configuring.max_capacity=1:3",  # inert: configuring is off
                   "--samples", "16", "--metric", "need_late", "--steps", "60",
                   "--set", "society.agents=900", "--set", "society.districts_per_side=4",
                   "--set", "configuring.enabled=false", "--workers", "2", "--out", str(out)])
    assert status == 0
    table = pd.read_csv(out / "sensitivity.csv").set_index("parameter")
    assert table.loc["plan.capacity", "first_order"] > 0.6
    # common random numbers: an inert parameter changes nothing, so its indices are exactly 0
    assert table.loc["configuring.max_capacity", ["first_order", "total"]].tolist() == [0.0, 0.0]
    assert (out / "sensitivity.png").stat().st_size > 10_000
    assert len(pd.read_csv(out / "results.csv")) == 16 * 4
    printed = capsys.readouterr().out
    assert "Sobol' indices of need_late" in printed
    assert "  configuring.max_capacity: does next to nothing to need_late, 0 % with its interactions" in printed
    csv = pd.read_csv(out / "sensitivity.csv")
    wide = max((csv["first_order_high"] - csv["first_order_low"]).max(), (csv["total_high"] - csv["total_low"]).max())
    assert ("warning: 16 samples are too few for this metric" in printed) == (wide > WIDE)


def _noisy_results(seed=5):
    """A known function plus noise, evaluated on a Saltelli design of three parameters."""
    ranges = [parse_range("plan.capacity=0:1"), parse_range("plan.soft_share=0:1"),
              parse_range("plan.gain=1:5")]
    design, n = saltelli_design(ranges, 32, seed=1)
    x = pd.DataFrame(design.points)
    noise = np.random.default_rng(seed).normal(scale=0.3, size=len(x))
    results = pd.DataFrame({"point": np.arange(len(x)),
                            "m": 4 * x["plan.capacity"] + x["plan.soft_share"] + noise})
    return results, design.keys, n


def test_bootstrap_intervals_come_from_the_seed_alone():
    """The same seed gives the same intervals, whatever numpy's global state is;
    another seed gives other intervals (the resamples differ)."""
    results, keys, n = _noisy_results()
    np.random.seed(1)  # noqa: NPY002 - the global state, which must not matter
    first = sobol_table(results, "m", keys, n, seed=7)
    np.random.seed(2)  # noqa: NPY002
    again = sobol_table(results, "m", keys, n, seed=7)
    other = sobol_table(results, "m", keys, n, seed=8)
    assert first.to_csv(index=False) == again.to_csv(index=False)
    intervals = ["first_order_low", "first_order_high", "total_low", "total_high"]
    assert not np.allclose(first[intervals], other[intervals], rtol=0, atol=1e-6)
    # the point estimates do not depend on the resamples
    pd.testing.assert_frame_equal(first[["first_order", "total"]], other[["first_order", "total"]])


def test_indices_are_scipys_sobol_indices():
    """The table's indices against scipy.stats.sobol_indices on the same evaluations."""
    from scipy.stats import sobol_indices

    results, keys, n = _noisy_results()
    f = results["m"].to_numpy()
    d = len(keys)
    reference = sobol_indices(func={"f_A": f[:n][None], "f_B": f[n:2 * n][None],
                                    "f_AB": f[2 * n:].reshape(d, 1, n)}, n=n)
    table = sobol_table(results, "m", keys, n, resamples=99)
    np.testing.assert_allclose(table["first_order"], np.ravel(reference.first_order), rtol=1e-12)
    np.testing.assert_allclose(table["total"], np.ravel(reference.total_order), rtol=1e-12)


def test_sensitivity_cli_twice_writes_the_same_bytes(tmp_path):
    """One --range (scipy's sobol_indices fails on a single parameter), run twice."""
    args = ["sensitivity", "baseline", "--range", "plan.capacity=0.05:1.0", "--samples", "4",
            "--metric", "need_late", "--steps", "15", "--set", "society.agents=400",
            "--set", "society.districts_per_side=2", "--engine", "serial", "--no-plot"]
    for name in ("a", "b"):
        assert main([*args, "--out", str(tmp_path / name)]) == 0
    first = (tmp_path / "a" / "sensitivity.csv").read_bytes()
    assert first == (tmp_path / "b" / "sensitivity.csv").read_bytes()
    assert (tmp_path / "a" / "results.csv").read_bytes() == (tmp_path / "b" / "results.csv").read_bytes()


def _known(samples, seed=5):
    """Sobol' indices of 4 x1 + x2 + noise (sd 0.3) on ``samples`` base samples; x3 does nothing."""
    ranges = [parse_range("plan.capacity=0:1"), parse_range("plan.soft_share=0:1"),
              parse_range("plan.gain=1:5")]
    design, n = saltelli_design(ranges, samples, seed=1)
    x = pd.DataFrame(design.points)
    noise = np.random.default_rng(seed).normal(scale=0.3, size=len(x))
    results = pd.DataFrame({"point": np.arange(len(x)),
                            "m": 4 * x["plan.capacity"] + x["plan.soft_share"] + noise})
    return sobol_table(results, "m", design.keys, n), n


def test_a_small_sample_is_warned_about_with_its_remedy():
    """16 samples: intervals about 1 wide; the warning states the rule and asks for 256,
    which (intervals narrowing as one over the root of the samples) meets it."""
    table, n = _known(16)
    lines, warnings = sobol_reading(table, "m", n)
    widest = max((table["first_order_high"] - table["first_order_low"]).max(),
                 (table["total_high"] - table["total_low"]).max())
    assert widest > 0.9
    assert warnings == [
        f"warning: confidence intervals up to {widest:.2f} wide (rule: no wider than 0.3, or they "
        "cannot rank the parameters)",
        "warning: 16 samples are too few for this metric: run again with --samples 256 or more "
        "(intervals narrow as one over the root of the samples)"]
    assert "over 100 %: noise" in lines[0]  # 1.24 at this size
    table, n = _known(256)
    assert sobol_reading(table, "m", n)[1] == []
    assert max((table["first_order_high"] - table["first_order_low"]).max(),
               (table["total_high"] - table["total_low"]).max()) <= WIDE


def test_the_indices_are_read_in_words():
    table, n = _known(1024)
    lines, warnings = sobol_reading(table, "m", n)
    assert warnings == []
    assert lines[0] == "plan.capacity: 91 % of the variance alone (84 % to 98 %); 95 % with its interactions (88 % to 101 %)"
    assert lines[1].startswith("plan.soft_share: 7 % of the variance alone")
    # the inert parameter: a first-order index below 0 within noise (the noise is its total)
    assert lines[2].startswith("plan.gain: no measurable share alone (-0.02, within noise of 0); 6 %")
    assert lines[3].startswith("together the parameters alone explain 98 % of the variance of m")


def test_an_index_below_zero_beyond_its_noise_is_warned_about():
    table = pd.DataFrame({"parameter": ["plan.gain", "plan.capacity"], "first_order": [-0.12, 0.5],
                          "first_order_low": [-0.2, 0.45], "first_order_high": [-0.05, 0.55],
                          "total": [0.1, 0.6], "total_low": [0.05, 0.5], "total_high": [0.15, 0.7]})
    lines, warnings = sobol_reading(table, "m", 64)
    assert warnings == [
        "warning: first-order index of plan.gain -0.12 (interval -0.20 to -0.05) is below 0 beyond "
        "its noise, which a true index cannot be",
        "warning: 64 samples are too few for this metric: run again with --samples 256 or more "
        "(intervals narrow as one over the root of the samples)"]
    assert lines[0] == ("plan.gain: no measurable share alone (-0.12, below 0 beyond noise); 10 % with its "
                        "interactions (5 % to 15 %)")
    table.loc[0, "first_order_high"] = 0.01  # within noise of 0: no warning
    assert sobol_reading(table, "m", 64)[1] == []
