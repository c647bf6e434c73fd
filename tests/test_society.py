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

from simulator.contracts import Delivery, DistrictState

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
