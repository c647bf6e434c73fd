"""GovernanceModel: reproducibility, Mesa conventions, and the four self-* switches."""

import random

import mesa
import numpy as np
import pandas as pd
import pytest

from simulator import SERIES, GovernanceModel
from simulator.config import Config
from simulator.errors import ParameterError
from simulator.loop.execute import decision_delays
from simulator.model import ScenarioModel
from simulator.scenario import load_scenario

SMALL = {"society.agents": 900}
# exercise every random path: mobility, random shocks, removals
BUSY = {**SMALL, "society.mobility": 0.2, "shock.rate": 0.05, "disturbance.rate": 0.06}


def series(steps=40, seed=1, **overrides):
    return GovernanceModel.from_scenario("baseline", seed=seed, steps=steps,
                           overrides={**SMALL, **overrides}).run().series()


# -- reproducibility ----------------------------------------------------------------------

def test_same_scenario_and_seed_give_bit_identical_series():
    a = series(60, seed=3, **BUSY)
    b = series(60, seed=3, **BUSY)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a["shock"].sum() > 0 and a["removed"].max() > 0  # the random paths were exercised


def test_different_seeds_give_different_series():
    a, b = series(30, seed=1, **BUSY), series(30, seed=2, **BUSY)
    assert not a[["need", "trust", "expression", "participation"]].equals(
        b[["need", "trust", "expression", "participation"]])
    assert (a["need"] != b["need"]).sum() > 25


def test_without_a_seed_the_scenario_seed_is_used():
    scenario_seed = load_scenario("baseline").seed
    plain = GovernanceModel.from_scenario("baseline", steps=10, overrides=SMALL).run().series()
    seeded = series(10, seed=scenario_seed)
    pd.testing.assert_frame_equal(plain, seeded, check_exact=True)
    assert not seeded.equals(series(10, seed=scenario_seed + 1))


def test_the_model_uses_only_its_own_generator():
    runs = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)  # noqa: NPY002 - the global stream must not matter
        random.seed(global_seed)
        runs.append(series(30, seed=5, **BUSY))
        np.random.random(17)  # noqa: NPY002 - disturb the global streams between runs too
        random.random()
    pd.testing.assert_frame_equal(runs[0], runs[1], check_exact=True)


def test_rng_argument_is_mesa_style():
    a = GovernanceModel.from_scenario("baseline", rng=np.random.default_rng(9), steps=15, overrides=SMALL)
    b = GovernanceModel.from_scenario("baseline", rng=np.random.default_rng(9), steps=15, overrides=SMALL)
    pd.testing.assert_frame_equal(a.run().series(), b.run().series(), check_exact=True)


# -- the constructor and the run --------------------------------------------------------------

def test_the_model_is_built_from_a_configuration():
    with pytest.raises(TypeError, match=r"use GovernanceModel\.from_scenario"):
        GovernanceModel("baseline")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        GovernanceModel(Config.from_mapping(SMALL), 5)  # type: ignore[misc]  # the rest is keywords
    # loading a scenario is outside the model: the same numbers either way
    sc = load_scenario("baseline").with_changes(overrides=SMALL)
    built = GovernanceModel(sc.config, steps=6, seed=sc.seed).run().series()
    loaded = GovernanceModel.from_scenario(sc, steps=6).run().series()
    pd.testing.assert_frame_equal(built, loaded, check_exact=True)


def test_overrides_are_validated():
    with pytest.raises(ParameterError, match=r"did you mean 'plan.policy'"):
        GovernanceModel.from_scenario("baseline", overrides={"plan.polcy": "pid"})
    with pytest.raises(ParameterError, match=r"society.agents must be an integer"):
        GovernanceModel.from_scenario("baseline", overrides={"society.agents": 0})


def test_a_bare_config_runs_with_explicit_steps():
    model = GovernanceModel(Config.from_mapping(SMALL), seed=1)
    assert model.running and model.max_steps is None
    with pytest.raises(ValueError, match=r"give steps"):
        model.run()
    model.run(7)
    assert model.steps == 7 and len(model.series()) == 8


@pytest.mark.parametrize("steps", [0, 1, 5])
def test_running_turns_false_after_steps(steps):
    model = GovernanceModel.from_scenario("baseline", seed=1, steps=steps, overrides=SMALL)
    for _ in range(steps):
        assert model.running
        model.step()
    assert not model.running
    assert model.steps == steps
    frame = model.series()
    assert len(frame) == steps + 1  # the initial state, then one row per step
    np.testing.assert_array_equal(frame["step"], np.arange(steps + 1))


