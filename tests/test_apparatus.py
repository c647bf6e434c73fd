"""The apparatus: agencies whose alignment drifts with coercion and oversight restores."""

import mesa
import numpy as np
import pytest

from simulator.loop.apparatus import Agency, Apparatus
from simulator.loop.capacity import overheads
from simulator.loop.contracts import Delivery
from simulator.model import GovernanceModel


def apparatus(make_config, make_grid, **values):
    config = make_config({"apparatus.agencies": 4, **values})
    model = mesa.Model(seed=0)
    return Apparatus(model, config, make_grid(config).agency_of_district), model, config


def coercive(districts, constrain=0.0, mobilise=0.0):
    zero = np.zeros(districts)
    return Delivery(zero, np.full(districts, constrain), zero.copy(), np.full(districts, mobilise))


def test_alignment_drifts_down_with_coercive_delivery(make_config, make_grid):
    app, _, _ = apparatus(make_config, make_grid, **{"apparatus.drift": 0.05})
    D = app.agency_of_district.size
    path = [app.mean_alignment()]
    for _ in range(20):
        app.step(coercive(D, constrain=1.0), centralisation=0.0)  # no oversight
        path.append(app.mean_alignment())
    assert path[0] == 1.0
    assert np.all(np.diff(path) < 0)
    np.testing.assert_allclose(path[1], 1.0 - 0.05 * 1.0)  # drift * coercion * alignment
    np.testing.assert_allclose(path[-1], 0.95 ** 20)


@pytest.mark.parametrize(("constrain", "mobilise"), [(0.5, 0.0), (0.0, 0.5), (0.25, 0.25)])
def test_mobilisation_counts_as_coercion_like_constraint(make_config, make_grid, constrain, mobilise):
    app, _, _ = apparatus(make_config, make_grid, **{"apparatus.drift": 0.1})
    D = app.agency_of_district.size
    app.step(coercive(D, constrain, mobilise), centralisation=0.0)
    np.testing.assert_allclose(app.mean_alignment(), 1.0 - 0.1 * 0.5)


def test_only_the_agency_holding_coercion_drifts(make_config, make_grid):
    app, _, _ = apparatus(make_config, make_grid)
    D = app.agency_of_district.size
    constrain = np.where(app.agency_of_district == 2, 2.0, 0.0)
    zero = np.zeros(D)
    for _ in range(10):
        app.step(Delivery(zero, constrain, zero.copy(), zero.copy()), centralisation=0.0)
    by_district = app.alignment_by_district()
    assert by_district[app.agency_of_district == 2].max() < 1.0
    np.testing.assert_array_equal(by_district[app.agency_of_district != 2], 1.0)
    assert app.agencies[2].coercion == pytest.approx(2.0)


def test_oversight_times_centralisation_restores_alignment(make_config, make_grid):
    recovered = {}
    for centralisation in (0.0, 0.5, 1.0):
        app, _, _ = apparatus(make_config, make_grid, **{"apparatus.drift": 0.1, "apparatus.oversight": 0.05})
        D = app.agency_of_district.size
        for _ in range(10):
            app.step(coercive(D, constrain=1.0), centralisation=0.0)
        low = app.mean_alignment()
        for _ in range(10):
            app.step(coercive(D), centralisation=centralisation)
        recovered[centralisation] = app.mean_alignment() - low
    assert recovered[0.0] == 0.0  # no oversight without centralisation
    assert 0 < recovered[0.5] < recovered[1.0]


@pytest.mark.parametrize("centralisation", [0.0, 0.3, 1.0])
def test_one_step_of_oversight_follows_the_rule(make_config, make_grid, centralisation):
    app, _, _ = apparatus(make_config, make_grid, **{"apparatus.drift": 0.1, "apparatus.oversight": 0.05})
    D = app.agency_of_district.size
    for _ in range(5):
        app.step(coercive(D, constrain=1.0), centralisation=0.0)
    before = app.mean_alignment()
    np.testing.assert_allclose(before, 0.9 ** 5)
    app.step(coercive(D, constrain=0.5), centralisation=centralisation)
    # alignment <- a - drift * coercion * a + oversight * centralisation * (1 - a)
    expected = before - 0.1 * 0.5 * before + 0.05 * centralisation * (1.0 - before)
    np.testing.assert_allclose(app.mean_alignment(), expected)


def test_oversight_costs_capacity_with_centralisation(make_config, make_grid):
    # monitoring at cost 0.1 and coverage 0.5 takes 0.05 per district, oversight the rest
    assert overheads(0.1, 0.5, 0.05, 0.0, 64) == pytest.approx(0.1 * 0.5 * 64)
    assert overheads(0.1, 0.5, 0.05, 0.5, 64) == pytest.approx(0.1 * 0.5 * 64 + 0.05 * 0.5 * 64)


def test_alignment_stays_in_the_unit_interval(make_config, make_grid):
    app, _, _ = apparatus(make_config, make_grid, **{"apparatus.drift": 1.0, "apparatus.oversight": 1.0})
    D = app.agency_of_district.size
    for constrain, centralisation in [(10.0, 0.0)] * 5 + [(0.0, 1.0)] * 5:
        app.step(coercive(D, constrain=constrain), centralisation=centralisation)
        values = app.alignment_by_district()
        assert values.min() >= 0.0 and values.max() <= 1.0


def test_agencies_are_mesa_agents_registered_in_the_model(make_config, make_grid):
    app, model, _ = apparatus(make_config, make_grid, **{"apparatus.agencies": 5})
    assert len(app.agencies) == 5
    assert all(isinstance(a, Agency) and isinstance(a, mesa.Agent) for a in app.agencies)
    assert set(model.agents) == set(app.agencies)
    assert len({a.unique_id for a in app.agencies}) == 5
    # every district is served by exactly one agency, in contiguous bands
    covered = np.concatenate([a.districts for a in app.agencies])
    np.testing.assert_array_equal(np.sort(covered), np.arange(app.agency_of_district.size))
    assert np.all(np.diff(app.agency_of_district) >= 0)


def test_the_governance_model_registers_its_agencies():
    model = GovernanceModel.from_scenario("baseline", overrides={"society.agents": 900, "apparatus.agencies": 6})
    agencies = list(model.agents)
    assert len(agencies) == 6  # the agencies are the only mesa agents; citizens are arrays
    assert all(isinstance(a, Agency) for a in agencies)
    assert set(agencies) == set(model.apparatus.agencies)
