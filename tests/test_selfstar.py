"""The four self-* loops, each a MAPE-K loop over Knowledge.

(What self-healing's decision does to allocations is tested in ``test_plan.py``.)
"""

import dataclasses

import numpy as np
import pytest

from simulator.loop.governance import GovernanceLoop
from simulator.loop.knowledge import Knowledge, Record
from simulator.loop.mapek import MapeLoop
from simulator.loop.selfstar.configuring import SelfConfiguring
from simulator.loop.selfstar.healing import SelfHealing, delegated_response
from simulator.loop.selfstar.optimizing import SelfOptimizing
from simulator.loop.selfstar.protecting import SelfProtecting
from simulator.model import GovernanceModel

D = 10


def record(error=0.0, crisis=False, fault_share=0.0, tension=0.2, participation=0.4):
    return Record(tension=tension, observed_participation=participation,
                  error=error, fault_share=fault_share, crisis=crisis, cost=0.0)


# -- self-healing ----------------------------------------------------------------------

def test_the_centre_answers_each_district_and_local_units_repair_where_ordered():
    response = np.array([0.0, 1.0, 2.0, 5.0])
    repair = np.array([False, False, True, True])
    even = response.mean()  # 2.0
    np.testing.assert_allclose(delegated_response(response, None, 0.0), even)  # no self-healing
    np.testing.assert_allclose(delegated_response(response, repair, 0.0), [even, even, 2.0, 5.0])
    np.testing.assert_allclose(delegated_response(response, repair, 1.0), response)  # nothing delegated
    np.testing.assert_allclose(delegated_response(response, repair, 0.25),
                               0.25 * response + 0.75 * np.array([even, even, 2.0, 5.0]))


@pytest.mark.parametrize("enabled", [True, False])
def test_self_healing_orders_repairs_where_districts_are_in_fault(make_config, assessment, enabled):
    k = Knowledge(make_config())
    k.assessment = _crisis(assessment)
    healing = SelfHealing(make_config({"healing.enabled": enabled}))
    assert healing.turn(3, k) is enabled
    if not enabled:
        assert k.repair is None
        return
    np.testing.assert_array_equal(k.repair, np.arange(D) < 4)
    saw, concluded, did = healing.explain(healing.last)
    assert saw.startswith("4 of 10 districts are above the set-point")
    assert concluded == "Repair 4 districts where they are."
    assert "their own district's error" in did


def _rising(assessment):
    """Districts 0-2 above the set-point; 3-5 below it but rising 0.01 a step."""
    tension = np.where(np.arange(D) < 3, 0.3, np.where(np.arange(D) < 6, 0.14, 0.1))
    a = assessment(tension)
    return dataclasses.replace(a, trend=np.where((np.arange(D) >= 3) & (np.arange(D) < 6), 0.01, 0.0))


@pytest.mark.parametrize("horizon, repaired", [(0, 3), (2, 3), (4, 6), (40, 6)])
def test_a_horizon_repairs_a_fault_before_it_arises(make_config, assessment, horizon, repaired):
    """0.14 rising 0.01 a step crosses the set-point 0.17 after 3 steps."""
    k = Knowledge(make_config())
    k.assessment = _rising(assessment)
    healing = SelfHealing(make_config({"healing.horizon": horizon, "analyze.setpoint": 0.17}))
    healing.turn(0, k)
    assert int(k.repair.sum()) == repaired
    assert k.repair[:3].all()  # reactive repair does not depend on the horizon
    now, ahead = healing.last.concluded
    assert int(now.sum()) == 3 and int(ahead.sum()) == repaired - 3
    if horizon:
        assert f"and {repaired - 3} more will be within {horizon} steps" in healing.explain(healing.last)[0]


# -- self-protecting ---------------------------------------------------------------------

def _crisis(assessment):
    tension = np.where(np.arange(D) < 4, 0.5, 0.1)
    return assessment(tension, crisis=True)


def _quiet(assessment):
    return assessment(np.full(D, 0.1), crisis=False)


def respond(loop: SelfProtecting, a, step: int = 0) -> np.ndarray:
    """One turn of self-protecting on assessment ``a``: the mobilisation it ordered."""
    k = Knowledge(loop.config)
    k.assessment = a
    loop.turn(step, k)
    return k.mobilisation if k.mobilisation is not None else np.zeros(a.faults.size)


