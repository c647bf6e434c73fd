"""The compiled kernels against their numpy references: the same numbers to the bit.

Each kernel of ``simulator/society/kernels.py`` is compared with the numpy
code the society runs when kernels are off, on random input; then whole runs
of several scenarios are compared, path against path.
"""

import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model import GovernanceModel
from simulator.society import kernels, movement, patrols, rules
from simulator.society.grid import Grid, neighbourhood_add, neighbourhood_sum, window_offsets

SHAPES = ("moore", "von_neumann", "cross")


def _field(rng, side, share=0.2):
    """A grid of whole-number counts, as the society sums (patrols, expressers)."""
    return ((rng.random((side, side)) < share) * rng.integers(1, 4, (side, side))).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(side=st.integers(3, 40), radius=st.integers(0, 25), shape=st.sampled_from(SHAPES),
       seed=st.integers(0, 2 ** 32 - 1))
def test_window_sum_is_the_neighbourhood_sum(side, radius, shape, seed):
    field = _field(np.random.default_rng(seed), side)
    half = kernels.half_widths(window_offsets(radius, shape, side))
    prefix = np.empty((side, side + 2 * int(half.max()) + 1), np.float32)
    got = kernels.window_sum(field, half, np.full_like(field, np.nan), prefix)
    np.testing.assert_array_equal(got, neighbourhood_sum(field, radius, shape))


@settings(max_examples=40, deadline=None)
@given(side=st.integers(3, 30), radius=st.integers(1, 9), shape=st.sampled_from(SHAPES),
       seed=st.integers(0, 2 ** 32 - 1))
def test_window_add_is_the_neighbourhood_add(side, radius, shape, seed):
    rng = np.random.default_rng(seed)
    start = _field(rng, side)
    cells = rng.choice(side * side, size=min(side * side, 12), replace=False).astype(np.intp)
    sign = np.where(rng.random(cells.size) < 0.5, 1.0, -1.0)
    offsets = window_offsets(radius, shape, side)
    got = kernels.window_add(start.copy(), cells, sign, *offsets)
    np.testing.assert_array_equal(got, neighbourhood_add(start.copy(), cells, sign, offsets))


@pytest.mark.parametrize("contagion", [1.0, 1.7])
@pytest.mark.parametrize("rounding", ["none", "round", "floor"])
def test_deterrence_and_adopt_are_the_expression_rule(rounding, contagion):
    rng = np.random.default_rng(7)
    n, cells = 5000, 10_000
    seen = rng.integers(0, 9, cells).astype(np.float32)
    position = np.sort(rng.choice(cells, n, replace=False)).astype(np.intp)
    expressing = rng.random(n) < 0.3
    seen[position[expressing]] += 1  # each expresser sees itself
    # whole patrols for half the agents: ratios such as 1/2 are ties for the rounding
    watched = (rng.integers(0, 4, n) + (rng.random(n) < 0.5) * rng.random(n)).astype(np.float32)
    grievance, risk, threshold = (rng.random(n, dtype=np.float32) for _ in range(3))
    free = rng.random(n) < 0.9
    k = 2.3
    # numpy, as Society._decide without kernels
    others = seen.take(position) - expressing
    ratio = rules.arrest_ratio(watched, others, contagion, rounding, out=others)
    reference_escape = rules.escape_chance(ratio, k, out=ratio).copy()
    reference = rules.expresses(grievance, risk, reference_escape, threshold) & free

    escape = kernels.deterrence(seen, position, expressing, watched, np.float32(contagion),
                                kernels.ROUNDING[rounding], np.float32(k), np.empty(n, np.float32))
    np.exp(escape, out=escape)
    np.testing.assert_array_equal(escape, reference_escape)
    assert 0.05 < reference.mean() < 0.95  # the comparison is not of all-False arrays

    # adopt: the new expressers, and the count in view updated for those who changed,
    # or left for a recount when they are too many
    side = 100
    offsets = window_offsets(3, "von_neumann", side)
    changed = (reference != expressing).nonzero()[0]
    for limit, updated in ((10 ** 9, True), (changed.size * offsets[0].size, False)):
        now, count = expressing.copy(), seen.reshape(side, -1).copy()
        back = kernels.adopt(escape, risk, grievance, threshold, free, now, position, count, *offsets, limit,
                             np.empty(n, bool))
        np.testing.assert_array_equal(now, reference)
        assert back == (changed.size if updated else -changed.size)
        expected = seen.reshape(side, -1).copy()
        if updated:
            neighbourhood_add(expected, position[changed], np.where(reference[changed], 1.0, -1.0), offsets)
        np.testing.assert_array_equal(count, expected)


