"""The synthetic society: array state, update rules and its aggregate report.

Societies here have 2500 agents in 4 x 4 = 16 districts unless a test says
otherwise (see ``make_society`` in conftest). Statistical comparisons use
the same seed for both arms and several seeds, with stated margins.
"""

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from simulator.loop.contracts import Delivery, DistrictState
from simulator.society import rules

HIGH_GRIEVANCE = {"society.need_base": 0.8, "society.trust": 0.3}  # most agents would express
SEEDS = range(3)


def mean_expression(states, skip=5):
    return float(np.mean([s.expression.mean() for s in states[skip:]]))


# -- state ----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "dtype"), [
    ("need_base", np.float32), ("need", np.float32), ("trust", np.float32),
    ("trust_initial", np.float32), ("risk_aversion", np.float32), ("threshold", np.float32),
    ("grievance", np.float32), ("expressing", np.bool_), ("latent", np.bool_),
    ("participating", np.bool_), ("removal", np.int16),
    # cell and district indices in numpy's index type: an int32 index is converted on every use
    ("position", np.intp), ("district", np.intp),
])
def test_one_array_entry_per_agent_with_expected_dtype(make_society, step_society, name, dtype):
    society = make_society({"society.agents": 2345, "society.mobility": 0.3})
    for _ in range(2):  # before and after stepping (and moving)
        arr = getattr(society, name)
        assert isinstance(arr, np.ndarray)
        assert arr.shape == (2345,)
        assert arr.dtype == dtype
        step_society(society, 3)


def test_agents_sit_on_distinct_cells_of_their_district(make_society, step_society):
    society = make_society({"society.agents": 2000, "society.density": 0.5, "society.mobility": 0.5})
    step_society(society, 5)
    assert np.unique(society.position).size == society.n  # never two agents on one cell
    np.testing.assert_array_equal(society.district, society.grid.district_of_cell[society.position])
    assert society.occupied.sum() == society.n


def test_initial_draws_respect_their_spreads(make_society):
    society = make_society({"society.trust": 0.6, "society.trust_spread": 0.1,
                            "society.need_base": 0.3, "society.need_spread": 0.05})
    assert society.trust.min() >= 0.5 - 1e-6 and society.trust.max() <= 0.7 + 1e-6
    assert society.need_base.min() >= 0.25 - 1e-6 and society.need_base.max() <= 0.35 + 1e-6
    np.testing.assert_allclose(society.trust.mean(), 0.6, atol=0.01)


@settings(max_examples=15, deadline=None)
@given(noise=st.floats(0.0, 0.5), size=st.floats(0.0, 2.0), shock=st.floats(0.0, 5.0),
       rate=st.floats(0.0, 1.0), accommodate=st.floats(0.0, 3.0), seed=st.integers(0, 2**16))
def test_need_and_trust_stay_in_the_unit_interval(make_society, step_society,
                                                  noise, size, shock, rate, accommodate, seed):
    society = make_society({"society.agents": 900, "society.need_noise": noise,
                            "disturbance.size": size, "disturbance.rate": rate,
                            "shock.rate": 0.2, "shock.size": shock}, seed)
    for states in (step_society(society, 8), step_society(society, 4, first=9, accommodate=accommodate,
                                                          constrain=accommodate)):
        for array in (society.need, society.trust):
            assert array.min() >= 0.0 and array.max() <= 1.0
        for s in states:
            assert s.need.min() >= 0.0 and s.need.max() <= 1.0


def test_grievance_is_need_times_distrust(make_society, step_society):
    society = make_society({"disturbance.rate": 0.2}, seed=4)
    step_society(society, 6, accommodate=0.2, constrain=0.3)
    np.testing.assert_allclose(society.grievance, society.need * (1.0 - society.trust), rtol=1e-6)
    state = society.aggregate()
    assert state.grievance.std() > 0  # not a trivial all-equal case


# -- levers ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_accommodation_lowers_pressure_and_need(make_society, step_society, seed):
    none, served = make_society(seed=seed), make_society(seed=seed)
    step_society(none, 40)
    step_society(served, 40, accommodate=0.5)
    assert served.pressure.sum() < 0.2 * none.pressure.sum()
    assert served.need.mean() < none.need.mean() - 0.1
    assert served.trust.mean() > none.trust.mean()  # met needs build trust


