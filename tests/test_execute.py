"""Execute: plans take effect at their due step, minus loss, bent by alignment."""

import mesa
import numpy as np
import pytest

from simulator.loop.apparatus import Apparatus
from simulator.loop.contracts import Plan
from simulator.loop.execute import Executor

D = 8
ALIGNED = np.ones(D)


def executor(make_config, **values):
    config = make_config(values)
    return Executor(config, D), config


def plan(step, accommodate=0.4, constrain=0.2, incentivise=0.1, mobilise=0.3):
    def full(v):
        return np.full(D, float(v))

    return Plan(step, full(accommodate), full(constrain), full(incentivise), full(mobilise))


def test_a_plan_takes_effect_exactly_at_its_due_step_and_stays(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0})
    ex.submit(plan(0), due=5)
    for t in range(5):
        d = ex.deliver(t, ALIGNED, sharing=0.5)
        for lever in (d.accommodate, d.constrain, d.incentivise, d.mobilise):
            np.testing.assert_array_equal(lever, 0.0)
    for t in range(5, 12):  # in force from its due step until something replaces it
        d = ex.deliver(t, ALIGNED, sharing=0.5)
        np.testing.assert_allclose(d.accommodate, 0.4)
        np.testing.assert_allclose(d.constrain, 0.2)
        np.testing.assert_allclose(d.incentivise, 0.1)
        np.testing.assert_allclose(d.mobilise, 0.3)


def test_a_newer_plan_replaces_the_older_at_its_own_due_step(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0})
    ex.submit(plan(0, accommodate=0.4), due=3)
    ex.submit(plan(1, accommodate=0.9), due=6)
    got = [float(ex.deliver(t, ALIGNED, 0.0).accommodate[0]) for t in range(9)]
    np.testing.assert_allclose(got, [0, 0, 0, 0.4, 0.4, 0.4, 0.9, 0.9, 0.9])


def test_of_several_due_plans_the_newest_wins(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0})
    ex.submit(plan(2, accommodate=0.7), due=4)
    ex.submit(plan(0, accommodate=0.1), due=2)
    ex.submit(plan(1, accommodate=0.5), due=4)
    d = ex.deliver(10, ALIGNED, 0.0)  # all three are due at once
    np.testing.assert_allclose(d.accommodate, 0.7)
    np.testing.assert_allclose(ex.deliver(11, ALIGNED, 0.0).accommodate, 0.7)


@pytest.mark.parametrize(("loss", "sharing"), [(0.0, 0.0), (0.15, 0.5), (0.5, 0.0), (0.5, 1.0), (1.0, 0.2)])
def test_loss_times_unshared_information_reduces_delivery(make_config, loss, sharing):
    ex, _ = executor(make_config, **{"execute.loss": loss, "apparatus.overreach": 0.0})
    ex.submit(plan(0), due=0)
    d = ex.deliver(0, ALIGNED, sharing)
    kept = 1.0 - loss * (1.0 - sharing)
    np.testing.assert_allclose(d.accommodate, 0.4 * kept)
    np.testing.assert_allclose(d.constrain, 0.2 * kept)
    np.testing.assert_allclose(d.incentivise, 0.1 * kept)
    np.testing.assert_allclose(d.mobilise, 0.3 * kept)


def test_sharing_recovers_what_loss_takes(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.4})
    ex.submit(plan(0), due=0)
    isolated = ex.deliver(0, ALIGNED, 0.0).accommodate.sum()
    shared = ex.deliver(1, ALIGNED, 1.0).accommodate.sum()
    assert shared > isolated
    np.testing.assert_allclose(shared, 0.4 * D)


def test_low_alignment_withholds_accommodation_and_overapplies_constraint(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0, "apparatus.overreach": 0.5})
    ex.submit(plan(0), due=0)
    alignment = np.linspace(1.0, 0.2, D)
    d = ex.deliver(0, alignment, 0.0)
    np.testing.assert_allclose(d.accommodate, 0.4 * alignment)
    np.testing.assert_allclose(d.constrain, 0.2 * (1.0 + 0.5 * (1.0 - alignment)))
    assert np.all(np.diff(d.accommodate) < 0) and np.all(np.diff(d.constrain) > 0)
    np.testing.assert_allclose(d.incentivise, 0.1)  # incentives and mobilisation are not bent
    np.testing.assert_allclose(d.mobilise, 0.3)


