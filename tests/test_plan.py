"""Plan: policies, the capacity budget, the lever cap, self-healing and pooling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from simulator.loop.knowledge import Knowledge
from simulator.loop.plan import POLICIES, Planner
from simulator.loop.selfstar.healing import SelfHealing
from simulator.parameters import PARAMETERS

K = 4
D = K * K
ACTIVE = [p for p in POLICIES if p != "none"]


def planner(make_config, make_grid, **values):
    config = make_config({"society.districts_per_side": K, **values})
    return Planner(config, make_grid(config).units), config


def healed(config, a):
    """Self-healing's repair orders for assessment ``a`` (None when it is off)."""
    knowledge = Knowledge(config)
    knowledge.assessment = a
    SelfHealing(config).turn(a.step, knowledge)
    return knowledge.repair


def lever_total(plan):
    return plan.accommodate.sum() + plan.constrain.sum() + plan.incentivise.sum()


def test_every_declared_policy_plans_in_its_own_way(make_config, make_grid, assessment, settings_from,
                                                    linear_plant):
    # each choice a scenario may declare is a policy of its own, none a silent default
    assert set(POLICIES) == set(PARAMETERS["plan.policy"].choices)
    tension = np.linspace(0.0, 0.6, D)
    plans = {}
    for policy in PARAMETERS["plan.policy"].choices:
        p, config = planner(make_config, make_grid, **{"plan.policy": policy})
        if policy == "predictive":  # it answers as pid until it has learned a model: teach it one
            linear_plant(p, config, 60)
            assert p.predictive.forecast.confident
        plan = p.plan(a := assessment(tension), settings_from(config), budget=0.4 * D, mobilise=np.zeros(D),
                      repair=healed(config, a))
        plans[policy] = np.concatenate((plan.accommodate, plan.constrain, plan.incentivise))
    names = list(plans)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.abs(plans[a] - plans[b]).max() > 1e-3, (a, b)


def test_policy_none_gives_zeros(make_config, make_grid, assessment, settings_from):
    p, config = planner(make_config, make_grid, **{"plan.policy": "none"})
    hot = assessment(np.linspace(0.0, 0.9, D))
    plan = p.plan(hot, settings_from(config), budget=100.0, mobilise=np.zeros(D),
                  repair=healed(config, hot))
    for lever in (plan.accommodate, plan.constrain, plan.incentivise, plan.mobilise):
        assert lever.shape == (D,)
        np.testing.assert_array_equal(lever, 0.0)


@pytest.mark.parametrize("policy", ACTIVE)
def test_active_policies_respond_to_hot_districts(make_config, make_grid, assessment, settings_from, policy):
    p, config = planner(make_config, make_grid, **{"plan.policy": policy})
    tension = np.full(D, 0.1)
    tension[5] = 0.6
    plan = p.plan(a := assessment(tension), settings_from(config), budget=0.4 * D, mobilise=np.zeros(D),
                  repair=healed(config, a))
    response = plan.accommodate + plan.constrain
    assert response[5] > 0
    assert response[5] == response.max()
    assert plan.incentivise.sum() > 0


@pytest.mark.parametrize("policy", POLICIES)
@settings(max_examples=40, deadline=None)
@given(
    tension=arrays(np.float64, D, elements=st.floats(0.0, 1.0)),
    budget=st.floats(0.0, 20.0),
    mobilise=arrays(np.float64, D, elements=st.floats(0.0, 5.0)),
    gain=st.floats(0.0, 50.0), soft=st.floats(0.0, 1.0), incentive=st.floats(0.0, 1.0),
    centralisation=st.floats(0.0, 1.0), granularity=st.sampled_from([1, 2, 4]),
    cap=st.floats(0.0, 3.0), healing=st.booleans(), steps=st.integers(1, 4),
)
def test_allocations_respect_budget_and_cap(make_config, make_grid, assessment, settings_from, policy,
                                            tension, budget, mobilise, gain, soft, incentive,
                                            centralisation, granularity, cap, healing, steps):
    p, config = planner(make_config, make_grid, **{
        "plan.policy": policy, "execute.max_intensity": cap, "healing.enabled": healing,
        "plan.integral": 1.0, "plan.derivative": 2.0})
    s = settings_from(config, gain=gain, soft_share=soft, incentive_share=incentive,
                      centralisation=centralisation, granularity=granularity)
    for t in range(steps):  # a few steps, so integral and derivative terms are exercised
        a = assessment(np.roll(tension, t), step=t)
        plan = p.plan(a, s, budget, mobilise, healed(config, a))
        assert lever_total(plan) <= budget * (1 + 1e-9) + 1e-12
        for lever in (plan.accommodate, plan.constrain, plan.incentivise, plan.mobilise):
            assert lever.shape == (D,)
            assert lever.min() >= 0.0
            assert lever.max() <= cap + 1e-12


def test_pid_with_all_soft_gives_no_constraint(make_config, make_grid, assessment, settings_from):
    p, config = planner(make_config, make_grid, **{"plan.policy": "pid"})
    s = settings_from(config, soft_share=1.0)
    rng = np.random.default_rng(3)
    for t in range(5):
        plan = p.plan(a := assessment(rng.random(D), step=t), s, budget=0.4 * D, mobilise=np.zeros(D),
                      repair=healed(config, a))
        np.testing.assert_array_equal(plan.constrain, 0.0)
        assert plan.accommodate.sum() > 0