def test_reserve_is_released_only_in_crisis(make_config, assessment):
    p = SelfProtecting(make_config(), D)
    full = p.reserve
    np.testing.assert_allclose(full, 0.5 * D)
    for _ in range(5):
        np.testing.assert_array_equal(respond(p, _quiet(assessment)), 0.0)
    assert p.reserve == full and p.fatigue == 0.0
    out = respond(p, _crisis(assessment))
    release = make_config().protecting.release
    fatigue = make_config().protecting.fatigue
    np.testing.assert_allclose(p.reserve, full * (1 - release))
    np.testing.assert_allclose(out.sum(), full * release * (1 - fatigue))
    # it goes to the districts in fault, in proportion to their error
    assert (out[:4] > 0).all() and (out[4:] == 0).all()


def test_fatigue_grows_in_crisis_and_reserve_recovers_when_quiet(make_config, assessment):
    p = SelfProtecting(make_config(), D)
    released, fatigue = [], []
    for _ in range(6):
        released.append(respond(p, _crisis(assessment)).sum())
        fatigue.append(p.fatigue)
    assert np.all(np.diff(fatigue) > 0)
    assert np.all(np.diff(released) < 0)  # a shrinking reserve, weakened by fatigue
    low_reserve, tired = p.reserve, p.fatigue
    reserves = []
    for _ in range(50):
        np.testing.assert_array_equal(respond(p, _quiet(assessment)), 0.0)
        reserves.append(p.reserve)
    assert np.all(np.diff(reserves) > 0) and reserves[-1] > low_reserve
    assert reserves[-1] <= p.capacity
    assert p.fatigue < tired


def test_crisis_without_faulty_districts_spreads_mobilisation_evenly(make_config, assessment):
    p = SelfProtecting(make_config(), D)
    out = respond(p, assessment(np.full(D, 0.1), crisis=True))
    np.testing.assert_allclose(out, out[0])
    assert out[0] > 0


def test_disabled_self_protecting_does_nothing(make_config, assessment):
    p = SelfProtecting(make_config({"protecting.enabled": False}), D)
    assert p.reserve == 0.0
    for _ in range(5):
        np.testing.assert_array_equal(respond(p, _crisis(assessment)), 0.0)
    assert p.reserve == 0.0 and p.fatigue == 0.0


# -- self-optimizing -----------------------------------------------------------------------

def _learned(make_config, effect_soft, effect_hard, seed=0, steps=60):
    """Knowledge fed a synthetic society where each lever moves the objective as given."""
    k = Knowledge(make_config())
    rng = np.random.default_rng(seed)
    objective = np.full(D, 0.3)
    for _ in range(steps):
        acc, con = rng.random(D), rng.random(D)
        objective = objective + effect_soft * acc + effect_hard * con + 0.01 * rng.standard_normal(D)
        k.learn(objective, acc, con)
        k.remember(record(error=0.05))
    return k


@pytest.mark.parametrize("seed", range(3))
def test_learned_lever_effects_recover_the_synthetic_ones(make_config, seed):
    k = _learned(make_config, -0.04, 0.02, seed)
    np.testing.assert_allclose(k.lever_effects(), (-0.04, 0.02), atol=0.005)


@pytest.mark.parametrize(("effect_soft", "effect_hard", "direction"), [
    (-0.05, 0.02, +1),  # accommodation lowers the objective more: more soft
    (0.02, -0.05, -1),  # constraint lowers it more: more hard
    (-0.01, -0.06, -1),
    (-0.06, -0.01, +1),
])
def test_self_optimizing_moves_the_mix_toward_the_better_lever(make_config, effect_soft, effect_hard, direction):
    config = make_config({"optimizing.period": 25, "optimizing.step": 0.05})
    k = _learned(make_config, effect_soft, effect_hard)
    before = k.settings.soft_share
    SelfOptimizing(config).turn(50, k)
    np.testing.assert_allclose(k.settings.soft_share, before + direction * 0.05)


def test_self_optimizing_acts_only_on_its_period(make_config):
    config = make_config({"optimizing.period": 25})
    k = _learned(make_config, -0.05, 0.02)
    opt = SelfOptimizing(config)
    before = k.settings
    for step in (1, 13, 24, 26, 49):
        opt.turn(step, k)
        assert k.settings == before
    opt.turn(25, k)
    assert k.settings != before


