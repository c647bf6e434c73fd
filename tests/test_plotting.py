"""The dashboard figure and its atomic saving (simulator.viz.figures)."""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from simulator import GovernanceModel
from simulator.viz.figures import OKABE_ITO, dashboard_figure, save_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Okabe & Ito (2008), "Color Universal Design", the eight colours in hex.
OKABE_ITO_HEX = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2",
                 "#d55e00", "#cc79a7"}

#: Panel title -> the series drawn as lines in it (twin axes included).
PANELS = {
    "What is felt vs what is seen": {"latent", "expression", "observed_expression",
                                     "observability_gap"},
    "The society": {"need", "trust", "grievance"},
    "Lever allocation": set(),
    "Faults arise and are repaired": {"faults", "repairs"},
    "Participation and removal": {"participation", "removed"},
    "Slow loops and the apparatus": {"alignment", "centralisation", "soft_share", "sharing",
                                     "capacity"},
}
LEVERS = ("accommodate", "constrain", "incentivise", "mobilise")


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    model = GovernanceModel.from_scenario("baseline", overrides={"society.agents": 2500}, steps=60)
    return model.run().series()


@pytest.fixture(scope="module")
def figure(series) -> Figure:
    """One dashboard of ``series``, shared by the tests that only read it."""
    return dashboard_figure(series, "Baseline", "seed 1")


def panels(fig: Figure) -> dict:
    """Panel title -> the main axes (twin axes carry no title)."""
    return {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_title(loc="left")}


def twins_of(fig: Figure, ax) -> list:
    """``ax`` and every axes sharing its position (its twins)."""
    box = ax.get_position().bounds
    return [other for other in fig.axes if np.allclose(other.get_position().bounds, box)]


def lines_by_gid(fig: Figure) -> dict[str, Line2D]:
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}


def artists_with_gid(ax, gid: str) -> list:
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_the_dashboard_has_six_titled_panels(figure):
    fig = figure
    found = panels(fig)
    assert set(found) == set(PANELS)
    assert fig.get_suptitle() == "Baseline\nseed 1"
    for title, ax in found.items():
        assert ax.get_ylabel(), title
        assert ax.get_legend() is not None, title


def test_each_panel_draws_its_own_series(figure):
    fig = figure
    for title, ax in panels(fig).items():
        drawn = {line.get_gid() for a in twins_of(fig, ax) for line in a.get_lines()
                 if line.get_gid() not in {None, "shock"}}
        assert drawn == PANELS[title], title


@pytest.mark.parametrize("column", sorted(set().union(*PANELS.values())))
def test_plotted_lines_equal_the_series(figure, series, column):
    line = lines_by_gid(figure)[column]
    np.testing.assert_array_equal(line.get_xdata(), series["step"].to_numpy())
    np.testing.assert_allclose(line.get_ydata(), series[column].to_numpy(dtype=float))


def test_a_changed_series_changes_its_line(series):
    changed = series.copy()
    changed["trust"] = 1.0 - changed["trust"]
    line = lines_by_gid(dashboard_figure(changed, "Baseline"))["trust"]
    np.testing.assert_allclose(line.get_ydata(), 1.0 - series["trust"].to_numpy())
    assert not np.allclose(line.get_ydata(), series["trust"].to_numpy())


def test_the_levers_are_stacked_in_order(figure, series):
    ax = panels(figure)["Lever allocation"]
    areas = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert [a.get_gid() for a in areas] == list(LEVERS)
    cumulative = np.cumsum([series[n].to_numpy(dtype=float) for n in LEVERS], axis=0)
    for area, top in zip(areas, cumulative):
        upper = area.get_paths()[0].vertices[:, 1].max()
        assert upper == pytest.approx(top.max())
    assert ax.get_ylim()[0] == 0


def test_no_crisis_and_no_shock_draw_nothing(series):
    quiet = series.assign(crisis=0, shock=0)
    ax = panels(dashboard_figure(quiet, "Baseline"))["Faults arise and are repaired"]
    assert artists_with_gid(ax, "crisis") == []
    assert artists_with_gid(ax, "shock") == []


