"""report.html: a self-contained page per run and comparison (simulator.io.report_page)."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from simulator import load_scenario
from simulator.cli.main import main
from simulator.experiments.metrics import HEADLINE, METRIC_INFO
from simulator.experiments.robustness import judge
from simulator.io.report_page import GUARDRAIL
from simulator.io.runs import compare

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--set", "society.agents=900", "--steps", "40"]


def images(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def loads_nothing(page: str) -> bool:
    """No script, and no address outside the page to load anything from."""
    return "<script" not in page.lower() and not re.search(r'(src|href)="(?!data:)', page)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    assert main(["run", "blind_spots", *SMALL, "--out", str(out)]) == 0
    return out


def test_a_runs_page_holds_question_figure_metrics_and_command(run_folder):
    page = (run_folder / "report.html").read_text()
    sc = load_scenario("blind_spots")
    assert html.escape(sc.question, quote=True) in page
    for text in sc.about.values():
        first = " ".join(text.split())[:60]
        assert html.escape(first, quote=True) in page
    assert images(page) == [(run_folder / "dashboard.png").read_bytes()]
    summary = json.loads((run_folder / "summary.json").read_text())
    for name in [*HEADLINE, *sc.figure.headline]:
        label, value = METRIC_INFO[name].label, summary["metrics"][name]
        row = re.search(rf"<td>{re.escape(html.escape(label, quote=True))}</td><td class=\"number\">([^<]*)</td>", page)
        assert row and row.group(1) == f"{value:.3f}", name
    assert html.escape(" ".join(summary["command"]), quote=True) in page
    assert "society.agents=900" in page and GUARDRAIL in page
    assert loads_nothing(page)


def test_without_figures_the_page_is_still_written(tmp_path):
    out = tmp_path / "plain"
    assert main(["run", "baseline", *SMALL, "--no-plot", "--out", str(out)]) == 0
    page = (out / "report.html").read_text()
    assert images(page) == [] and "Headline metrics" in page


def test_text_from_a_scenario_file_is_escaped(tmp_path):
    text = (ROOT / "scenarios" / "baseline.toml").read_text().replace(
        'title = "Dynamic equilibrium"', 'title = "Calm <script>alert(1)</script> & co"')
    assert "<script>" in text
    path = tmp_path / "odd.toml"
    path.write_text(text)
    out = tmp_path / "odd"
    assert main(["run", str(path), *SMALL, "--no-plot", "--out", str(out)]) == 0
    page = (out / "report.html").read_text()
    assert "Calm &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert loads_nothing(page)


def test_a_comparisons_page_judges_the_claims_on_its_runs(tmp_path):
    sc = load_scenario("blind_spots").with_changes(steps=160, overrides={"society.agents": 900})
    done = compare(sc, 2, tmp_path / "cmp", command=["govsim", "compare", "blind_spots"], engine="serial")
    page = (tmp_path / "cmp" / "report.html").read_text()
    assert images(page) == [(tmp_path / "cmp" / "compare.png").read_bytes()]
    items = re.findall(r"<li>(.*?): <span class=\"(holds|fails)\">", page)
    assert len(items) == len(sc.phenomenon.claims)
    for (says, mark), claim in zip(items, sc.phenomenon.claims):
        assert says == html.escape(claim.says.rstrip("."), quote=True)
        assert (mark == "holds") == judge(claim, done.comparison).holds
    table = pd.read_csv(tmp_path / "cmp" / "table.csv").set_index("variant")
    mean, sd = table.loc["heavy", "observability_gap_late_mean"], table.loc["heavy", "observability_gap_late_sd"]
    assert f"{mean:.3f} ± {sd:.3f}" in page
    assert loads_nothing(page)


def test_a_sweeps_page_gives_each_metrics_range_over_the_points(tmp_path):
    out = tmp_path / "sw"
    assert main(["sweep", "baseline", "--vary", "plan.gain=1:4:3", "--replicates", "2", "--steps", "30",
                 "--set", "society.agents=400", "--engine", "serial", "--metric", "trust_late",
                 "--metric", "need_late", "--out", str(out)]) == 0
    page = (out / "report.html").read_text()
    assert images(page) == [(out / "sweep.png").read_bytes()]
    means = pd.read_csv(out / "results.csv").groupby("point")[["trust_late", "need_late"]].mean()
    for name in ("trust_late", "need_late"):
        label = html.escape(METRIC_INFO[name].label, quote=True)
        low, high = f"{means[name].min():.3f}", f"{means[name].max():.3f}"
        assert f'<td>{label}</td><td class="number">{low}</td><td class="number">{high}</td>' in page
    assert "varied: plan.gain" in page and loads_nothing(page)