def test_overreach_is_bounded(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0, "apparatus.overreach": 5.0,
                                          "execute.max_intensity": 1.0})
    ex.submit(plan(0, constrain=1.0), due=0)
    d = ex.deliver(0, np.zeros(D), 0.0)
    np.testing.assert_allclose(d.constrain, 2.0)  # 1 * (1 + 5) capped at twice the lever cap
    np.testing.assert_allclose(d.accommodate, 0.0)


def test_the_central_share_arrives_at_its_own_later_step(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0})
    central = np.full(D, 0.25)
    ex.submit(Plan(0, np.full(D, 0.8), np.full(D, 0.4), np.full(D, 0.1), np.zeros(D), central),
              due=2, central_due=5)
    acc = [float(ex.deliver(t, ALIGNED, 0.0).accommodate[0]) for t in range(7)]
    con = float(ex.deliver(7, ALIGNED, 0.0).constrain[0])
    # local three quarters from step 2, the centre's quarter joins at step 5
    np.testing.assert_allclose(acc, [0, 0, 0.6, 0.6, 0.6, 0.8, 0.8])
    np.testing.assert_allclose(con, 0.4)
    np.testing.assert_allclose(ex.deliver(8, ALIGNED, 0.0).incentivise, 0.1)  # local only


def test_each_channel_keeps_its_own_newest_plan(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.0})
    half = np.full(D, 0.5)
    ex.submit(Plan(0, np.full(D, 1.0), np.zeros(D), np.zeros(D), np.zeros(D), half), due=1, central_due=4)
    ex.submit(Plan(1, np.full(D, 2.0), np.zeros(D), np.zeros(D), np.zeros(D), half), due=2, central_due=5)
    acc = [float(ex.deliver(t, ALIGNED, 0.0).accommodate[0]) for t in range(7)]
    np.testing.assert_allclose(acc, [0, 0.5, 1.0, 1.0, 1.5, 2.0, 2.0])


@pytest.mark.parametrize("in_place", [False, True])
def test_delivery_follows_a_change_of_alignment_on_the_very_next_step(make_config, in_place):
    # the plan in force is the same object step after step; only the agencies'
    # alignment moves. A delivery remembered from the last step must not be reused.
    ex, _ = executor(make_config, **{"execute.loss": 0.0, "apparatus.overreach": 0.5})
    ex.submit(plan(0, accommodate=0.4, constrain=0.2), due=0)
    alignment = np.ones(D)
    path = [1.0, 0.5, 0.5, 0.25, 1.0]
    for t, level in enumerate(path):
        if in_place:  # the caller edits its array: the executor must not hold a view of it
            alignment[:] = level
        else:
            alignment = np.full(D, level)
        d = ex.deliver(t, alignment, sharing=0.0)
        np.testing.assert_allclose(d.accommodate, 0.4 * level)
        np.testing.assert_allclose(d.constrain, 0.2 * (1.0 + 0.5 * (1.0 - level)))


def test_delivery_follows_a_change_of_sharing_on_the_very_next_step(make_config):
    ex, _ = executor(make_config, **{"execute.loss": 0.5})
    ex.submit(plan(0), due=0)
    for t, sharing in enumerate([0.0, 0.0, 1.0, 1.0, 0.0]):
        d = ex.deliver(t, ALIGNED, sharing)
        np.testing.assert_allclose(d.accommodate, 0.4 * (1.0 - 0.5 * (1.0 - sharing)))


def test_delivery_follows_the_apparatus_as_its_alignment_drifts(make_config, make_grid):
    # Execute and the apparatus as the model wires them: each step the executor
    # reads the alignment the agencies have after last step's coercion
    config = make_config({"execute.loss": 0.0, "apparatus.drift": 0.3, "apparatus.overreach": 0.0,
                          "apparatus.agencies": 4})
    grid = make_grid(config)
    apparatus = Apparatus(mesa.Model(seed=0), config, grid.agency_of_district)
    ex = Executor(config, grid.districts)
    full = np.full(grid.districts, 0.4)
    ex.submit(Plan(0, full, full.copy(), np.zeros(grid.districts), np.zeros(grid.districts)), due=0)
    seen = []
    for t in range(6):
        alignment = apparatus.alignment_by_district()
        d = ex.deliver(t, alignment, sharing=0.0)
        np.testing.assert_allclose(d.accommodate, 0.4 * alignment)
        seen.append(float(d.accommodate.mean()))
        apparatus.step(d, centralisation=0.0)
    # the constraint held lets alignment, and so accommodation delivered, fall every step
    assert np.all(np.diff(seen) < -0.01), seen