@pytest.mark.parametrize("policy", ACTIVE)
def test_self_healing_repairs_with_the_delegated_share(make_config, make_grid, assessment,
                                                       settings_from, policy):
    """Delegated fully: off, every local unit spreads its share evenly; on, the
    districts in fault get their own response. Centralised fully: nothing is
    delegated, so self-healing changes nothing."""
    tension = np.linspace(0.0, 0.6, D)
    plans = {}
    for healing in (True, False):
        for centralisation in (0.0, 1.0):
            p, config = planner(make_config, make_grid, **{"plan.policy": policy, "healing.enabled": healing})
            s = settings_from(config, centralisation=centralisation, granularity=1)
            plans[healing, centralisation] = p.plan(a := assessment(tension), s, budget=4.0 * D,
                                                    mobilise=np.zeros(D), repair=healed(config, a))
    flat, local = plans[False, 0.0], plans[True, 0.0]
    for lever in (flat.accommodate, flat.constrain, flat.incentivise):
        np.testing.assert_allclose(lever, lever[0])  # no healing: the same everywhere
    assert flat.accommodate.sum() + flat.constrain.sum() > 0
    own = plans[True, 1.0]  # the centre answers every district by its own error
    ordered = a.tension > config.analyze.setpoint  # self-healing's repair orders
    assert 0 < ordered.sum() < D
    for lever in ("accommodate", "constrain"):
        repaired, even = getattr(local, lever), getattr(flat, lever)
        np.testing.assert_allclose(repaired[ordered], getattr(own, lever)[ordered])
        np.testing.assert_allclose(repaired[~ordered], even[~ordered])
        np.testing.assert_allclose(getattr(own, lever), getattr(plans[False, 1.0], lever))
    assert np.ptp(own.accommodate + own.constrain) > 0.05


@pytest.mark.parametrize("policy", ["pid", "threshold", "balanced"])
def test_centralisation_pools_the_budget_to_a_hot_district(make_config, make_grid, assessment,
                                                           settings_from, policy):
    tension = np.full(D, 0.1)
    tension[6] = 0.6  # one hot district; the others below the set-point
    hot = {}
    for centralisation in (0.0, 1.0):
        p, config = planner(make_config, make_grid, **{"plan.policy": policy})
        s = settings_from(config, centralisation=centralisation, granularity=1)
        plan = p.plan(a := assessment(tension), s, budget=0.4 * D, mobilise=np.zeros(D),
                      repair=healed(config, a))
        hot[centralisation] = plan.accommodate[6] + plan.constrain[6]
    # locally, a district can spend only its own share of the lever budget
    lever_budget_each = 0.4 * (1 - config.plan.incentive_share)
    assert hot[0.0] <= lever_budget_each + 1e-9
    assert hot[1.0] > 1.5 * hot[0.0]


@pytest.mark.parametrize("centralisation", [0.0, 0.3, 1.0])
def test_the_plan_records_which_share_the_centre_decided(make_config, make_grid, assessment,
                                                        settings_from, centralisation):
    p, config = planner(make_config, make_grid, **{"plan.policy": "pid"})
    s = settings_from(config, centralisation=centralisation, granularity=1)
    calm = p.plan(a := assessment(np.full(D, 0.3)), s, budget=100.0, mobilise=np.zeros(D),
                  repair=healed(config, a))
    np.testing.assert_allclose(calm.central, centralisation)  # budget not binding: the plain share
    tension = np.full(D, 0.1)
    tension[6] = 0.9
    tight = p.plan(a := assessment(tension), s, budget=0.4 * D, mobilise=np.zeros(D),
                   repair=healed(config, a))
    # short of budget, the hot district gets more from the pooling centre than from its own unit
    assert tight.central[6] >= centralisation - 1e-12
    assert 0.0 <= tight.central.min() and tight.central.max() <= 1.0


def test_larger_units_pool_like_a_partial_centre(make_config, make_grid, assessment, settings_from):
    tension = np.full(D, 0.1)
    tension[0] = 0.6
    hot = []
    for granularity in (1, 2, 4):
        p, config = planner(make_config, make_grid, **{"plan.policy": "pid"})
        s = settings_from(config, centralisation=0.0, granularity=granularity)
        plan = p.plan(a := assessment(tension), s, budget=0.4 * D, mobilise=np.zeros(D),
                      repair=healed(config, a))
        hot.append(plan.accommodate[0] + plan.constrain[0])
    assert hot[0] < hot[1] <= hot[2]


def test_soft_share_splits_the_response(make_config, make_grid, assessment, settings_from):
    p, config = planner(make_config, make_grid, **{"plan.policy": "threshold"})
    tension = np.where(np.arange(D) < 3, 0.5, 0.1)
    plan = p.plan(a := assessment(tension), settings_from(config, soft_share=0.25, centralisation=1.0), budget=100.0,
                  mobilise=np.zeros(D), repair=healed(config, a))
    response = config.plan.threshold_response
    np.testing.assert_allclose(plan.accommodate, np.where(np.arange(D) < 3, 0.25 * response, 0.0))
    np.testing.assert_allclose(plan.constrain, np.where(np.arange(D) < 3, 0.75 * response, 0.0))


@pytest.mark.parametrize("policy", POLICIES)
def test_mobilisation_passes_through_within_the_cap(make_config, make_grid, assessment, settings_from, policy):
    p, config = planner(make_config, make_grid, **{"plan.policy": policy, "execute.max_intensity": 1.5})
    mobilise = np.linspace(0.0, 4.0, D)
    plan = p.plan(a := assessment(np.full(D, 0.1)), settings_from(config), budget=0.4 * D, mobilise=mobilise,
                  repair=healed(config, a))
    np.testing.assert_allclose(plan.mobilise, np.minimum(mobilise, 1.5))