def test_batch_run_drives_the_model():
    rows = mesa.batch_run(
        ScenarioModel,
        parameters={"scenario": "baseline", "overrides": [{"society.agents": 900}], "steps": 5},
        iterations=2, max_steps=5, number_processes=1, display_progress=False,
    )
    assert len(rows) == 2  # model reporters only: one row per run
    for row in rows:
        assert set(SERIES) <= set(row)
        assert row["overrides"] == {"society.agents": 900}
        assert all(np.isfinite(float(row[name])) for name in SERIES)
    assert rows[0]["RunId"] != rows[1]["RunId"]


def test_batch_run_varies_overrides():
    rows = mesa.batch_run(
        ScenarioModel,
        parameters={"scenario": "baseline", "steps": 20,
                    "overrides": [{**SMALL, "plan.policy": "none"}, {**SMALL, "plan.policy": "pid"}]},
        iterations=1, max_steps=20, number_processes=1, display_progress=False,
    )
    by_policy = {row["overrides"]["plan.policy"]: row for row in rows}
    assert by_policy["none"]["accommodate"] == 0.0
    assert by_policy["pid"]["accommodate"] > 0.0


# -- the four self-* loops can each be switched off ---------------------------------------------

def test_self_healing_switch():
    delegated = {**SMALL, "structure.centralisation": 0.0, "configuring.enabled": False}
    local = GovernanceModel.from_scenario("baseline", seed=2, steps=30, overrides=delegated)
    flat = GovernanceModel.from_scenario("baseline", seed=2, steps=30,
                           overrides={**delegated, "healing.enabled": False})
    spread = {True: 0.0, False: 0.0}
    for _ in range(30):
        local.step()
        flat.step()
        mine, theirs = local.report().plan, flat.report().plan
        spread[True] = max(spread[True], np.ptp(mine.accommodate + mine.constrain))
        spread[False] = max(spread[False], np.ptp(theirs.accommodate), np.ptp(theirs.constrain))
    assert spread[True] > 0.01  # healing: a response where the faults are
    assert spread[False] < 1e-12  # without healing, all delegated: one response everywhere
    assert not local.series()["accommodate"].equals(flat.series()["accommodate"])


def test_self_protecting_switch():
    crisis_always = {"analyze.crisis_share": 0.0}  # every step counts as a crisis
    on = series(30, **crisis_always)
    off = series(30, **crisis_always, **{"protecting.enabled": False})
    assert on["crisis"].iloc[1:].all() and off["crisis"].iloc[1:].all()
    assert on["mobilise"].max() > 0 and on["reserve"].iloc[-1] < on["reserve"].iloc[0]
    assert on["fatigue"].iloc[-1] > 0
    assert (off["reserve"] == 0).all() and (off["mobilise"] == 0).all() and (off["fatigue"] == 0).all()


def test_self_optimizing_switch():
    fast = {"optimizing.period": 10}
    tuned = ["gain", "soft_share", "incentive_share"]
    on = series(40, **fast)
    off = series(40, **fast, **{"optimizing.enabled": False})
    assert (off[tuned].nunique() == 1).all()  # constant with optimizing off
    np.testing.assert_allclose(off[tuned].iloc[-1], [3.0, 0.5, 0.1])
    assert (on[tuned].nunique() > 1).any()
    changes = on.index[(on[tuned].diff().abs().sum(axis=1) > 0)]
    assert set(on.loc[changes, "step"]) <= {10, 20, 30, 40}  # only on its period


def test_self_configuring_switch():
    fast = {"configuring.period": 10}
    structure = ["centralisation", "sharing", "granularity", "capacity"]
    on = series(40, **fast)
    off = series(40, **fast, **{"configuring.enabled": False})
    assert (off[structure].nunique() == 1).all()  # constant with configuring off
    assert on["centralisation"].nunique() > 1
    changes = on.index[(on[structure].diff().abs().sum(axis=1) > 0)]
    assert set(on.loc[changes, "step"]) <= {10, 20, 30, 40}


@pytest.mark.parametrize(("granularity", "centralisation"), [(1, 0.0), (8, 0.0), (1, 1.0)])
def test_larger_units_and_the_centre_decide_more_slowly(granularity, centralisation):
    """A response reaches the society later from a grid-wide unit or the centre."""
    model = GovernanceModel.from_scenario("baseline", steps=40, seed=3, overrides={
        "structure.granularity": granularity, "structure.centralisation": centralisation,
        "structure.central_delay": 6, "configuring.enabled": False, "execute.delay": 0})
    c = model.config
    local, central = decision_delays(c.execute.delay, c.structure.central_delay,
                                     model.knowledge.settings.granularity, c.society.districts_per_side)
    assert central == 7
    assert local == (7 if granularity == 8 else 1)
    model.run()
    first = int(np.argmax(model.recorder.to_frame()["accommodate"].to_numpy() > 0))
    assert first == (1 + 7 if granularity == 8 or centralisation == 1.0 else 1 + 1)
