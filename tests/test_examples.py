"""The lesson scripts and the seminar notebooks run, and say what they measured.

Every script runs in a subprocess under matplotlib's Agg backend, into a
temporary folder; what it prints must match the readings it wrote, and a few
readings are checked against the phenomenon they are meant to show. The
notebooks are executed cell by cell with nbclient; any error fails.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_there_are_enough_lessons():
    assert len(SCRIPTS) >= 5 and len(NOTEBOOKS) >= 2


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    """Run every lesson once: name -> (stdout, readings, output folder)."""
    root = tmp_path_factory.mktemp("lessons")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    ran = {}
    for script in SCRIPTS:
        out = root / script.stem
        done = subprocess.run([sys.executable, str(script), "--out", str(out)], env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"{script.name}:\n{done.stderr}"
        ran[script.stem] = (done.stdout, json.loads((out / "readings.json").read_text()), out)
    return ran


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_each_lesson_opens_with_what_it_covers(script):
    text = script.read_text()
    assert text.startswith('"""Lesson ') and "Covers:" in text and "What to look for" in text


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_each_lesson_prints_what_it_measured_and_draws(lessons, script):
    stdout, readings, out = lessons[script.stem]
    assert readings
    for key, value in readings.items():
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        assert f"{key} = {shown}" in stdout
    figures = list(out.glob("*.png"))
    assert figures and all(f.stat().st_size > 20_000 for f in figures)
    for figure in figures:
        assert str(figure) in stdout  # it says where it put them


def test_lessons_show_their_phenomena(lessons):
    r = {name: readings for name, (_, readings, _) in lessons.items()}
    one = r["01_inside_the_loop"]
    assert abs(one["observability_gap"] - (one["latent"] - one["observed_expression"])) < 1e-9
    two = r["02_dynamic_equilibrium"]
    assert two["share_of_steps_with_faults"] > 0.7 and two["repairs_after_step_50"] > 50
    assert two["late_need_ungoverned"] > two["late_need_governed"] + 0.2
    three = r["03_delay_and_oscillation"]
    assert three["overshoot_long"] > 3 * three["overshoot_short"]
    four = r["04_soft_and_hard"]
    assert four["trust_before_second_shock_constraint_only"] < four["trust_before_second_shock_mixed"]
    assert four["collapsed_runs_mixed"] < four["collapsed_runs_constraint_only"]
    five = r["05_epstein_bursts"]
    assert five["share_of_steps_quiet"] > 0.8 and five["bursts_above_25_percent"] >= 1
    six = r["06_blind_spots"]
    assert six["gap_before_shock_heavy"] > six["gap_before_shock_light"] + 0.2
    assert six["observed_before_shock_heavy"] < six["observed_before_shock_light"]


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_from_top_to_bottom(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "stream" for o in outputs)  # the cells print what they found
