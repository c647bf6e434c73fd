"""The predictive policy: its pipeline, its fallback, and what it does to a linear society.

The plant is ``linear_plant`` (conftest): a known linear society behind a
monitor delay of 8 and an execution delay of 2, so that a decision first
shows in what the loop sees 11 steps after it is made.
"""

import numpy as np
import pytest

from simulator.loop.foresight import Foresight
from simulator.loop.plan import Planner
from simulator.model import GovernanceModel

K = 4
D = K * K
PLANT = {"society.districts_per_side": K, "monitor.delay": 8, "execute.delay": 2,
         "structure.centralisation": 1.0, "structure.central_delay": 0, "healing.enabled": False,
         "plan.soft_share": 1.0, "plan.gain": 20.0, "plan.integral": 0.0, "analyze.setpoint": 0.2}


def planner(make_config, make_grid, **values):
    config = make_config({**PLANT, **values})
    return Planner(config, make_grid(config).units), config


def test_it_knows_what_is_in_force_from_its_own_orders(make_config, make_grid, linear_plant, settings_from):
    p, config = planner(make_config, make_grid, **{"plan.policy": "predictive"})
    steps = 60
    _, u = linear_plant(p, config, steps)
    seen = steps - 8  # the step the last assessment described
    settings = settings_from(config)
    for ahead in range(11):  # what it ordered up to now lands up to 10 steps after what it sees
        np.testing.assert_allclose(p.predictive.in_force(ahead, settings), u[seen + ahead], atol=1e-12)
    np.testing.assert_array_equal(p.predictive.in_force(11, settings), 0.0)  # not yet decided
    assert u[seen:].sum() > 0


def test_it_answers_as_pid_until_its_model_is_confident(make_config, make_grid, linear_plant):
    runs = {}
    for policy in ("pid", "predictive"):
        p, config = planner(make_config, make_grid, **{"plan.policy": policy})
        runs[policy] = (p, linear_plant(p, config, 11, seed=3))
    # the first responses show in what the loop sees only after 11 steps: nothing to learn from yet
    np.testing.assert_array_equal(runs["pid"][1][1], runs["predictive"][1][1])
    assert not runs["predictive"][0].predictive.forecast.confident


def test_it_learns_the_plant_and_holds_it_where_pid_swings(make_config, make_grid, linear_plant):
    late = slice(150, 301)
    tension = {}
    for policy in ("pid", "predictive"):
        p, config = planner(make_config, make_grid, **{"plan.policy": policy})
        x, _ = linear_plant(p, config, 300, seed=1)
        tension[policy] = x[late]
    c0, c1, b = p.predictive.model.coefficients()
    np.testing.assert_allclose((c1, b), (-0.02, -0.03), atol=0.008)  # the plant's (c0 0.01)
    assert abs(c0 + c1 * 0.2 - 0.006) < 0.002  # the drift at the set-point (measured 0.0048)
    assert p.predictive.forecast.confident
    swing = {policy: x.std(axis=0).mean() for policy, x in tension.items()}  # each district's, on average
    assert swing["predictive"] < 0.3 * swing["pid"]  # measured 0.015 against 0.081
    assert abs(tension["predictive"].mean() - 0.2) < 0.01 < abs(tension["pid"].mean() - 0.2)


def test_without_its_delays_it_swings(make_config, make_grid, linear_plant):
    swings = {}
    for knows in (True, False):
        p, config = planner(make_config, make_grid, **{"plan.policy": "predictive", "plan.knows_delays": knows})
        x, _ = linear_plant(p, config, 300, seed=1)
        swings[knows] = x[150:].std(axis=0).mean()
    assert swings[False] > 3 * swings[True]  # measured 0.082 against 0.015


def test_the_forecast_it_acted_on_is_kept_as_system_means(make_config, make_grid, linear_plant):
    p, config = planner(make_config, make_grid, **{"plan.policy": "predictive", "plan.horizon": 5})
    linear_plant(p, config, 80, seed=2)
    f = p.predictive.forecast
    assert f.step == 72 and f.setpoint == 0.2 and f.confident
    assert len(f.without) == len(f.planned) == 11 + 5 - 1  # through the pipeline, then the horizon
    # the orders on their way land whatever it decides now: the two paths part only after them
    np.testing.assert_allclose(f.planned[:10], f.without[:10])
    assert f.planned[-1] < f.without[-1]
    # what it chose brings the mean forecast nearer the set-point
    assert abs(f.planned[-1] - 0.2) < abs(f.without[-1] - 0.2)


@pytest.mark.parametrize("forgetting", [1.0, 0.98])
def test_a_model_that_never_learns_leaves_the_pid_rule_in_charge(make_config, make_grid, linear_plant, monkeypatch,
                                                                   forgetting):
    """Mechanism off: an effect of 0 is never confident, and the plan is the pid rule's throughout."""
    monkeypatch.setattr(Foresight, "coefficients", lambda self: (0.0, 0.0, 0.0))
    runs = {}
    for policy in ("pid", "predictive"):
        p, config = planner(make_config, make_grid, **{"plan.policy": policy, "knowledge.forgetting": forgetting})
        runs[policy] = linear_plant(p, config, 60, seed=4)[1]
    np.testing.assert_array_equal(runs["pid"], runs["predictive"])


def test_the_same_seed_gives_the_same_numbers():
    def run():
        model = GovernanceModel.from_scenario("pre_emption", seed=5, steps=60,
                                              overrides={"society.agents": 900, "plan.policy": "predictive"})
        model.run()
        return model.series(), model.loop.planner.predictive.forecast

    (first, forecast), (again, forecast_again) = run(), run()
    assert first.equals(again) and forecast == forecast_again
    assert forecast.confident  # it did act on its model within the run
