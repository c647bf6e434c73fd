"""Sobol' sensitivity: the Saltelli design, the indices, and `govsim sensitivity`."""

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main
from simulator.design import parse_range
from simulator.errors import GovsimError
from simulator.sensitivity import saltelli_design, sobol_table


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
    assert "Sobol' indices of need_late" in capsys.readouterr().out