def test_self_optimizing_disabled_changes_nothing(make_config):
    k = _learned(make_config, -0.05, 0.02)
    before = k.settings
    SelfOptimizing(make_config({"optimizing.enabled": False})).turn(25, k)
    assert k.settings == before


@pytest.mark.parametrize(("errors", "factor"), [
    ([0.05] * 25, 1.05),  # persistently above the set-point: push harder
    ([0.05, -0.05] * 12 + [0.05], 0.95),  # hunting around it: calm down
    ([-0.05] * 25, 1.0),  # below it, steady: leave the gain
])
def test_self_optimizing_tunes_the_gain(make_config, errors, factor):
    k = Knowledge(make_config())
    for e in errors:
        k.remember(record(error=e))
    SelfOptimizing(make_config({"optimizing.period": 25, "optimizing.step": 0.05})).turn(25, k)
    np.testing.assert_allclose(k.settings.gain, 3.0 * factor)


@pytest.mark.parametrize(("participation", "change"), [(0.1, +0.05), (0.9, -0.025)])
def test_self_optimizing_buys_participation_while_it_is_low(make_config, participation, change):
    k = Knowledge(make_config())
    for _ in range(25):
        k.remember(record(participation=participation))
    SelfOptimizing(make_config({"optimizing.period": 25, "optimizing.step": 0.05})).turn(25, k)
    np.testing.assert_allclose(k.settings.incentive_share, 0.1 + change)


@pytest.mark.parametrize(("objective", "field"), [("tension", "tension"), ("observed", "expression")])
def test_self_optimizing_objective_choice(make_config, assessment, objective, field):
    a = assessment(np.linspace(0.0, 0.5, D))
    a = dataclasses.replace(a, expression=np.full(D, 0.01))
    chosen = SelfOptimizing(make_config({"optimizing.objective": objective})).objective(a)
    np.testing.assert_array_equal(chosen, getattr(a, field))


# -- self-configuring ------------------------------------------------------------------------

def _configuring(make_config, **values):
    config = make_config({"configuring.period": 10, "configuring.step": 0.1, **values})
    return SelfConfiguring(config, config.society.districts_per_side), config


def test_self_configuring_acts_only_on_its_period(make_config):
    conf, config = _configuring(make_config)
    k = Knowledge(config)
    for _ in range(10):
        k.remember(record(crisis=True, fault_share=0.5))
    before = k.settings
    for step in (1, 5, 9, 11, 19):
        conf.turn(step, k)
        assert k.settings == before
    conf.turn(10, k)
    assert k.settings != before


def test_self_configuring_disabled_changes_nothing(make_config):
    conf, config = _configuring(make_config, **{"configuring.enabled": False})
    k = Knowledge(config)
    for _ in range(10):
        k.remember(record(crisis=True, fault_share=0.5))
    before = k.settings
    conf.turn(10, k)
    assert k.settings == before


def test_self_configuring_raises_capacity_after_crises(make_config):
    conf, config = _configuring(make_config, **{"configuring.max_capacity": 1.0})
    k = Knowledge(config)
    capacity = [k.settings.capacity]
    for period in range(1, 13):
        for _ in range(10):
            k.remember(record(crisis=True, fault_share=0.5))
        conf.turn(10 * period, k)
        capacity.append(k.settings.capacity)
    np.testing.assert_allclose(capacity[1], 0.4 * 1.1)
    assert np.all(np.diff(capacity) >= 0)
    np.testing.assert_allclose(capacity[-1], 1.0)  # up to, not beyond, max_capacity
    # and quiet periods release capacity again, down to the scenario's level
    for period in range(13, 60):
        for _ in range(10):
            k.remember(record(crisis=False, fault_share=0.0))
        conf.turn(10 * period, k)
    assert k.settings.capacity < capacity[-1]
    np.testing.assert_allclose(k.settings.capacity, 0.4)


def test_self_configuring_shares_information_while_faults_persist(make_config):
    conf, config = _configuring(make_config)
    k = Knowledge(config)
    for period in range(1, 8):
        for _ in range(10):
            k.remember(record(fault_share=0.5))
        conf.turn(10 * period, k)
        assert 8 % k.settings.granularity == 0  # units always tile the districts
    np.testing.assert_allclose(k.settings.sharing, 1.0)


