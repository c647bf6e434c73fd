"""The dashboard's parts that need no browser: controls, charts, words, the game, the CLI."""

import numpy as np
import pytest

from simulator import load_scenario
from simulator.cli import main
from simulator.dashboard import missing_viz
from simulator.dashboard.charts import (FELT_AND_SEEN, MAP_QUANTITIES, district_map,
                                        district_values, line_chart)
from simulator.dashboard.controls import CONTROLS, DashboardModel, model_params
from simulator.dashboard.play import PLAY_STEPS, SCORE_COLUMNS, play_model, score_sheet
from simulator.narrate import STAGES, describe_step
from simulator.parameters import PARAMETERS


def test_controls_come_from_the_declarations_and_the_scenario():
    sc = load_scenario("delay_oscillation")
    params = model_params(sc)
    assert params["scenario"] == "delay_oscillation" and params["seed"]["value"] == sc.seed
    for key in CONTROLS:
        control, p = params[key], PARAMETERS[key]
        assert control["value"] == sc.config[key]
        if p.kind in ("int", "float"):
            assert p.low <= control["min"] <= control["value"] <= control["max"] <= p.high
        elif p.kind == "choice":
            assert control["values"] == list(p.choices)
    assert params["plan.policy"]["value"] == "pid"  # the scenario's value, not the default


def test_a_reset_builds_the_model_from_the_controls():
    model = DashboardModel(scenario="baseline", seed=5, **{"plan.capacity": 0.9, "healing.enabled": False})
    assert model.config.plan.capacity == 0.9 and model.config.healing.enabled is False
    assert model.config.monitor.delay == load_scenario("baseline").config.monitor.delay
    a, b = DashboardModel(scenario="baseline", seed=5), DashboardModel(scenario="baseline", seed=5)
    assert a is not b and a.society is not b.society  # every session its own model


@pytest.fixture(scope="module")
def stepped():
    model = DashboardModel(scenario="baseline", seed=3, **{"society.agents": 2500})
    model.run(20)
    return model


@pytest.mark.parametrize("quantity", list(MAP_QUANTITIES))
def test_district_map_shows_district_aggregates(stepped, quantity):
    values = district_values(stepped, quantity)
    k = stepped.grid.k
    assert values.shape == (k, k)
    option = district_map(values, quantity, stepped.steps)
    data = option["series"][0]["data"]
    assert len(data) == k * k
    # the top-left cell of the map is district 0
    top_left = next(v for x, y, v in data if x == 0 and y == k - 1)
    assert top_left == pytest.approx(values[0, 0], abs=1e-4)
    with pytest.raises(ValueError, match="unknown map quantity"):
        district_values(stepped, "income")


def test_line_chart_carries_the_recorded_series(stepped):
    frame = stepped.series()
    option = line_chart(frame, FELT_AND_SEEN, "t", ymax=1.0)
    assert option["xAxis"]["data"] == frame["step"].tolist()
    for series, column in zip(option["series"], FELT_AND_SEEN):
        np.testing.assert_allclose(series["data"], frame[column], atol=1e-4)


def test_the_loop_in_words(stepped):
    words = describe_step(stepped)
    assert list(words) == list(STAGES)
    assert "1 step ago" in words["Monitor"]  # the baseline monitor delay
    faults = int(stepped.assessment.faults.sum())
    assert f"{faults} of {stepped.grid.districts} districts are faults" in words["Analyze"]
    assert "Policy 'balanced'" in words["Plan"]
    assert f"capacity {stepped.knowledge.settings.capacity:.2f}" in words["Knowledge"]


def test_the_student_plan_follows_the_allocation():
    # a low fault level, so that some districts are faults and some are not
    sc = load_scenario("baseline").with_changes(overrides={"society.agents": 2500,
                                                           "analyze.fault_level": 0.14})
    model = play_model(sc, 7)
    assert model.max_steps == PLAY_STEPS and model.config.optimizing.enabled is False
    a = model.planner.allocation
    a.intensity, a.soft_share, a.incentive_share, a.focus = 1.0, 0.25, 0.0, False
    for _ in range(5):
        model.step()
    plan = model.plan
    np.testing.assert_allclose(plan.accommodate, plan.accommodate[0])  # evenly: no focus
    np.testing.assert_allclose(plan.accommodate.sum() / (plan.accommodate + plan.constrain).sum(), 0.25)
    a.focus = True
    model.step()
    faults = model.assessment.faults  # the assessment this step's plan was made from
    assert faults.any()
    assert (model.plan.accommodate[~faults] == 0).all() and (model.plan.accommodate[faults] > 0).all()
    a.intensity = 0.0
    model.step()
    assert model.plan.accommodate.sum() == 0 and model.plan.constrain.sum() == 0


def test_score_sheet_compares_with_every_policy_on_the_same_seed():
    sc = load_scenario("baseline").with_changes(overrides={"society.agents": 900,
                                                           "society.districts_per_side": 4})
    model = play_model(sc, 11)
    model.planner.allocation.intensity = 0.0  # a student who does nothing ...
    model.run(12)
    sheet = score_sheet(model, sc, 11)
    assert list(sheet["who"]) == ["you", "policy 'none'", "policy 'threshold'", "policy 'pid'",
                                  "policy 'balanced'"]
    assert list(sheet.columns[1:]) == list(SCORE_COLUMNS)
    # ... gets exactly what the 'none' policy gets on the same seed
    you, none = sheet.iloc[0], sheet.iloc[1]
    assert you["expression_late"] == none["expression_late"] and you["need_late"] == none["need_late"]


def test_demo_without_the_extra_says_how_to_install(monkeypatch, capsys):
    monkeypatch.setattr("simulator.dashboard.missing_viz", lambda: "govsim demo needs the dashboard extra")
    assert main(["demo", "baseline"]) == 2
    assert "dashboard extra" in capsys.readouterr().err


def test_demo_checks_its_arguments_before_starting(capsys):
    assert main(["demo", "nonexistent"]) == 2
    assert "no scenario named 'nonexistent'" in capsys.readouterr().err
    assert main(["demo", "baseline", "--port", "70000"]) == 2
    assert "--port must be in 1..65535" in capsys.readouterr().err


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_demo_binds_to_loopback_unless_told(monkeypatch, capsys, host, warned):
    started = {}
    monkeypatch.setattr("simulator.dashboard.server.serve",
                        lambda scenario, host, port, play: started.update(host=host, port=port))
    assert main(["demo", "baseline", "--host", host, "--port", "8123"]) == 0
    out = capsys.readouterr()
    assert started == {"host": host, "port": 8123}
    assert ("anyone who can reach this computer" in out.err) == warned
    assert "http://127.0.0.1:8123/" in out.out


def test_the_extra_is_installed_here():
    assert missing_viz() is None  # the test extra brings it: the browser test must not skip
