"""What a sweep figure draws (simulator.viz.sweeps): ticks, numbers, labels, colours, panels.

Small synthetic results tables keep these fast; one test runs ``govsim sweep`` end to end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import simulator.viz.figures
from simulator.cli.main import main
from simulator.experiments.design import factorial, parse_range, parse_vary, sampled
from simulator.experiments.metrics import METRIC_INFO
from simulator.experiments.sweep import load_results
from simulator.viz.figures import DPI
from simulator.viz.sweep_labels import metric_title, value_labels
from simulator.viz.sweeps import SWEEP_METRICS, sweep_figure

METRICS = ["expression_late", "trust_late", "observability_gap_late", "collapsed"]


def results(design, replicates: int = 2, seed: int = 0) -> pd.DataFrame:
    """A results table for ``design``: a known mean per point, replicates spread evenly around it."""
    rng = np.random.default_rng(seed)
    rows = []
    for point, values in enumerate(design.points):
        level = rng.uniform(0.05, 0.9)
        for r in range(replicates):
            wobble = 0.02 * (r - (replicates - 1) / 2)  # sums to 0: the mean is exactly ``level``
            rows.append({"run_id": point * replicates + r, "point": point, "replicate": r, **values,
                         "expression_late": level + wobble, "trust_late": 1 - level - wobble,
                         "need_late": level / 2 + wobble, "collapsed_late": level ** 2,
                         "observability_gap_late": level - 0.5 + wobble,
                         "participation_late": level, "collapsed": float(r < point % (replicates + 1))})
    return pd.DataFrame(rows)


def grid(*varies: str):
    """A full factorial from ``--vary`` texts."""
    return factorial([parse_vary(v) for v in varies])


def panels(fig: Figure) -> dict:
    """Panel label -> axes (colour bars left out)."""
    return {ax.get_label(): ax for ax in fig.axes if ax.get_label() != "<colorbar>"}


def colourbar_of(fig: Figure, ax):
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    return mesh, mesh.colorbar


def cells(ax, metric: str) -> dict:
    """(x, y) -> the text drawn in the cell there."""
    return {t.get_position(): t for t in ax.texts if t.get_gid() == f"{metric}:cell"}


def luminance(rgba) -> float:
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# -- grids over two parameters: heatmaps ---------------------------------------------------------
@pytest.mark.parametrize("x, xs, xlabels", [
    ("plan.soft_share=0:1:5", [0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"]),
    ("plan.soft_share=0.1,0.2,0.8", [0.1, 0.2, 0.8], ["0.1", "0.2", "0.8"]),
    ("plan.soft_share=0.1:0.9:4", [0.1, 0.3667, 0.6333, 0.9], ["0.1", "0.367", "0.633", "0.9"]),
])
def test_heatmap_ticks_are_the_sampled_values(x, xs, xlabels):
    design = grid(x, "monitor.delay=0,4,8")
    fig = sweep_figure(results(design), design.keys, ["expression_late"], "t", kind="factorial")
    ax = panels(fig)["expression_late"]
    np.testing.assert_allclose(ax.get_xticks(), xs, atol=1e-4)
    assert [t.get_text() for t in ax.get_xticklabels()] == xlabels
    np.testing.assert_allclose(ax.get_yticks(), [0, 4, 8])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "4", "8"]


def test_heatmap_of_words_has_one_tick_per_word_in_the_design_order():
    design = grid("plan.policy=pid,balanced,threshold", "plan.capacity=0.3,0.6")
    fig = sweep_figure(results(design), design.keys, ["trust_late"], "t", kind="factorial")
    ax = panels(fig)["trust_late"]
    np.testing.assert_allclose(ax.get_xticks(), [0, 1, 2])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["pid", "balanced", "threshold"]


def test_every_cell_carries_its_mean_over_seeds_and_a_missing_point_says_so():
    design = grid("plan.soft_share=0:1:3", "plan.capacity=0.3,0.45,0.6")
    table = results(design, replicates=3)
    table = table[table["point"] != 4]  # every run of one point failed
    fig = sweep_figure(table, design.keys, ["expression_late"], "t", kind="factorial")
    drawn = cells(panels(fig)["expression_late"], "expression_late")
    assert len(drawn) == len(design.points)
    means = table.groupby("point")["expression_late"].mean()
    for i, p in enumerate(design.points):
        text = drawn[(p["plan.soft_share"], p["plan.capacity"])].get_text()
        assert text == ("–" if i == 4 else f"{means[i]:.2f}")


def test_cell_numbers_stand_out_from_their_cells_and_are_readable_on_a_projector():
    design = grid("plan.soft_share=0:1:5", "plan.capacity=0.3,0.45,0.6")
    fig = sweep_figure(results(design), design.keys, ["expression_late", "trust_late", "collapsed_late",
                                                      "participation_late"], "t", kind="factorial")
    width, height = fig.get_size_inches() * DPI
    scale = min(1024 / width, 768 / height)  # shown whole on a 1024 x 768 projector
    for metric, ax in panels(fig).items():
        mesh, _ = colourbar_of(fig, ax)
        for text in cells(ax, metric).values():
            value = float(text.get_text())
            cell = mesh.cmap(mesh.norm(value))
            assert contrast(to_rgba(text.get_color()), cell) >= 4.5, (metric, value, text.get_color())
            assert text.get_fontsize() * DPI / 72 * scale >= 12  # pixels on the screen


# -- labels and colour maps ----------------------------------------------------------------------
def test_titles_and_axes_are_words_from_the_declarations_not_identifiers():
    design = grid("plan.soft_share=0:1:3", "plan.capacity=0.3,0.6")
    fig = sweep_figure(results(design), design.keys, METRICS, "t", kind="factorial")
    for metric, ax in panels(fig).items():
        title = ax.get_title(loc="left")
        assert title == metric_title(metric) and "_" not in title
        assert METRIC_INFO[metric].label.lower() in title.lower()
        assert ax.get_xlabel().splitlines()[:2] == ["plan.soft_share", "lever mix"]
        assert ax.get_ylabel().splitlines()[1].startswith("capacity budget per district")
    # a cell of a yes/no metric is a share of seeds: the label says so
    assert panels(fig)["collapsed"].get_title(loc="left") == "Share of seeds ever at the collapse line"


def test_default_metrics_ask_how_much_of_the_time_it_is_collapsed():
    assert "collapsed_late" in SWEEP_METRICS and "collapsed" not in SWEEP_METRICS


@pytest.mark.parametrize("metric, worse, words", [
    ("expression_late", "high", "higher is worse"),
    ("trust_late", "low", "higher is better"),
    ("collapsed_late", "high", "higher is worse"),
])
def test_the_dark_alarming_end_of_the_map_is_the_worse_end(metric, worse, words):
    design = grid("plan.soft_share=0:1:3", "plan.capacity=0.3,0.6")
    fig = sweep_figure(results(design), design.keys, [metric], "t", kind="factorial")
    mesh, bar = colourbar_of(fig, panels(fig)[metric])
    low, high = mesh.cmap(0.0), mesh.cmap(1.0)
    dark = "high" if luminance(high) < luminance(low) else "low"
    assert dark == worse
    assert mesh.cmap.name in ("magma", "magma_r")  # viridis family: colour-blind safe
    assert words in bar.ax.get_ylabel()


def test_a_metric_with_no_better_direction_gets_a_neutral_map_and_no_direction():
    design = grid("plan.soft_share=0:1:3", "plan.capacity=0.3,0.6")
    fig = sweep_figure(results(design), design.keys, ["participation_late"], "t", kind="factorial")
    mesh, bar = colourbar_of(fig, panels(fig)["participation_late"])
    assert mesh.cmap.name == "cividis"
    assert "better" not in bar.ax.get_ylabel() and "worse" not in bar.ax.get_ylabel()


@pytest.mark.parametrize("shift", [0.0, 0.6])  # values of both signs; all above 0 in this sweep
def test_a_signed_difference_gets_a_diverging_map_centred_on_zero(shift):
    design = grid("plan.soft_share=0:1:3", "plan.capacity=0.3,0.6")
    table = results(design)
    table["observability_gap_late"] += shift
    fig = sweep_figure(table, design.keys, ["observability_gap_late"], "t", kind="factorial")
    mesh, _ = colourbar_of(fig, panels(fig)["observability_gap_late"])
    assert mesh.cmap.name == "RdBu_r"
    assert mesh.norm.vmin == pytest.approx(-mesh.norm.vmax)
    white = mesh.cmap(mesh.norm(0.0))
    assert min(white[:3]) > 0.9  # 0 is the pale middle
    assert mesh.cmap(mesh.norm(mesh.norm.vmax))[0] > mesh.cmap(mesh.norm(mesh.norm.vmax))[2]  # positive: red


# -- grids over one parameter: lines -------------------------------------------------------------
@pytest.mark.parametrize("replicates, band", [(4, False), (5, True)])
def test_lines_mark_each_sampled_value_state_the_seeds_and_show_spread_only_with_enough(replicates, band):
    design = grid("plan.gain=1:8:8")
    table = results(design, replicates=replicates)
    fig = sweep_figure(table, design.keys, ["expression_late", "trust_late"], "t", kind="factorial")
    ax = panels(fig)["expression_late"]
    line = next(li for li in ax.get_lines() if li.get_gid() == "expression_late")
    np.testing.assert_allclose(line.get_xdata(), np.arange(1, 9))
    np.testing.assert_allclose(line.get_ydata(), table.groupby("point")["expression_late"].mean())
    assert line.get_marker() == "o"
    np.testing.assert_allclose(ax.get_xticks(), np.arange(1, 9))
    assert f"mean of {replicates} seeds" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(c.get_gid() == "expression_late:band" for c in ax.collections) == band
    assert f"{replicates} seeds" in fig.get_suptitle()


# -- sampled designs: partial dependence ---------------------------------------------------------
@pytest.mark.parametrize("kind, ranges, metrics", [
    ("lhs", ["plan.gain=1:8", "monitor.delay=0:10", "plan.capacity=0.1:1"], METRICS[:2]),
    ("sobol", ["plan.gain=1:8", "plan.capacity=0.1:1"], METRICS),
    ("halton", ["plan.gain=1:8"], METRICS[:3]),
])
def test_a_sampled_design_gets_one_small_full_panel_per_parameter_and_metric(kind, ranges, metrics):
    design = sampled(kind, 32, [parse_range(r) for r in ranges], seed=1)
    table = results(design, replicates=1)
    fig = sweep_figure(table, design.keys, metrics, "t", kind=kind)
    drawn = panels(fig)
    assert sorted(drawn) == sorted(f"{m}|{k}" for m in metrics for k in design.keys)
    for name, ax in drawn.items():
        metric, key = name.split("|")
        assert ax.get_visible()
        dots = next(c for c in ax.collections if isinstance(c, PathCollection))
        np.testing.assert_allclose(dots.get_offsets()[:, 0], table[key])  # every run, none missing
        np.testing.assert_allclose(dots.get_offsets()[:, 1], table[metric])
        mean = next(li for li in ax.get_lines() if li.get_gid() == name)
        # bins: each value of a parameter with few (monitor.delay, 0-10), else 3 to 10 of equal counts
        assert len(mean.get_xdata()) == (11 if key == "monitor.delay" else round(np.sqrt(len(table))))
        # the dots fill the panel: it is no taller than the spread of the metric needs
        low, high = ax.get_ylim()
        assert np.ptp(table[metric]) >= 0.5 * (high - low) or "collapsed" in metric
    width, height = fig.get_size_inches()
    assert height <= 11 and width <= 16


def test_a_sampled_figure_grows_with_its_parameters_not_past_a_projector():
    sizes = []
    for keys in (["plan.gain=1:8", "plan.capacity=0.1:1"],
                 ["plan.gain=1:8", "plan.capacity=0.1:1", "monitor.delay=0:10", "plan.soft_share=0:1"]):
        design = sampled("lhs", 16, [parse_range(r) for r in keys], seed=1)
        sizes.append(sweep_figure(results(design, 1), design.keys, METRICS[:2], "t", kind="lhs")
                     .get_size_inches())
    assert sizes[1][0] > sizes[0][0] and sizes[1][1] == sizes[0][1]


def test_without_a_kind_a_complete_grid_is_a_heatmap_and_scattered_points_are_not():
    design = grid("plan.soft_share=0:1:3", "plan.capacity=0.3,0.6")
    assert "expression_late" in panels(sweep_figure(results(design), design.keys, METRICS[:1], "t"))
    design = sampled("lhs", 8, [parse_range("plan.gain=1:8"), parse_range("plan.capacity=0.1:1")], seed=1)
    assert "expression_late|plan.gain" in panels(sweep_figure(results(design), design.keys, METRICS[:1], "t"))


@pytest.mark.parametrize("values, labels", [
    ([0.3, 0.45, 0.6], ["0.3", "0.45", "0.6"]),
    ([400, 1600, 6400], ["400", "1600", "6400"]),
    ([0.0, 0.333333, 0.666667, 1.0], ["0", "0.33", "0.67", "1"]),
    ([-1.0, 0.0, 1.0], ["-1", "0", "1"]),
    (["pid", "balanced"], ["pid", "balanced"]),
])
def test_tick_labels_are_as_short_as_tells_the_values_apart(values, labels):
    assert value_labels(values) == labels


# -- end to end ----------------------------------------------------------------------------------
def test_govsim_sweep_draws_labelled_heatmaps_at_the_sampled_values(tmp_path, monkeypatch, capsys):
    drawn = []
    save = simulator.viz.figures.save_figure

    def keep(fig, path, *args, **kwargs):
        drawn.append(_read(fig))  # before saving closes it
        save(fig, path, *args, **kwargs)

    monkeypatch.setattr(simulator.viz.figures, "save_figure", keep)
    out = tmp_path / "grid"
    status = main(["sweep", "baseline", "--vary", "plan.capacity=0.2,0.5", "--vary", "plan.soft_share=0,1",
                   "--steps", "20", "--engine", "serial", "--set", "society.agents=400",
                   "--set", "society.districts_per_side=2", "--out", str(out)])
    assert status == 0 and (out / "sweep.png").stat().st_size > 10_000
    (seen,) = drawn
    table = load_results(out)
    assert sorted(seen) == sorted(SWEEP_METRICS)
    for metric, (title, xticks, yticks, texts) in seen.items():
        assert title == metric_title(metric)
        np.testing.assert_allclose(xticks, [0.2, 0.5])
        np.testing.assert_allclose(yticks, [0, 1])
        means = table.groupby(["plan.capacity", "plan.soft_share"])[metric].mean()
        assert len(texts) == 4
        for (x, y), mean in means.items():
            assert float(texts[(x, y)]) == pytest.approx(mean, abs=0.006)


def _read(fig: Figure) -> dict:
    """Per panel: title, tick positions and cell texts."""
    return {metric: (ax.get_title(loc="left"), ax.get_xticks(), ax.get_yticks(),
                     {pos: t.get_text() for pos, t in cells(ax, metric).items()})
            for metric, ax in panels(fig).items()}


def test_design_kinds_have_figures():
    """Every kind a design can say it is gets a figure (a new kind must not fall through)."""
    for kind, design in [("factorial", grid("plan.gain=1,2,3")),
                         ("factorial", grid("plan.gain=1,2", "plan.capacity=0.3,0.6", "monitor.delay=0,4")),
                         *[(k, sampled(k, 8, [parse_range("plan.gain=1:8")], seed=1))
                           for k in ("lhs", "sobol", "halton")]]:
        assert design.kind == kind
        fig = sweep_figure(results(design), design.keys, METRICS[:2], "t", kind=design.kind)
        assert len(panels(fig)) == (2 if kind == "factorial" and len(design.keys) == 1
                                    else 2 * len(design.keys))
        assert all(ax.has_data() for ax in panels(fig).values())


def test_nothing_varied_gives_no_figure():
    assert sweep_figure(pd.DataFrame({"point": [0], "expression_late": [0.1]}), [], METRICS, "t") is None



def test_govsim_sweep_of_a_sampled_design_draws_partial_dependence(tmp_path, monkeypatch):
    drawn = []
    save = simulator.viz.figures.save_figure

    def keep(fig, path, *args, **kwargs):
        drawn.append(sorted(panels(fig)))
        save(fig, path, *args, **kwargs)

    monkeypatch.setattr(simulator.viz.figures, "save_figure", keep)
    # one sampled parameter: its points would also pass for a grid, so the design must say what it is
    status = main(["sweep", "baseline", "--design", "lhs", "--samples", "6", "--range", "plan.gain=1:8",
                   "--metric", "expression_late", "--metric", "trust_late", "--steps", "10",
                   "--engine", "serial", "--set", "society.agents=400", "--set", "society.districts_per_side=2",
                   "--out", str(tmp_path / "lhs")])
    assert status == 0
    assert drawn == [["expression_late|plan.gain", "trust_late|plan.gain"]]


def test_the_sensitivity_figure_carries_its_small_sample_warnings():
    from simulator.viz.sweeps import sensitivity_figure

    table = pd.DataFrame({"parameter": ["plan.capacity", "monitor.delay"], "first_order": [0.9, 0.05],
                          "first_order_low": [0.0, -0.1], "first_order_high": [1.8, 0.2], "total": [0.95, 0.1],
                          "total_low": [0.3, 0.0], "total_high": [1.2, 0.3]})
    warned = sensitivity_figure(table, "need_late", "What drives need?", warnings=["warning: too few samples"])
    (ax,) = warned.axes
    assert ax.get_title(loc="left") == "warning: too few samples"
    assert "need, late mean" in ax.get_ylabel()  # the metric's label, not its identifier
    (plain,) = sensitivity_figure(table, "need_late", "What drives need?").axes
    assert plain.get_title(loc="left") == ""