def test_self_configuring_keeps_what_helps_and_undoes_what_hurts(make_config):
    conf, config = _configuring(make_config)  # 8 districts per side: units of 1, 2, 4, 8
    k = Knowledge(config)
    path = [(k.settings.centralisation, k.settings.granularity)]
    for period, tension in enumerate([0.2, 0.1, 0.3, 0.05, 0.5, 0.1], start=1):
        for _ in range(10):
            k.remember(record(tension=tension))
        conf.turn(10 * period, k)
        path.append((round(k.settings.centralisation, 6), k.settings.granularity))
    # trials alternate between centralisation and unit size: centralisation up (better:
    # kept), larger units (worse: undone, and the kept structure is scored again), more
    # centralisation (worse: undone), then units again (at the smallest: turn round)
    assert path == [(0.5, 1), (0.6, 1), (0.6, 2), (0.6, 1), (0.7, 1), (0.6, 1), (0.6, 2)]


def test_self_configuring_turns_round_at_the_bounds(make_config):
    conf, config = _configuring(make_config, **{"structure.centralisation": 1.0,
                                                "structure.granularity": 8})
    k = Knowledge(config)
    path = []
    for period in range(1, 5):
        for _ in range(10):
            k.remember(record(tension=0.2 - 0.01 * period))  # always a little better
        conf.turn(10 * period, k)
        path.append((round(k.settings.centralisation, 6), k.settings.granularity))
    assert path == [(0.9, 8), (0.9, 4), (0.8, 4), (0.8, 2)]


# -- one interface, one written order ---------------------------------------------------------

SMALL = {"society.agents": 900, "society.districts_per_side": 3, "optimizing.period": 5,
         "configuring.period": 10, "analyze.crisis_share": 0.1}


def test_every_loop_is_a_mape_k_loop_with_scope_and_pace():
    model = GovernanceModel.from_scenario("baseline", overrides=SMALL, steps=20, seed=2).run()
    loops = (model.loop, *model.selfstar)
    assert all(isinstance(loop, MapeLoop) for loop in loops) and isinstance(model.loop, GovernanceLoop)
    assert [loop.name for loop in model.selfstar] == ["self-healing", "self-protecting",
                                                     "self-optimizing", "self-configuring"]
    assert [loop.scope for loop in loops] == ["district", "district", "system", "system", "system"]
    assert model.optimizing.pace == "every 5 steps" and model.configuring.pace == "every 10 steps"
    # each took its last turn at its own pace, and says in words what it saw, concluded and did
    assert [loop.last.step for loop in loops] == [20, 20, 20, 20, 20]
    model.run(3)
    assert [loop.last.step for loop in loops] == [23, 23, 23, 20, 20]
    for loop in model.selfstar:
        words = loop.explain(loop.last)
        assert len(words) == 3 and all(isinstance(w, str) and w.endswith(".") for w in words)


def test_the_model_runs_the_loops_in_the_written_order(monkeypatch):
    """Inside the fast loop's turn: sense, then healing, protecting, optimizing,
    configuring, then act."""
    order: list[str] = []

    def spy(cls, method):
        original = getattr(cls, method)

        def wrapped(self, *args, **kwargs):
            order.append(getattr(self, "name", cls.__name__) if method == "turn" else method)
            return original(self, *args, **kwargs)
        monkeypatch.setattr(cls, method, wrapped)

    for cls in (SelfHealing, SelfProtecting, SelfOptimizing, SelfConfiguring):
        spy(cls, "turn")
    spy(GovernanceLoop, "sense")
    spy(GovernanceLoop, "act")
    model = GovernanceModel.from_scenario("baseline", overrides=SMALL, steps=1, seed=2)
    order.clear()
    model.step()
    assert order == ["sense", "self-healing", "self-protecting", "self-optimizing",
                     "self-configuring", "act"]


def test_a_loop_switched_off_takes_no_turn():
    off = {**SMALL, "healing.enabled": False, "protecting.enabled": False,
           "optimizing.enabled": False, "configuring.enabled": False}
    model = GovernanceModel.from_scenario("baseline", overrides=off, steps=12, seed=2).run()
    assert all(loop.last is None for loop in model.selfstar)
    assert model.knowledge.repair is None and model.knowledge.mobilisation is None
