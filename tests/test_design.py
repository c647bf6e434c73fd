"""Sweep designs: parsing --vary and --range, factorial and sampled points."""

import numpy as np
import pytest

from simulator.errors import ParameterError
from simulator.experiments.design import factorial, parse_range, parse_vary, sampled


def test_vary_evenly_spaced_and_listed():
    assert parse_vary("plan.capacity=0.2:0.6:3") == ("plan.capacity", [0.2, 0.4, 0.6])
    assert parse_vary("plan.policy=pid,balanced") == ("plan.policy", ["pid", "balanced"])
    assert parse_vary("protecting.enabled=true,false") == ("protecting.enabled", [True, False])
    assert parse_vary("monitor.delay=0,5,10") == ("monitor.delay", [0, 5, 10])


def test_vary_rounds_integers_and_drops_repeats():
    _key, values = parse_vary("monitor.delay=0:3:7")
    assert values == [0, 1, 2, 3] and all(isinstance(v, int) for v in values)


@pytest.mark.parametrize(("text", "message"), [
    ("plan.capacty=0:1:3", "did you mean 'plan.capacity'"),
    ("plan.capacity", "expects key=..."),
    ("plan.capacity=", "no values given"),
    ("plan.capacity=0:1", "three parts"),
    ("plan.capacity=a:b:3", "must be numbers"),
    ("plan.capacity=0:1:0", "num must be at least 1"),
    ("plan.capacity=0:9:3", "plan.capacity"),         # 9 is above the declared bound 5
    ("plan.policy=pid,bang", "one of 'none'"),
    ("plan.policy=0:1:3", "numeric parameter"),
    ("plan.gain=1,1", "listed twice"),
])
def test_vary_errors_name_the_key_and_what_is_allowed(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_vary(text)


@pytest.mark.parametrize(("text", "message"), [
    ("plan.capacity=0.1:9", "outside the declared bounds; plan.capacity takes a number in \\[0, 5\\]"),
    ("plan.capacity=0.5:0.1", "lo must be below hi"),
    ("plan.capacity=x:1", "two numbers"),
    ("plan.policy=0:1", "only numeric parameters"),
    ("nothing.here=0:1", "unknown parameter"),
])
def test_range_errors(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_range(text)


def test_factorial_is_every_combination_first_key_slowest():
    d = factorial([parse_vary("plan.capacity=0.2,0.4"), parse_vary("plan.soft_share=0,0.5,1")])
    assert d.kind == "factorial" and d.keys == ("plan.capacity", "plan.soft_share")
    assert [tuple(p.values()) for p in d.points] == [
        (0.2, 0.0), (0.2, 0.5), (0.2, 1.0), (0.4, 0.0), (0.4, 0.5), (0.4, 1.0)]
    assert d.rows()[4] == {"point": 4, "plan.capacity": 0.4, "plan.soft_share": 0.5}
    assert factorial([]).points == ({},)  # no --vary: one point, the scenario as it is


@pytest.mark.parametrize("kind", ["lhs", "sobol", "halton"])
def test_sampled_points_fill_the_ranges_and_repeat_with_the_seed(kind):
    ranges = [parse_range("plan.capacity=0.1:0.9"), parse_range("monitor.delay=0:20")]
    d = sampled(kind, 32, ranges, seed=7)
    x = np.array([p["plan.capacity"] for p in d.points])
    assert len(d.points) == 32 and x.min() >= 0.1 and x.max() <= 0.9
    assert all(isinstance(p["monitor.delay"], int) for p in d.points)
    # a space-filling design covers every eighth of the range
    assert len(np.unique(np.floor((x - 0.1) / 0.1))) == 8
    assert sampled(kind, 32, ranges, seed=7).points == d.points
    assert sampled(kind, 32, ranges, seed=8).points != d.points


def test_sobol_rounds_up_to_a_power_of_two_and_says_so():
    d = sampled("sobol", 10, [parse_range("plan.capacity=0.1:0.9")], seed=1)
    assert len(d.points) == 16 and "rounded up to 16" in d.note
    assert sampled("sobol", 16, [parse_range("plan.capacity=0.1:0.9")], seed=1).note == ""


def test_sampled_design_errors():
    with pytest.raises(ParameterError, match="needs at least one --range"):
        sampled("lhs", 8, [], seed=1)
    with pytest.raises(ParameterError, match="--design must be one of lhs, sobol, halton"):
        sampled("grid", 8, [parse_range("plan.capacity=0.1:0.9")], seed=1)
    with pytest.raises(ParameterError, match="given twice"):
        sampled("lhs", 8, [parse_range("plan.capacity=0.1:0.9")] * 2, seed=1)
