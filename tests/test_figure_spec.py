"""A scenario declares its figure (simulator.panels), and run and compare draw what it declares.

What is checked is what is drawn (artists found by ``gid``, titles, legends),
never only that a file exists.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from simulator import GovernanceModel, load_scenario
from simulator.cli.main import main
from simulator.errors import ScenarioError
from simulator.experiments.compare import compare_variants
from simulator.experiments.metrics import HEADLINE, headline_table, metric_label
from simulator.panels import STANDARD, FigureSpec, events, parse_figure
from simulator.scenario import parse_scenario
from simulator.series import SERIES_INFO
from simulator.viz.figures import MIN_BAND_SEEDS, compare_figure, dashboard_figure

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"society.agents": 900}


def titles(fig) -> list[str]:
    return [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")]


def gids(ax) -> list[str]:
    return [a.get_gid() for a in ax.get_children() if a.get_gid()]


@pytest.fixture(scope="module")
def pid_run():
    sc = load_scenario("baseline").with_changes(steps=40, overrides={**SMALL, "plan.policy": "pid",
                                                                     "monitor.delay": 6})
    return sc, GovernanceModel.from_scenario(sc).run().series()


def test_the_title_carries_the_question_and_every_change(pid_run):
    sc, series = pid_run
    title = dashboard_figure(series, sc.title, "seed 42", scenario=sc).get_suptitle()
    flat = " ".join(title.split())
    assert flat.startswith(f"{sc.title}: seed 42")
    assert " ".join(sc.question.split()) in flat
    for change in ("plan.policy=pid", "monitor.delay=6", "society.agents=900"):
        assert change in flat
    plain = dashboard_figure(series, sc.title, "seed 42").get_suptitle()
    assert "changed" not in plain  # without the scenario there is nothing to report


def test_the_panel_letters_are_those_of_the_teaching_guide():
    guide = (ROOT / "docs" / "teaching.md").read_text()
    rows = dict(re.findall(r"^\s*\| \(([a-f])\) [a-z ]+ \| ([^|]+?) \|", guide, re.M))
    assert rows == {p.letter: p.title for p in STANDARD.values()}


def test_the_collapse_line_is_drawn_at_the_scenarios_level(pid_run):
    sc, series = pid_run
    higher = sc.with_changes(overrides={"society.collapse_level": 0.55})
    fig = dashboard_figure(series, "x", scenario=higher)
    (ax,) = [a for a in fig.axes if a.get_title(loc="left").startswith("(a)")]
    (line,) = [a for a in ax.get_lines() if a.get_gid() == "reference:society.collapse_level"]
    assert line.get_ydata()[0] == 0.55
    assert "collapse line (0.55)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_a_scheduled_fall_is_shaded_where_it_happens():
    sc = load_scenario("epstein_civil_violence").with_variant("slow_erosion")
    assert events(sc.config) == [(50.0, 449.0, "legitimacy falls by 0.1")]
    short = sc.with_changes(steps=60)
    fig = dashboard_figure(GovernanceModel.from_scenario(short).run().series(), "x", scenario=short)
    for ax in fig.axes:
        if ax.get_visible():
            (span,) = [a for a in ax.patches if a.get_gid() == "event"]
            assert span.get_x() == 50.0 and span.get_width() == 399.0
    assert events(load_scenario("baseline").config) == []  # nothing scheduled, nothing marked


def test_a_scenario_chooses_its_panels():
    sc = load_scenario("epstein_civil_violence").with_changes(steps=30)
    fig = dashboard_figure(GovernanceModel.from_scenario(sc).run().series(), "x", scenario=sc)
    assert titles(fig) == ["(a) What is felt vs what is seen", "(b) The society", "(e) Participation and removal"]


def test_a_panel_mixing_units_or_naming_nothing_known_is_refused():
    with pytest.raises(ScenarioError, match="mixes units"):
        parse_figure({"panel": [{"title": "x", "series": ["trust", "faults"]}]})
    with pytest.raises(ScenarioError, match=r"unknown name 'trsut'.*trust"):
        parse_figure({"compare": ["trsut"]})
    with pytest.raises(ScenarioError, match=r"unknown key figure\.colour"):
        parse_figure({"colour": "red"})
    with pytest.raises(ScenarioError, match=r"figure\.headline"):
        parse_figure({"headline": ["expression"]})  # a series, not a metric


def test_an_own_panel_is_drawn_and_survives_the_resolved_scenario_file(pid_run):
    sc, series = pid_run
    spec = parse_figure({"panels": ["society"], "panel": [
        {"title": "Who speaks", "series": ["latent", "observed_expression"], "references": ["society.collapse_level"]}]})
    own = dataclasses.replace(sc, figure=spec)
    fig = dashboard_figure(series, "x", scenario=own)
    assert titles(fig) == ["(b) The society", "(a) Who speaks"]  # an own panel takes the first free letter
    assert parse_scenario(tomllib.loads(own.to_toml())).figure == spec
    assert parse_scenario(tomllib.loads(sc.to_toml())).figure == FigureSpec()  # undeclared stays undeclared


def test_a_bad_figure_table_in_a_scenario_file_is_one_line_and_status_2(tmp_path, capsys):
    text = (ROOT / "scenarios" / "baseline.toml").read_text() + '\n[figure]\ncompare = ["trsut"]\n'
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "trsut" in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def blind():
    sc = load_scenario("blind_spots").with_changes(steps=30, overrides=SMALL)
    return compare_variants(sc, 2, engine="serial")


def test_compare_draws_the_scenarios_series_without_a_band_over_few_seeds(blind):
    fig = compare_figure(blind)
    assert [t.split(") ", 1)[1].lower() for t in titles(fig)] == [
        SERIES_INFO[s].label.lower() for s in blind.scenario.figure.compare]
    assert not [c for ax in fig.axes for c in ax.collections if str(c.get_gid()).endswith(":band")]
    assert f"a band needs {MIN_BAND_SEEDS} or more" in fig.get_suptitle()
    for ax in fig.axes:
        if ax.get_visible():
            assert ax.get_ylabel(), ax.get_title(loc="left")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not [t for t in legend if t.startswith("shaded")]
    for variant, description in blind.scenario.descriptions.items():
        assert any(t.startswith(f"{variant}: {description[:20]}") for t in legend), (variant, legend)


def test_compare_draws_a_band_over_enough_seeds():
    sc = load_scenario("delay_oscillation").with_changes(steps=12, overrides=SMALL)
    fig = compare_figure(compare_variants(sc, MIN_BAND_SEEDS, variants=["short", "long"], engine="serial"))
    bands = [c for ax in fig.axes for c in ax.collections if str(c.get_gid()).endswith(":band")]
    assert len(bands) == 2 * len(sc.figure.compare)
    assert f"mean of {MIN_BAND_SEEDS} seeds, band 10th-90th percentile" in fig.get_suptitle()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert f"shaded: 10th-90th percentile of {MIN_BAND_SEEDS} seeds" in legend


def test_the_printed_table_adds_the_metrics_the_scenario_is_about(blind):
    table = headline_table(blind.table(), blind.scenario.figure.headline)
    assert list(table.columns) == list(blind.series)
    wanted = [*HEADLINE[:-1], *blind.scenario.figure.headline, HEADLINE[-1]]
    labels = [metric_label(n) for n in dict.fromkeys(wanted)]
    assert [r.replace(" (share of seeds)", "") for r in table.index] == labels
    means = blind.table().set_index("variant")["observability_gap_late_mean"]
    np.testing.assert_allclose(table.loc[metric_label("observability_gap_late")], means)


@pytest.mark.parametrize("runs, banded", [(3, False), (MIN_BAND_SEEDS, True)])
def test_the_twin_figure_draws_the_agents_band_only_over_enough_runs(runs, banded):
    import pandas as pd

    from simulator.twin.solve import make_twin, simulate
    from simulator.viz.twin import twin_figure

    sc = load_scenario("baseline")
    frame = simulate(make_twin(sc.config), 20).to_frame()
    columns = [c for c in frame.columns if c != "step"]
    flat = pd.DataFrame({c: frame[c].to_numpy() for c in columns}, index=frame["step"].to_numpy())
    agents = {"mean": flat, "low": flat - 0.01, "high": flat + 0.01}
    fig = twin_figure(frame, agents, sc.title, runs=runs, scenario=sc)
    bands = [c for ax in fig.axes for c in ax.collections if str(c.get_gid()).startswith("band-")]
    assert bool(bands) == banded
    legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert f"agents: mean of {runs} runs" in legend
    assert " ".join(sc.question.split()) in " ".join(fig.get_suptitle().split())