def test_district_counts_and_sums_are_bincounts():
    rng = np.random.default_rng(3)
    n, count = 6000, 25
    district = rng.integers(0, count, n).astype(np.intp)
    masks = [rng.random(n) < p for p in (0.1, 0.4, 0.6, 0.9)]
    values = [rng.random(n, dtype=np.float32) for _ in range(3)]
    for got, mask in zip(kernels.district_counts(district, *masks, count), masks):
        np.testing.assert_array_equal(got, np.bincount(district, weights=mask, minlength=count))
    for got, value in zip(kernels.district_sums(district, *values, count), values):
        # bit for bit: the same order of adds
        np.testing.assert_array_equal(got, np.bincount(district, weights=value, minlength=count))


@pytest.mark.parametrize("reach", [1, 7, 30])
def test_free_targets_and_settle_are_the_numpy_move(reach):
    grid = Grid(agents=1400, density=0.7, districts_per_side=4, agencies=1)
    rng = np.random.default_rng(reach)
    position = np.sort(rng.choice(grid.cells, 1400, replace=False)).astype(np.intp)
    occupied = np.zeros(grid.cells, bool)
    occupied[position] = True
    movers = (rng.random(1400) < 0.8).nonzero()[0]
    dy, dx = (rng.integers(0, 2 * reach + 1, movers.size) for _ in range(2))
    # numpy, as Movement.step without kernels
    target = grid.shifted(position[movers], dy, dx, reach)
    ok = (~occupied[target]).nonzero()[0]
    plain_movers, plain_target = movers[ok], target[ok]
    order = rng.permutation(ok.size)
    first = np.full(grid.cells, ok.size)
    np.minimum.at(first, plain_target[order], np.arange(ok.size))
    chosen = order[first[plain_target[order]] == np.arange(ok.size)]
    expected_position, expected_occupied = position.copy(), occupied.copy()
    expected_occupied[position[plain_movers[chosen]]] = False
    expected_occupied[plain_target[chosen]] = True
    expected_position[plain_movers[chosen]] = plain_target[chosen]

    fast_movers, fast_target = movement.free_targets(movers, position, dy, dx, reach, grid.side,
                                                    grid.row_of_cell, grid.col_of_cell, occupied)
    np.testing.assert_array_equal(fast_movers, plain_movers)
    np.testing.assert_array_equal(fast_target, plain_target)
    district, claimed = grid.district_of_cell[position], np.zeros(grid.cells, bool)
    moved = movement.settle(fast_movers, fast_target, order, occupied, position, district,
                           grid.district_of_cell, claimed)
    np.testing.assert_array_equal(position, expected_position)
    np.testing.assert_array_equal(occupied, expected_occupied)
    np.testing.assert_array_equal(district, grid.district_of_cell[position])
    assert moved == chosen.size > 100 and not claimed.any()


def test_shift_cells_per_district_trim_and_per_cell_are_the_numpy_patrols():
    grid = Grid(agents=2000, density=0.5, districts_per_side=4, agencies=1)
    fast, plain = (patrols.Patrols(grid, np.random.default_rng(9), fast=on) for on in (True, False))
    rng = np.random.default_rng(1)
    cells = [np.empty((grid.side, grid.side), np.float32) for _ in range(2)]
    for step in range(40):  # targets that rise, fall and differ by district: trims and fresh patrols
        density = rng.random(grid.districts) * (0.15 if step % 3 else 0.02)
        got, expected = fast.step(density, 3, cells[0]), plain.step(density, 3, cells[1])
        np.testing.assert_array_equal(fast.positions, plain.positions)
        np.testing.assert_array_equal(got, expected)
    assert fast.positions.size > 20
    # each kernel on its own
    pos = plain.positions
    dy, dx = rng.integers(0, 7, pos.size), rng.integers(0, 7, pos.size)
    np.testing.assert_array_equal(patrols.shift_cells(pos, dy, dx, 3, grid.side, grid.row_of_cell, grid.col_of_cell),
                                  grid.shifted(pos, dy, dx, 3))
    have = patrols.per_district(pos, grid.district_of_cell, grid.districts)
    np.testing.assert_array_equal(have, np.bincount(grid.district_of_cell[pos], minlength=grid.districts))
    target = have // 2
    shuffled = np.random.default_rng(4).permutation(pos.size)
    plain.rng = np.random.default_rng(4)
    np.testing.assert_array_equal(patrols.trim(pos, shuffled, grid.district_of_cell, have, target),
                                  plain._trim(pos, grid.district_of_cell[pos], have, target))
    counted = patrols.per_cell(pos, np.full((grid.side, grid.side), np.nan, np.float32))
    np.testing.assert_array_equal(counted.reshape(-1), np.bincount(pos, minlength=grid.cells))