@pytest.mark.parametrize("seed", SEEDS)
def test_constraint_lowers_expression_but_erodes_trust(make_society, step_society, seed):
    free, held = make_society(HIGH_GRIEVANCE, seed), make_society(HIGH_GRIEVANCE, seed)
    loose = mean_expression(step_society(free, 20))
    tight = mean_expression(step_society(held, 20, constrain=1.0))
    assert loose > 0.5
    assert tight < 0.5 * loose
    assert held.trust.mean() < free.trust.mean() - 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_contagion_raises_expression(make_society, step_society, seed):
    # with some standing enforcement, expressing neighbours make expression safer
    base = {**HIGH_GRIEVANCE, "society.enforcement": 0.05, "society.removal_rate": 0.0}
    alone = mean_expression(step_society(make_society({**base, "society.contagion": 0.0}, seed), 20))
    crowd = mean_expression(step_society(make_society({**base, "society.contagion": 2.0}, seed), 20))
    assert crowd > alone + 0.05


def test_visible_monitoring_chills_expression(make_society):
    rates = []
    for eyes in (0.0, 2.0):
        society = make_society({**HIGH_GRIEVANCE, "society.contagion": 0.0}, seed=2)
        watched = np.full(16, eyes)
        states = [society.step(t, Delivery.zeros(16), watched) for t in range(1, 11)]
        rates.append(mean_expression(states, skip=2))
    assert rates[1] < rates[0] - 0.2


def test_no_removal_without_enforcement_presence(make_society, step_society):
    society = make_society({**HIGH_GRIEVANCE, "society.removal_rate": 5.0}, seed=1)
    states = step_society(society, 25)
    assert mean_expression(states) > 0.5  # plenty of expressers who could be removed
    assert not (society.removal > 0).any()
    assert all(s.removed.max() == 0 for s in states)


@pytest.mark.parametrize(("levers", "overrides"), [
    ({}, {"society.enforcement": 0.05}),  # standing enforcement
    ({"constrain": 0.5}, {}),  # constraint delivered by the loop
])
def test_removal_with_enforcement_and_removed_agents_stay_silent(make_society, uniform_delivery,
                                                                 levers, overrides):
    society = make_society({**HIGH_GRIEVANCE, **overrides}, seed=1)
    delivery, eyes = uniform_delivery(16, **levers), np.zeros(16)
    removed_seen = 0
    for t in range(1, 26):
        state = society.step(t, delivery, eyes)
        removed = society.removal > 0
        removed_seen += removed.sum()
        assert not (removed & society.expressing).any()
        assert not (removed & society.participating).any()
        np.testing.assert_allclose(
            state.removed, np.bincount(society.district[removed], minlength=16) / state.population)
    assert removed_seen > 100
    assert society.removal.max() <= society.config.society.removal_term


@pytest.mark.parametrize("reach", [0.25, 0.5, 0.9])
def test_scheduled_shock_hits_about_its_reach(make_society, step_society, reach):
    shares = []
    for seed in SEEDS:
        society = make_society({"society.districts_per_side": 16, "disturbance.rate": 0.0,
                                "shock.at_step": 3, "shock.reach": reach}, seed)
        before = step_society(society, 2)[-1]
        assert society.pressure.sum() == 0 and not society.shock_now
        after = step_society(society, 1, first=3)[-1]
        assert society.shock_now
        hit = society.pressure.sum(axis=1) > 0
        shares.append(hit.mean())
        # the shock is felt at once in the districts it hits, not elsewhere
        assert (after.need[hit] - before.need[hit]).min() > 0.3
        assert np.abs(after.need[~hit] - before.need[~hit]).max() < 0.05
        step_society(society, 1, first=4)
        assert not society.shock_now  # only at its step
    # 256 districts: the standard error of the share is at most 0.031
    np.testing.assert_allclose(np.mean(shares), reach, atol=0.06)


@pytest.mark.parametrize("reach", [0.0625, 0.25, 0.5])
def test_a_regional_shock_hits_one_square_block(make_society, step_society, reach):
    for seed in SEEDS:
        society = make_society({"society.districts_per_side": 8, "disturbance.rate": 0.0,
                                "shock.at_step": 1, "shock.reach": reach,
                                "shock.pattern": "regional"}, seed)
        step_society(society, 1)
        hit = (society.pressure.sum(axis=1) > 0).reshape(8, 8)
        side = round(np.sqrt(reach) * 8)
        assert hit.sum() == side * side
        # a block on the torus: as many rows as columns are hit, each fully
        assert hit.any(axis=1).sum() == side and hit.any(axis=0).sum() == side
        assert (hit.sum(axis=1) % side == 0).all()


@pytest.mark.parametrize("every", [0, 4])
def test_scheduled_shocks_repeat_every_so_many_steps(make_society, step_society, every):
    society = make_society({"disturbance.rate": 0.0, "shock.at_step": 3, "shock.every": every}, 0)
    hits = []
    for step in range(1, 16):
        step_society(society, 1, first=step)
        if society.shock_now:
            hits.append(step)
    assert hits == ([3] if every == 0 else [3, 7, 11, 15])


