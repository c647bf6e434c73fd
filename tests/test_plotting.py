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

#: Panel title -> the series it may draw as lines (a series zero throughout is left out).
PANELS = {
    "(a) What is felt vs what is seen": {"latent", "expression", "observed_expression", "observability_gap"},
    "(b) The society": {"need", "trust", "grievance"},
    "(c) Lever allocation, within capacity": {"capacity"},
    "(d) Faults arise and are repaired": {"faults", "repairs"},
    "(e) Participation and removal": {"participation", "removed"},
    "(f) Slow loops and the apparatus": {"alignment", "centralisation", "soft_share", "sharing"},
}
LEVER_PANEL, FAULT_PANEL = "(c) Lever allocation, within capacity", "(d) Faults arise and are repaired"
#: Lines that mark something rather than draw a series.
MARKS = {None, "shock", "event", "reference:society.collapse_level"}
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


def nonzero(series: pd.DataFrame, columns) -> set[str]:
    return {c for c in columns if np.any(series[c].to_numpy(dtype=float) != 0)}


def lines_by_gid(fig: Figure) -> dict[str, Line2D]:
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}


def artists_with_gid(ax, gid: str) -> list:
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_the_dashboard_has_six_titled_panels(figure):
    fig = figure
    found = panels(fig)
    assert set(found) == set(PANELS)
    assert fig.get_suptitle() == "Baseline: seed 1"
    for title, ax in found.items():
        assert ax.get_ylabel(), title
        assert ax.get_legend() is not None, title


def test_each_panel_draws_its_own_series_and_no_second_axis(figure, series):
    fig = figure
    for title, ax in panels(fig).items():
        assert twins_of(fig, ax) == [ax], title  # one axis a panel: no false magnitudes
        drawn = {line.get_gid() for line in ax.get_lines() if line.get_gid() not in MARKS}
        assert drawn == nonzero(series, PANELS[title]), title


def test_a_series_zero_throughout_is_left_out(series):
    quiet = series.assign(removed=0.0, sharing=0.0)
    drawn = lines_by_gid(dashboard_figure(quiet, "Baseline"))
    assert "removed" not in drawn and "sharing" not in drawn and "participation" in drawn
    legends = [t.get_text() for ax in dashboard_figure(quiet, "Baseline").axes if ax.get_legend()
               for t in ax.get_legend().get_texts()]
    assert "removed" not in legends and "participating" in legends


def test_a_panel_in_which_nothing_moves_is_dropped(series):
    still = series.assign(alignment=1.0, centralisation=0.5, soft_share=0.5, sharing=0.0)
    titles = set(panels(dashboard_figure(still, "Baseline")))
    assert "(f) Slow loops and the apparatus" not in titles and len(titles) == 5
    moving = still.assign(alignment=np.linspace(1.0, 0.9, len(still)))
    assert "(f) Slow loops and the apparatus" in panels(dashboard_figure(moving, "Baseline"))


def test_with_the_loop_off_the_empty_lever_panel_is_dropped(series):
    off = series.assign(accommodate=0.0, constrain=0.0, incentivise=0.0, mobilise=0.0)
    titles = set(panels(dashboard_figure(off, "Baseline")))
    assert LEVER_PANEL not in titles and len(titles) == 5
    assert "(d) Faults arise and are repaired" in titles  # the letters stay those of docs/teaching.md


@pytest.mark.parametrize("column", ["latent", "expression", "observed_expression", "observability_gap", "need",
                                    "trust", "grievance", "faults", "participation", "alignment", "capacity"])
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
    ax = panels(figure)[LEVER_PANEL]
    areas = [c for c in ax.collections if isinstance(c, PolyCollection)]
    delivered = [n for n in LEVERS if n in nonzero(series, LEVERS)]  # mobilise is 0 without a shock
    assert [a.get_gid() for a in areas] == delivered
    cumulative = np.cumsum([series[n].to_numpy(dtype=float) for n in delivered], axis=0)
    for area, top in zip(areas, cumulative):
        upper = area.get_paths()[0].vertices[:, 1].max()
        assert upper == pytest.approx(top.max())
    assert ax.get_ylim()[0] == 0


def test_no_crisis_and_no_shock_draw_nothing(series):
    quiet = series.assign(crisis=0, shock=0)
    ax = panels(dashboard_figure(quiet, "Baseline"))[FAULT_PANEL]
    assert artists_with_gid(ax, "crisis") == []
    assert artists_with_gid(ax, "shock") == []


def test_crisis_steps_are_shaded_one_band_per_spell(series):
    marked = series.copy()
    marked["crisis"] = 0
    marked.loc[marked["step"].between(10, 14), "crisis"] = 1
    marked.loc[marked["step"] == 40, "crisis"] = 1
    ax = panels(dashboard_figure(marked, "Baseline"))[FAULT_PANEL]
    bands = artists_with_gid(ax, "crisis")
    assert len(bands) == 2
    spans = sorted((b.get_x(), b.get_x() + b.get_width()) for b in bands)
    np.testing.assert_allclose(spans, [(9.5, 14.5), (39.5, 40.5)])
    assert "crisis declared by Analyze" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_shock_steps_are_vertical_lines(series):
    marked = series.copy()
    marked["shock"] = 0
    marked.loc[marked["step"].isin([7, 33]), "shock"] = 1
    ax = panels(dashboard_figure(marked, "Baseline"))[FAULT_PANEL]
    shocks = artists_with_gid(ax, "shock")
    assert sorted(line.get_xdata()[0] for line in shocks) == [7, 33]
    for line in shocks:
        assert line.get_xdata()[0] == line.get_xdata()[1]  # vertical
    fig = dashboard_figure(marked, "Baseline")
    named = [title for title, a in panels(fig).items() if "shock" in [t.get_text() for t in a.get_legend().get_texts()]]
    assert named == ["(a) What is felt vs what is seen"]  # marked in every panel, named once


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
            if not str(line.get_gid()).startswith("reference:"):  # reference lines are grey on purpose
                assert str(line.get_color()).lower() in palette, line.get_gid()


def test_legends_sit_above_the_data(figure):
    fig = figure
    fig.canvas.draw()
    for title, ax in panels(fig).items():
        legend_bottom = ax.get_legend().get_window_extent().y0
        for a in twins_of(fig, ax):
            tops = [line.get_ydata().max() for line in a.get_lines() if line.get_gid() not in MARKS]
            tops += [area.get_paths()[0].vertices[:, 1].max() for area in a.collections]
            highest = a.transData.transform((0, max(tops)))[1]
            assert highest < legend_bottom, title


def test_missing_columns_are_named(series):
    with pytest.raises(ValueError, match="trust"):
        dashboard_figure(series.drop(columns=["trust"]), "Baseline")


def test_a_single_step_series_still_draws(series):
    first = series.iloc[:1]
    fig = dashboard_figure(first, "Initial state only")
    shown = {t for t, cols in PANELS.items() if nonzero(first, LEVERS if t == LEVER_PANEL else cols)}
    assert set(panels(fig)) == shown and LEVER_PANEL not in shown  # at step 0 nothing is delivered yet


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