def test_participate_is_the_participation_rule():
    rng = np.random.default_rng(8)
    n, count = 6000, 16
    trust, draw = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    district, free = rng.integers(0, count, n).astype(np.intp), rng.random(n) < 0.9
    incentive = rng.random(count) * 0.2
    base, from_trust = 0.3, 0.4
    chance = rules.participation_chance(trust, base, from_trust, incentive.astype(np.float32)[district],
                                        out=np.empty(n, np.float32))
    got = kernels.participate(trust, np.float32(from_trust), np.float32(base - 0.5 * from_trust),
                              incentive.astype(np.float32), district, draw, free, np.empty(n, bool))
    np.testing.assert_array_equal(got, (draw < chance) & free)
    assert 0.2 < got.mean() < 0.8


@pytest.mark.parametrize("runs", ["grid rows", "long", "short and long"])
def test_district_run_totals_are_reduceat_then_bincount(runs):
    rng = np.random.default_rng(6)
    n, count = 300_000, 12
    if runs == "grid rows":  # a 600 x 500 grid cut into 12 districts: runs of 125
        start = np.arange(0, n, 125)
    elif runs == "long":  # runs of several thousand: numpy's pairwise sum splits them
        start = np.unique(np.concatenate(([0], rng.integers(1, n, 40))))
    else:
        start = np.unique(np.concatenate(([0], rng.integers(1, n, n // 9))))
    district = rng.integers(0, count, start.size).astype(np.intp)
    # float32 values of one scale sum exactly in float64, in any order; values spread over
    # twenty orders of magnitude do not, so the order of adds shows
    values = [rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32) * np.float32(1000),
              (rng.random(n) * 10.0 ** rng.uniform(-15, 5, n)).astype(np.float32)]
    masks = [rng.random(n) < p for p in (0.1, 0.4, 0.6, 0.9)]
    counts, got = kernels.district_run_totals(start, district, *masks, *values, count)
    for row, value in zip(got, values):
        per_run = np.add.reduceat(value, start, dtype=np.float64)
        np.testing.assert_array_equal(row, np.bincount(district, weights=per_run, minlength=count))
    for row, mask in zip(counts, masks):
        per_run = np.add.reduceat(mask, start, dtype=np.int32)
        np.testing.assert_array_equal(row, np.bincount(district, weights=per_run, minlength=count))
    # summed agent by agent instead, some districts differ in their last bits: the test can tell
    agent_district = np.repeat(district, np.diff(start, append=n))
    assert not np.array_equal(got[2], np.bincount(agent_district, weights=values[2], minlength=count))


def test_release_is_the_countdown_and_the_latent():
    rng = np.random.default_rng(5)
    n = 5000
    removal = rng.integers(0, 4, n).astype(np.int16)
    grievance, threshold = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    free, latent = np.empty(n, bool), np.empty(n, bool)
    expected = np.maximum(removal - 1, 0).astype(np.int16)
    kernels.release(removal, free, grievance, threshold, latent)
    np.testing.assert_array_equal(removal, expected)
    np.testing.assert_array_equal(free, expected == 0)
    np.testing.assert_array_equal(latent, (grievance > threshold) & (expected == 0))
    assert 0.2 < free.mean() < 0.8 and latent.any()


def test_every_kernel_has_a_reference_test():
    # a kernel added without a comparison with its numpy reference fails here
    source = Path(__file__).read_text()
    untested = [f"{module.__name__}.{name}" for module in (kernels, movement, patrols)
                for name in module.__all__
                if isinstance(getattr(module, name), numba.core.registry.CPUDispatcher)
                and name not in ("wrap",) and f"{module.__name__.rsplit('.', 1)[1]}.{name}(" not in source]
    assert untested == []


def _model(scenario, on, monkeypatch, overrides=None):
    monkeypatch.setattr(kernels, "ENABLED", on)
    return GovernanceModel.from_scenario(scenario, steps=None, overrides=overrides)


def test_moves_are_the_same_on_both_paths(monkeypatch):
    # freshly built, the two societies are the same (the same draws); then only moves
    fast, plain = (_model("epstein_civil_violence", on, monkeypatch).society for on in (True, False))
    assert fast._kernels and not plain._kernels
    start = fast.position.copy()
    for _ in range(3):
        for society in (fast, plain):
            society.movement.step(society.position, society.occupied, society.district, society._free, 1.0, 7)
        for name in ("position", "occupied", "district"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(plain, name))
    assert (fast.position != start).mean() > 0.2  # most agents moved


def test_need_and_trust_is_the_rules_as_the_society_applies_them(monkeypatch):
    fast, plain = (_model("baseline", on, monkeypatch, {"society.agents": 4096}).society for on in (True, False))
    rng = np.random.default_rng(11)
    for _ in range(5):
        districts = fast.districts.count
        gain, loss = rng.random(districts) * 0.05, rng.random(districts) * 0.05
        fast.pressure = plain.pressure = rng.random((districts, fast.types)) * 0.3
        noise = fast.rng.standard_normal(dtype=np.float32, out=fast._scratch)
        f32 = np.float32
        kernels.need_and_trust(fast.need, fast.need_base, fast.trust, fast.trust_initial, fast.grievance, noise,
                               fast.district, fast.pressure.sum(axis=1).astype(f32), (gain + loss).astype(f32),
                               gain.astype(f32), f32(0.1), f32(0.02), f32(0.005), f32(0.005))
        s, lv = plain._society, plain._levers
        monkeypatch.setattr(s, "need_rate", 0.1)
        monkeypatch.setattr(s, "need_noise", 0.02)
        monkeypatch.setattr(lv, "trust_from_need", 0.005)
        monkeypatch.setattr(s, "trust_recovery", 0.005)
        plain._need_and_trust(gain, loss)
        for name in ("need", "trust", "grievance"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(plain, name))
    assert 0.05 < fast.need.std()  # agents differ: not a comparison of constants


CASES = [
    ("epstein_civil_violence", None),  # von Neumann, vision 7, ten contagion rounds, everyone moves
    ("baseline", None),  # a full grid: agent i on cell i, nobody moves
    ("epstein_civil_violence", {"society.neighbourhood": "moore", "society.vision": 3,
                                "society.arrest_rounding": "floor", "society.mobility": 0.5}),
    ("baseline", {"society.density": 0.6, "society.mobility": 0.3, "society.neighbourhood": "cross",
                  "society.vision": 2, "society.agents": 3000}),
]


@pytest.mark.parametrize("scenario, overrides", CASES)
def test_a_run_is_the_same_with_kernels_and_without(scenario, overrides, monkeypatch):
    runs = []
    for on in (True, False):
        model = _model(scenario, on, monkeypatch, overrides)
        model.run(150)
        runs.append(model)
    fast, plain = runs
    assert fast.society._kernels and not plain.society._kernels
    assert fast.series().equals(plain.series())
    for name in ("need", "trust", "grievance", "position", "expressing", "removal", "participating"):
        np.testing.assert_array_equal(getattr(fast.society, name), getattr(plain.society, name))
    assert fast.series()["expression"].max() > 0  # something happened to compare


def test_the_numpy_path_is_chosen_by_the_environment():
    code = "import simulator.society.kernels as k; print(k.ENABLED)"
    shown = {value: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                   env={**os.environ, "GOVSIM_KERNELS": value}).stdout.strip()
             for value in ("numpy", "numba")}
    assert shown == {"numpy": "False", "numba": "True"}
