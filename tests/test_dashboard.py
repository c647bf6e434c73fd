"""The dashboard's parts that need no browser: controls, charts, words, the game, the CLI."""

import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario
from simulator.classroom import SERVER_MODULES
from simulator.cli.main import main
from simulator.dashboard import VIZ_MODULES, missing_viz
from simulator.dashboard.charts import (
    FELT_AND_SEEN,
    FORECAST_PAST,
    MAP_QUANTITIES,
    district_map,
    district_values,
    forecast_chart,
    line_chart,
)
from simulator.dashboard.controls import CONTROLS, DashboardModel, model_params
from simulator.dashboard.play import PLAY_STEPS, SCORE_COLUMNS, play_model, score_sheet
from simulator.dashboard.server import demo_play, demo_scenario, environment
from simulator.narrate import STAGES, describe_loops, describe_step
from simulator.parameters import PARAMETERS
from simulator.scenario import scenario_dir


def test_controls_come_from_the_declarations_and_the_scenario():
    sc = load_scenario("delay_oscillation")
    params = model_params(sc)
    assert params["scenario"] == sc and params["seed"]["value"] == sc.seed  # the scenario, not its name
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
    # every session its own model: stepping one leaves another of the same seed as it was
    a, b = DashboardModel(scenario="baseline", seed=5), DashboardModel(scenario="baseline", seed=5)
    need = b.society.need.copy()
    a.run(3)
    np.testing.assert_array_equal(b.society.need, need)
    assert not np.array_equal(a.society.need, need)


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


def test_the_forecast_panel_shows_what_the_predictive_plan_acted_on():
    model = DashboardModel(scenario=load_scenario("pre_emption"), seed=3)
    for _ in range(60):
        model.step()
    forecast = model.loop.planner.predictive.forecast
    frame = model.series()
    option = forecast_chart(frame, forecast)
    seen, without, planned, setpoint = option["series"]
    assert len(option["xAxis"]["data"]) == FORECAST_PAST + len(forecast.planned)
    np.testing.assert_allclose(seen["data"][:FORECAST_PAST], frame["tension"].tail(FORECAST_PAST), atol=1e-4)
    assert without["data"][FORECAST_PAST:] == [round(v, 4) for v in forecast.without]
    assert planned["data"][FORECAST_PAST:] == [round(v, 4) for v in forecast.planned]
    assert set(setpoint["data"]) == {model.config.analyze.setpoint}
    # the response it chose is meant to bring tension down: its forecast ends lower than doing nothing
    assert forecast.confident and forecast.planned[-1] < forecast.without[-1]


def test_the_loop_in_words(stepped):
    words = describe_step(stepped.report())
    assert list(words) == list(STAGES)
    assert "1 step ago" in words["Monitor"]  # the baseline monitor delay
    faults = int(stepped.report().assessment.faults.sum())
    assert f"{faults} of {stepped.grid.districts} districts are faults" in words["Analyze"]
    assert "Policy 'balanced'" in words["Plan"]
    assert f"capacity {stepped.knowledge.settings.capacity:.2f}" in words["Knowledge"]


def test_the_loop_panel_says_what_each_self_star_loop_saw_concluded_and_did(stepped):
    cards = describe_loops(stepped.report())
    assert [c.name for c in cards] == ["self-healing", "self-protecting", "self-optimizing",
                                       "self-configuring"]
    healing, protecting, optimizing, configuring = cards
    report = stepped.report()
    above = int((report.assessment.tension > report.config.analyze.setpoint).sum())
    assert healing.step == 20 and healing.saw.startswith(f"{above} of 64 districts are above the set-point")
    assert protecting.scope == "system" and "crisis" in protecting.saw.lower()
    # 20 steps: the slow loops have not taken their first turn yet
    assert optimizing.step is None and optimizing.pace == "every 25 steps"
    assert optimizing.saw == "Has not taken a turn yet."
    assert configuring.step is None and configuring.pace == "every 100 steps"
    off = DashboardModel(scenario="baseline", seed=3, **{"society.agents": 900,
                                                          "protecting.enabled": False}).run(2)
    assert describe_loops(off.report())[1].saw == "Switched off in this scenario."


def test_the_student_plan_follows_the_allocation():
    # a low fault level, so that some districts are faults and some are not
    sc = load_scenario("baseline").with_changes(overrides={"society.agents": 2500,
                                                           "analyze.fault_level": 0.14})
    model = play_model(sc, 7)
    assert model.max_steps == PLAY_STEPS and model.config.optimizing.enabled is False
    a = model.loop.planner.allocation
    a.intensity, a.soft_share, a.incentive_share, a.focus = 1.0, 0.25, 0.0, False
    for _ in range(5):
        model.step()
    plan = model.report().plan
    np.testing.assert_allclose(plan.accommodate, plan.accommodate[0])  # evenly: no focus
    np.testing.assert_allclose(plan.accommodate.sum() / (plan.accommodate + plan.constrain).sum(), 0.25)
    a.focus = True
    model.step()
    faults = model.report().assessment.faults  # the assessment this step's plan was made from
    assert faults.any()
    assert (model.report().plan.accommodate[~faults] == 0).all() and (model.report().plan.accommodate[faults] > 0).all()
    a.intensity = 0.0
    model.step()
    assert model.report().plan.accommodate.sum() == 0 and model.report().plan.constrain.sum() == 0


