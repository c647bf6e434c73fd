"""Fixed points of the twin, their stability, bifurcations and hysteresis; the CLI."""

import functools
import json

import numpy as np
import pytest

from simulator.cli.main import main
from simulator.scenario import load_scenario
from simulator.twin.equilibria import fixed_points, scan, with_value
from simulator.twin.solve import make_twin, simulate

from stated import bound, stated  # docs/numbers.toml: the figures the texts state

#: Strong safety in numbers: the baseline society with contagion 5 has a
#: quiet state and a state of open unrest.
TIPPING = {"society.contagion": 5.0}


def _values(name, **changes):
    values = dict(load_scenario(name).config)
    values.update(changes)
    return values


def test_the_baseline_rests_where_its_trajectory_ends():
    twin = make_twin(load_scenario("baseline").config)
    points = fixed_points(twin)
    assert len(points) == 1 and points[0].stable
    end = simulate(twin, 1500).final
    i = twin.index
    for stock in ("need", "trust", "expression", "tension", "alignment"):
        assert points[0].state[i[stock]] == pytest.approx(end[i[stock]], abs=2e-3), stock


def test_lever_mix_has_two_stable_states_and_hysteresis():
    values = _values("baseline", **TIPPING)
    table = scan(values, "plan.soft_share", np.linspace(0.2, 0.75, 12))
    stable = table[table["stable"]]
    count = stable.groupby("plan.soft_share").size()
    assert count.loc[0.2] == 1 and count.loc[0.75] == 1       # one state at either end
    both = count[count >= 2].index
    assert len(both) >= 3 and 0.2 < both.min() and both.max() < 0.75
    # between the two stable states, the unstable one that divides their basins
    unstable = table[~table["stable"]]
    between = 0
    for value in both:
        here = stable[stable["plan.soft_share"] == value]["expression"]
        saddle = unstable[unstable["plan.soft_share"] == value]["expression"]
        between += bool(((saddle > here.min()) & (saddle < here.max())).any())
    assert between >= len(both) // 2
    assert (unstable["leading_real"] > 0).all() and not unstable["oscillatory"].any()
    lo = stable[stable["plan.soft_share"] == 0.2]["expression"].iloc[0]
    hi = stable[stable["plan.soft_share"] == 0.75]["expression"].iloc[0]
    assert lo > 0.3 and hi < 0.05                               # unrest with more constraint
    # hysteresis by simulation: inside the range, where the loop ends depends on where it began
    mid = float(both[len(both) // 2])
    twin = make_twin(with_value(values, "plan.soft_share", mid))
    quiet = simulate(twin, 800).final
    unrest = twin.initial()
    i = twin.index
    unrest[i["expression"]], unrest[i["trust"]], unrest[i["need"]] = 0.6, 0.35, 0.6
    stirred = simulate(twin, 800, start=unrest).final
    assert stirred[i["expression"]] > quiet[i["expression"]] + 0.3


@functools.cache
def _lever_mix_scan(contagion: float):
    """The README's scan: ``--set society.contagion=C --vary plan.soft_share=0:1:41`` on the baseline."""
    return scan(_values("baseline", **{"society.contagion": contagion}), "plan.soft_share", np.linspace(0.0, 1.0, 41))


def _coexistence(contagion: float) -> float:
    table = _lever_mix_scan(contagion)
    count = table[table["stable"]].groupby("plan.soft_share").size()
    both = count[count >= 2].index
    return float(both.max() - both.min()) if len(both) else 0.0


def test_safety_in_numbers_widens_the_hysteresis():
    # measured: two stable states over a lever-mix range of 0.075 with contagion 0
    # (the crisis mode alone: reserve spent, integral wound up), 0.15 with 1, 0.375 with 5
    # (0.275 to 0.65, the README's figures; the scan's step is 0.025)
    without, strong = _coexistence(0.0), _coexistence(5.0)
    assert strong >= 0.25 and without <= 0.5 * strong
    assert without == stated("twin.hysteresis_without_contagion") and strong == stated("twin.hysteresis_with_contagion")


def test_the_two_states_where_the_readme_puts_them():
    """Open unrest (expression 0.35-0.70) up to a soft share of 0.65, quiet (0.012-0.024) from 0.275."""
    stable = _lever_mix_scan(5.0)
    stable = stable[stable["stable"]]
    unrest, quiet = stable[stable["expression"] > 0.1], stable[stable["expression"] <= 0.1]
    assert unrest["plan.soft_share"].max() == pytest.approx(bound("twin.unrest_until"), abs=1e-9)
    assert quiet["plan.soft_share"].min() == pytest.approx(bound("twin.quiet_from"), abs=1e-9)
    assert unrest["expression"].min() == stated("twin.unrest_low")
    assert unrest["expression"].max() == stated("twin.unrest_high")
    assert quiet["expression"].min() == stated("twin.quiet_low")
    assert quiet["expression"].max() == stated("twin.quiet_high")


def test_a_longer_delay_brings_swings_and_less_damping():
    values = _values("delay_oscillation")
    damping = []
    for delay in (0.0, 10.0, 20.0, 30.0):
        point = fixed_points(make_twin(with_value(values, "monitor.delay", delay)))[0]
        ev = point.eigenvalues
        swings = ev[np.abs(ev.imag) > 1e-9]
        damping.append(swings.real.max())
    assert np.all(np.diff(damping) > 0)                           # each delay damps less
    short = fixed_points(make_twin(with_value(values, "monitor.delay", 0.0)))[0]
    long = fixed_points(make_twin(with_value(values, "monitor.delay", 35.0)))[0]
    assert not short.oscillatory and long.oscillatory and long.stable
    # the README: the leading eigenvalue turns complex at a monitor delay of 28 (a scan of 0-40 by 1)
    table = scan(values, "monitor.delay", np.arange(0.0, 41.0))
    first = table[table["stable"]].groupby("monitor.delay")["oscillatory"].first()
    assert first[first].index.min() == bound("twin.swing_onset")


# -- the command line -------------------------------------------------------------------
def test_twin_command_compares_with_agent_runs(tmp_path, capsys):
    out = tmp_path / "twin"
    args = ["twin", "baseline", "--steps", "80", "--compare", "2", "--set", "society.agents=4900",
            "--out", str(out)]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    gaps = summary["compare"]["mean_absolute_difference"]
    assert gaps["need"] < 0.05 and gaps["trust"] < 0.05 and gaps["expression"] < 0.03
    assert summary["parameters"]["society.agents"] == 4900
    frame = (out / "twin.csv").read_text().splitlines()
    assert len(frame) == 82 and frame[0].startswith("step,need,trust")
    assert (out / "twin.png").stat().st_size > 20_000
    assert "twin vs mean of 2 agent runs" in capsys.readouterr().out


def test_twin_compare_runs_on_the_engines_of_compare_with_the_same_numbers(tmp_path, monkeypatch):
    import simulator.experiments.compare as compare

    used = []
    original = compare.run_tasks

    def spy(function, tasks, engine, *args, **kwargs):
        used.append(engine)
        return original(function, tasks, engine, *args, **kwargs)

    monkeypatch.setattr(compare, "run_tasks", spy)
    base = ["twin", "baseline", "--steps", "30", "--compare", "3", "--set", "society.agents=900",
            "--no-plot"]
    tables = {}
    for engine in ("serial", "process"):
        out = tmp_path / engine
        assert main([*base, "--engine", engine, "--workers", "2", "--out", str(out)]) == 0
        tables[engine] = (out / "agents_mean.csv").read_bytes()
        assert json.loads((out / "summary.json").read_text())["compare"]["spawn_keys"] == [[0, r] for r in range(3)]
    assert used == ["serial", "process"]
    assert tables["serial"] == tables["process"]


def test_equilibria_command_finds_the_boundary(tmp_path, capsys):
    out = tmp_path / "eq"
    assert main(["equilibria", "delayed_feedback", "--vary", "plan.gain=0.1:2:60", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    (boundary,) = summary["boundaries"]
    assert boundary["value"] == stated("teaching.critical_gain")  # delayed_feedback's loop delay is 4
    assert boundary["value"] * 4 == stated("teaching.critical_gain_delay")
    assert "oscillation sets in" in capsys.readouterr().out
    assert (out / "bifurcation.png").exists() and (out / "bifurcation.csv").stat().st_size > 1000


def test_equilibria_without_vary_lists_fixed_points(tmp_path, capsys):
    assert main(["equilibria", "baseline", "--out", str(tmp_path / "e")]) == 0
    (point,) = json.loads((tmp_path / "e" / "summary.json").read_text())["fixed_points"]
    assert point["kind"] == "stable" and point["leading_real"] < 0
    assert "0: stable " in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["equilibria", "baseline", "--vary", "plan.gian=0:1:5"], "plan.gain"),
    (["equilibria", "baseline", "--vary", "plan.soft_share=0:2:5"], "outside"),
    (["equilibria", "baseline", "--vary", "plan.soft_share=0:1"], "start:stop:num"),
    (["equilibria", "baseline", "--vary", "plan.policy=0:1:3"], "numeric"),
    (["equilibria", "baseline", "--show", "mood"], "--show must be one of"),
    (["twin", "baseline", "--compare", "0"], "--compare"),
    (["twin", "delayed_feedback", "--compare", "2"], "no agents"),
    (["twin", "baseline", "--set", "twin.form=stocks"], "twin.form"),
])
def test_bad_input_is_one_line_and_status_2(args, message, tmp_path, capsys):
    assert main([*args, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_the_twin_predicts_the_agents_dominant_period():
    """The twin's least-damped swing: less damped the longer the delay, and with
    the period the agent model's long-delay runs show (measured: twin 55 steps,
    damping ratio 0.64 / 0.30 / 0.22 for short / medium / long; agents 50 steps in
    10 of 10 seeds since self-healing repairs locally, 67 before)."""
    from simulator.experiments.compare import compare_variants
    from simulator.experiments.metrics import oscillation

    sc = load_scenario("delay_oscillation")
    ratios, periods = {}, {}
    for variant in ("short", "medium", "long"):
        point = fixed_points(make_twin(sc.with_variant(variant).config))[0]
        ev = point.eigenvalues
        swing = ev[np.abs(ev.imag) > 1e-9]
        top = swing[np.argmax(swing.real)]
        ratios[variant], periods[variant] = -top.real / abs(top), 2 * np.pi / abs(top.imag)
    assert ratios["short"] > ratios["medium"] > ratios["long"]
    # the README's figures
    for variant, figure in (("short", "twin.damping_short"), ("medium", "twin.damping_medium"),
                            ("long", "twin.damping_long")):
        assert ratios[variant] == stated(figure)
    assert periods["long"] == stated("twin.period") and periods["long"] == stated("teaching.twin_period")
    runs = compare_variants(sc, 4, variants=["long"], engine="process", workers=2).series["long"]
    agent = np.median([oscillation(r["need"].to_numpy()[len(r) // 2:])[0] for r in runs])
    assert periods["long"] == pytest.approx(agent, rel=bound("twin.period_match"))
    assert agent == stated("twin.agent_period") and agent == stated("teaching.agent_period")