def test_sudden_and_gradual_legitimacy_falls_end_at_the_same_trust(make_society, step_society):
    # switch off every other trust change, so only the fall moves trust
    quiet = {"society.trust_recovery": 0.0, "levers.trust_from_need": 0.0,
             "shock.trust_drop": 0.3, "shock.trust_drop_step": 5}
    paths, start = {}, None
    for duration in (1, 10):
        society = make_society({**quiet, "shock.trust_drop_duration": duration}, seed=3)
        start = society.trust.copy()
        paths[duration] = [s.trust.mean() for s in step_society(society, 20)]
        np.testing.assert_allclose(start - society.trust, 0.3, atol=1e-5)  # every agent, in the end
    sudden, gradual = np.array(paths[1]), np.array(paths[10])
    np.testing.assert_allclose(sudden[:4], gradual[:4])  # nothing before step 5
    np.testing.assert_allclose(sudden[4] - sudden[3], -0.3, atol=1e-3)  # all at once
    np.testing.assert_allclose(gradual[4] - gradual[3], -0.03, atol=1e-3)  # a tenth per step
    assert gradual[8] > sudden[8] + 0.1  # midway the gradual fall is still partial
    np.testing.assert_allclose(sudden[14:], gradual[14:], atol=1e-5)  # same end


@pytest.mark.parametrize(("step", "drop", "at", "duration", "expected"), [
    (50, 0.0, 5, 1, 0.2),      # no cut
    (50, 0.1, -1, 1, 0.2),     # no step: no cut
    (4, 0.1, 5, 1, 0.2),       # before the cut
    (5, 0.1, 5, 1, 0.1),       # sudden: all of it at its step
    (5, 0.1, 5, 4, 0.175),     # gradual: a quarter at its first step
    (6, 0.1, 5, 4, 0.15),
    (8, 0.1, 5, 4, 0.1),       # all of it at its last step
    (90, 0.1, 5, 4, 0.1),      # and it stays cut
    (4.5, 0.1, 5, 4, 0.1875),  # between whole steps (the twin): linear from at - 1
    (90, 0.3, 5, 4, 0.0),      # never below 0
    (6, 0.3, 5, 2, 0.0),
])
def test_the_standing_enforcement_schedule(step, drop, at, duration, expected):
    got = rules.standing_enforcement(step, 0.2, drop, at, duration)
    assert got == pytest.approx(expected, abs=1e-12)


def test_a_cut_in_standing_enforcement_takes_patrols_away_at_once_or_step_by_step(make_society, step_society):
    """The patrols follow the schedule: 0.2 of the cells, cut by 0.1 from step 5."""
    cut = {"society.enforcement": 0.2, "shock.enforcement_drop": 0.1, "shock.enforcement_drop_step": 5}
    shares = {}
    for duration in (1, 10):
        society = make_society({**cut, "shock.enforcement_drop_duration": duration}, seed=3)
        shares[duration] = []
        for step in range(1, 21):
            step_society(society, 1, first=step)
            shares[duration].append(society.patrols.positions.size / society.grid.cells)
    sudden, gradual = np.array(shares[1]), np.array(shares[10])
    np.testing.assert_allclose(sudden[:4], 0.2, atol=0.003)  # steps 1-4: no cut yet
    np.testing.assert_allclose(gradual[:4], 0.2, atol=0.003)
    np.testing.assert_allclose(sudden[4:], 0.1, atol=0.003)  # all of it at step 5
    np.testing.assert_allclose(gradual[[4, 8]], [0.19, 0.15], atol=0.003)  # a tenth a step
    np.testing.assert_allclose(gradual[13:], 0.1, atol=0.003)  # all of it by step 14
    society = make_society({**cut, "shock.enforcement_drop": 0.5}, seed=3)  # more than there is
    step_society(society, 6)
    assert society.patrols.positions.size == 0


# -- the only report ------------------------------------------------------------------

def test_aggregate_returns_only_district_sized_arrays(make_society, step_society):
    # no removals, so "expressing now" and "expressed this step" are the same agents
    society = make_society({**HIGH_GRIEVANCE, "society.agents": 2345, "society.districts_per_side": 5,
                            "society.removal_rate": 0.0})
    step_society(society, 3, constrain=0.5)
    state = society.aggregate()
    assert isinstance(state, DistrictState)
    for f in fields(state):
        value = getattr(state, f.name)
        assert isinstance(value, np.ndarray)
        assert value.shape == (25,), f.name
    assert state.population.sum() == 2345
    # shares and means are of the right agents
    assert 0 < state.expression.mean() < 1
    np.testing.assert_allclose(state.expression,
                               np.bincount(society.district[society.expressed], minlength=25)
                               / state.population)
    np.testing.assert_allclose(state.need, np.bincount(society.district, weights=society.need,
                                                       minlength=25) / state.population, rtol=1e-6)
    np.testing.assert_allclose(state.trust, np.bincount(society.district, weights=society.trust,
                                                        minlength=25) / state.population, rtol=1e-6)
    np.testing.assert_allclose(state.participation,
                               np.bincount(society.district[society.participating], minlength=25)
                               / state.population)