def test_crisis_steps_are_shaded_one_band_per_spell(series):
    marked = series.copy()
    marked["crisis"] = 0
    marked.loc[marked["step"].between(10, 14), "crisis"] = 1
    marked.loc[marked["step"] == 40, "crisis"] = 1
    ax = panels(dashboard_figure(marked, "Baseline"))["Faults arise and are repaired"]
    bands = artists_with_gid(ax, "crisis")
    assert len(bands) == 2
    spans = sorted((b.get_x(), b.get_x() + b.get_width()) for b in bands)
    np.testing.assert_allclose(spans, [(9.5, 14.5), (39.5, 40.5)])
    assert "crisis declared" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_shock_steps_are_vertical_lines(series):
    marked = series.copy()
    marked["shock"] = 0
    marked.loc[marked["step"].isin([7, 33]), "shock"] = 1
    ax = panels(dashboard_figure(marked, "Baseline"))["Faults arise and are repaired"]
    shocks = artists_with_gid(ax, "shock")
    assert sorted(line.get_xdata()[0] for line in shocks) == [7, 33]
    for line in shocks:
        assert line.get_xdata()[0] == line.get_xdata()[1]  # vertical
    assert "shock" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_fonts_are_large_and_colours_okabe_ito(figure):
    fig = figure
    fig.canvas.draw()  # so that every tick label exists
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert len(texts) > 60  # titles, labels, legends and ticks of six panels
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 12]
    assert small == []
    assert {c.lower() for c in OKABE_ITO.values()} <= OKABE_ITO_HEX
    palette = OKABE_ITO_HEX
    for ax in fig.axes:
        for line in ax.get_lines():
            assert str(line.get_color()).lower() in palette, line.get_gid()


def test_legends_sit_above_the_data(figure):
    fig = figure
    fig.canvas.draw()
    for title, ax in panels(fig).items():
        legend_bottom = ax.get_legend().get_window_extent().y0
        for a in twins_of(fig, ax):
            tops = [line.get_ydata().max() for line in a.get_lines() if line.get_gid() != "shock"]
            tops += [area.get_paths()[0].vertices[:, 1].max() for area in a.collections]
            highest = a.transData.transform((0, max(tops)))[1]
            assert highest < legend_bottom, title


def test_missing_columns_are_named(series):
    with pytest.raises(ValueError, match="trust"):
        dashboard_figure(series.drop(columns=["trust"]), "Baseline")


def test_a_single_step_series_still_draws(series):
    fig = dashboard_figure(series.iloc[:1], "Initial state only")
    assert len(panels(fig)) == 6


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_save_figure_writes_a_png_atomically(series, tmp_path):
    target = tmp_path / "dashboard.png"
    save_figure(dashboard_figure(series, "Baseline", "seed 1"), target)
    data = target.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard.png"]  # no temporary left
    width, height = png_size(data)
    # about 15 x 11 inches at 110 dots per inch: sharp on a projector, not huge
    np.testing.assert_allclose((width, height), (1650, 1210), atol=2)


def test_save_figure_replaces_an_existing_file(series, tmp_path):
    target = tmp_path / "dashboard.png"
    target.write_bytes(b"old")
    save_figure(dashboard_figure(series, "Baseline"), target)
    assert target.read_bytes()[:8] == PNG_SIGNATURE
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard.png"]


def test_save_figure_closes_the_figure(series, tmp_path):
    fig = dashboard_figure(series, "Baseline")
    save_figure(fig, tmp_path / "dashboard.png")
    assert fig.axes == []


def test_a_failed_save_leaves_nothing_behind(series, tmp_path):
    target = tmp_path / "dashboard.nosuchformat"
    with pytest.raises(ValueError):
        save_figure(dashboard_figure(series, "Baseline"), target)
    assert list(tmp_path.iterdir()) == []