def test_score_sheet_compares_with_every_policy_on_the_same_seed():
    sc = load_scenario("baseline").with_changes(overrides={"society.agents": 900,
                                                           "society.districts_per_side": 4})
    model = play_model(sc, 11)
    model.loop.planner.allocation.intensity = 0.0  # a student who does nothing ...
    model.run(12)
    sheet = score_sheet(model, sc, 11)
    assert list(sheet["who"]) == ["you", "policy 'none'", "policy 'threshold'", "policy 'pid'",
                                  "policy 'balanced'", "policy 'predictive'"]
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


@pytest.mark.parametrize(("version", "refused"), [("2.0.1", False), ("3.0.0", True)])
def test_missing_viz_passes_a_complete_extra_and_refuses_ipyvuetify_3(monkeypatch, version, refused):
    # every module found: the only thing left to refuse is ipyvuetify 3 (Mesa 3.3 breaks with it)
    import types

    import simulator.dashboard as dashboard

    monkeypatch.setattr(dashboard, "util", types.SimpleNamespace(find_spec=lambda name: object()))
    monkeypatch.setattr(dashboard, "metadata", types.SimpleNamespace(
        version=lambda name: version, PackageNotFoundError=LookupError))
    problem = missing_viz()
    assert (problem is not None) == refused
    if refused:
        assert "ipyvuetify<3" in problem and version in problem and "\n" not in problem


@pytest.mark.parametrize("module", list(VIZ_MODULES))
def test_missing_viz_names_each_missing_module_in_one_line(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    problem = missing_viz()
    assert problem is not None and "\n" not in problem
    assert f"({VIZ_MODULES[module]} is missing)" in problem and "govsim[viz]" in problem


def test_missing_viz_checks_what_the_viz_extra_installs():
    # mesa.visualization imports networkx (and altair, solara) without Mesa requiring them;
    # the extra declares them, and missing_viz (the dashboard) and missing_classroom (the
    # classroom server) between them look for exactly what the extra brings
    extra = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    declared = extra["project"]["optional-dependencies"]["viz"]
    names = {r.split("=")[0].split("<")[0].split(">")[0].strip().lower() for r in declared}
    looked_for = VIZ_MODULES | SERVER_MODULES
    assert {r.split("<")[0].lower() for r in looked_for.values()} == names
    assert {m.replace("_", "-") for m in looked_for} == names


def test_demo_without_networkx_is_one_line_and_exit_2(monkeypatch, capsys):
    def no_server(*args):
        raise AssertionError("the server must not start")

    monkeypatch.setattr("simulator.dashboard.server.serve", no_server)
    monkeypatch.setitem(sys.modules, "networkx", None)
    assert main(["demo", "baseline"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "networkx is missing" in err, err


@pytest.fixture
def my_lesson(tmp_path):
    """A scenario file that is not shipped: the baseline under another name and title."""
    text = (scenario_dir() / "baseline.toml").read_text()
    text = text.replace('name = "baseline"', 'name = "my_lesson"', 1)
    text = text.replace('title = "Dynamic equilibrium"', 'title = "My lesson"', 1)
    text = text.replace("seed = 42", "seed = 7", 1)
    path = tmp_path / "my_lesson.toml"
    path.write_text(text)
    return path


def test_the_server_gets_the_scenario_itself_not_its_name(my_lesson):
    sc = load_scenario(my_lesson)
    env = environment(sc, play=False)
    my_lesson.unlink()  # nothing is read again, by name or by path
    shown = demo_scenario(env)
    assert (shown.name, shown.title, shown.seed) == ("my_lesson", "My lesson", 7)
    assert shown.config == sc.config and shown.about == sc.about and shown.question == sc.question
    assert demo_play(env) is False and demo_play(environment(sc, play=True)) is True
    # a reset builds the model from Mesa's fixed parameter: the scenario itself
    params = model_params(shown)
    model = DashboardModel(scenario=params["scenario"], seed=params["seed"]["value"],
                           **{"plan.capacity": 0.6})
    assert model.scenario.name == "my_lesson" and model.config.plan.capacity == 0.6
    assert demo_scenario({}).name == "baseline"  # served by hand, without govsim demo


def test_demo_hands_a_scenario_file_that_is_not_shipped_to_the_server(monkeypatch, capsys, my_lesson):
    handed = {}
    monkeypatch.setattr("simulator.dashboard.server.serve",
                        lambda scenario, host, port, play: handed.update(env=environment(scenario, play)))
    assert main(["demo", str(my_lesson), "--port", "8123"]) == 0
    assert "My lesson (my_lesson)" in capsys.readouterr().out
    assert demo_scenario(handed["env"]).title == "My lesson"