def test_trust_recovers_toward_its_initial_level_once_constraint_stops(make_society, step_society):
    # only constraint and the pull back toward each agent's initial trust move trust
    quiet = {"levers.trust_from_need": 0.0, "levers.trust_from_removal": 0.0,
             "society.trust_recovery": 0.05}
    society = make_society(quiet, seed=4)
    initial = society.trust.copy()
    step_society(society, 30, first=1, constrain=1.0)
    lowered = society.trust.copy()
    assert (initial - lowered).mean() > 0.2  # constraint took trust away
    step_society(society, 20, first=31)  # constraint stops, nothing else happens
    # every agent's gap to its initial trust shrinks by (1 - recovery) a step
    np.testing.assert_allclose(initial - society.trust, (initial - lowered) * 0.95 ** 20,
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_met_needs_rebuild_trust_after_constraint(make_society, step_society, seed):
    # default trust rules: 40 steps of constraint, then 60 steps of (a) accommodation,
    # (b) nothing, (c) more constraint. Measured mean trust after constraint 0.20,
    # then (a) 0.80, (b) 0.28, (c) 0.08 for seeds 0-2.
    after = {}
    for name, levers in (("served", {"accommodate": 0.5}), ("left", {}), ("held", {"constrain": 1.0})):
        society = make_society(seed=seed)
        low = step_society(society, 40, first=1, constrain=1.0)[-1].trust.mean()
        after[name] = step_society(society, 60, first=41, **levers)[-1].trust.mean()
    assert low < 0.3
    assert after["served"] > low + 0.4  # met needs rebuild trust
    assert after["left"] > low + 0.04  # recovery alone, slowly
    assert after["held"] < low - 0.05  # constraint kept on erodes it further
    assert after["served"] > after["left"] + 0.3


def _recounted_expression(society, before, eyes):
    """The expression rule of this step, with every neighbour count recounted from scratch.

    Plain code: no running counts, a scipy sum of the expressers within vision in
    each round. Valid without patrols and without removal (both set off).
    """
    s, grid = society.config.society, society.grid
    r = min(s.vision, (grid.side - 1) // 2)
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    footprint = {"moore": np.ones(dy.shape, bool), "von_neumann": np.abs(dy) + np.abs(dx) <= r,
                 "cross": (dy == 0) | (dx == 0)}[s.neighbourhood]
    watched = eyes[society.district].astype(np.float32)
    expressing = before.copy()
    for _ in range(s.contagion_rounds):
        cells = np.zeros(grid.cells)
        cells[society.position] = expressing
        seen = ndimage.correlate(cells.reshape(grid.side, grid.side), footprint.astype(float),
                                 mode="wrap").reshape(-1)
        others = (seen[society.position] - expressing).astype(np.float32)
        ratio = watched / (others * np.float32(s.contagion) + np.float32(1.0))
        net = (society.grievance - society.risk_aversion
               + society.risk_aversion * np.exp(np.float32(-s.arrest_k) * ratio))
        joined = net > society.threshold
        if np.array_equal(joined, expressing):
            break
        expressing = joined
    return expressing


@pytest.mark.parametrize(("vision", "shape", "density"), [
    (1, "moore", 1.0), (2, "moore", 1.0), (3, "von_neumann", 0.8), (2, "cross", 1.0),
    (2, "moore", 0.7), (4, "moore", 1.0)])
def test_running_count_of_expressers_in_view_equals_a_recount(make_society, vision, shape, density):
    # the society keeps the expressers each agent sees as a running count, updated
    # for the few agents who change in each contagion round; the outcome must be
    # that of recounting every round
    society = make_society({**HIGH_GRIEVANCE, "society.vision": vision, "society.neighbourhood": shape,
                            "society.density": density, "society.contagion_rounds": 6,
                            "society.removal_rate": 0.0, "society.enforcement": 0.0,
                            "levers.presence": 0.0, "society.need_noise": 0.05}, seed=vision)
    D = society.grid.districts
    rng = np.random.default_rng(vision)
    changes = 0
    for t in range(1, 9):
        eyes = rng.uniform(0.5, 6.0, D)  # deterrence varies by district and step
        delivery = Delivery(*(np.zeros(D) for _ in range(4)))
        before = society.expressing.copy()
        society.step(t, delivery, eyes)
        expected = _recounted_expression(society, before, eyes)
        changes += int((expected != before).sum())
        np.testing.assert_array_equal(society.expressed, expected)
    assert changes > 50  # agents did join and leave: the running count was exercised
