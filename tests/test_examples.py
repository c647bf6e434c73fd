"""The lesson scripts and the seminar notebooks run, and say what they measured.

Every script runs in a subprocess under matplotlib's Agg backend, into a
temporary folder; what it prints must match the readings it wrote, and a few
readings are checked against the phenomenon they are meant to show. A lesson
that cannot write where it is told says so in one line, exits with status 2
and leaves nothing behind. The notebooks are executed cell by cell with
nbclient (under ``MPLBACKEND=Agg``, as in CI); any error fails, and every
cell that draws must show a picture. The committed notebooks must be exactly
what ``make_notebooks.py`` writes.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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

    def lesson(script):
        out = root / script.stem
        return script, out, subprocess.run([sys.executable, str(script), "--out", str(out)], env=env,
                                           capture_output=True, text=True, timeout=180)

    ran = {}
    with ThreadPoolExecutor(2) as pool:  # two lessons at a time, one per core
        for script, out, done in pool.map(lesson, SCRIPTS):
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
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        line = next(line for line in stdout.splitlines() if line.endswith(f"  [{key}]"))
        words, printed = line[:-len(f"  [{key}]")].strip().rsplit(": ", 1)
        assert printed == shown and len(words.split()) >= 3  # a reading is said in words, not as an identifier
    figures = list(out.glob("*.png"))
    assert figures and all(f.stat().st_size > 20_000 for f in figures)
    for figure in figures:
        assert str(figure) in stdout  # it says where it put them
    assert sorted(p.name for p in out.iterdir()) == sorted(["readings.json", *(f.name for f in figures)])


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for a folder)."""
    return {str(p.relative_to(root)): None if p.is_dir() else p.read_bytes() for p in sorted(root.rglob("*"))}


def _run_first_lesson(out: Path | str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPTS[0]), "--out", str(out)], cwd=cwd,
                          env={**os.environ, "MPLBACKEND": "Agg"}, capture_output=True, text=True, timeout=180)


# root may write into a chmod'ed read-only folder, so the unwritable places fail for everyone
@pytest.mark.parametrize("where", ["notes.txt/out", "notes.txt/a/b", "notes.txt", "/proc/govsim-lesson"])
def test_a_lesson_that_cannot_write_says_so_in_one_line_and_leaves_nothing(tmp_path, where):
    (tmp_path / "notes.txt").write_text("a student's notes\n")
    before = _tree(tmp_path)
    done = _run_first_lesson(where, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and where in done.stderr
    assert done.stdout == ""  # refused before simulating anything
    assert _tree(tmp_path) == before
    assert not Path("/proc/govsim-lesson").exists()


def test_a_lesson_blocked_at_the_end_keeps_the_old_output(tmp_path):
    out = tmp_path / "out"
    (out / "dashboard.png").mkdir(parents=True)  # a folder where the figure should go
    (out / "readings.json").write_text("{}\n")  # an earlier run's readings
    before = _tree(tmp_path)
    done = _run_first_lesson(out, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "dashboard.png" in done.stderr
    assert _tree(tmp_path) == before  # not even half of the new output


def test_an_interrupted_lesson_removes_the_folders_it_made(tmp_path):
    # the longest lesson, so that the interrupt lands while it simulates however busy the machine
    script = EXAMPLES / "07_tipping_point.py"
    out = tmp_path / "new" / "out"
    lesson = subprocess.Popen([sys.executable, str(script), "--out", str(out)], cwd=tmp_path,
                              env={**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not out.is_dir() and time.monotonic() < deadline:  # simulating, folder made
            time.sleep(0.05)
        assert out.is_dir() and lesson.poll() is None
        lesson.send_signal(signal.SIGINT)
        _, stderr = lesson.communicate(timeout=120)
    finally:
        lesson.kill()
    assert lesson.returncode == 130 and len(stderr.splitlines()) == 1 and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_lesson_rejects_a_bad_argument_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPTS[0]), "--outt", "x"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "--outt" in done.stderr
    assert list(tmp_path.iterdir()) == []


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
    eight = r["08_pre_emption"]
    assert eight["need_sd_before_predictive"] < eight["need_sd_before_pid"] / 2
    assert eight["cost_predictive"] < eight["cost_pid"]
    assert eight["need_after_stale"] > eight["need_after_pid"]
    seven = r["07_tipping_point"]
    assert 0 < seven["mix_at_tip"] - seven["twin_fold"] < 0.12 and seven["control_runs_tipped"] == 0
    assert seven["tau_variance_drift"] > seven["tau_variance_control"] + 0.3
    assert seven["tau_autocorrelation_drift"] > seven["tau_autocorrelation_control"] + 0.3


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


#: A cell "draws" if it calls one of the plotting module's ``*_figure`` functions or pyplot.
DRAWS = re.compile(r"\b\w+_figure\(|\bplt\.")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_from_top_to_bottom_and_shows_its_figures(path, monkeypatch):
    # CI exports MPLBACKEND=Agg and the kernel inherits it; the pictures must appear anyway
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "stream" for o in outputs)  # the cells print what they found
    drawing = [c for c in code if DRAWS.search(c.source)]
    assert drawing, "no cell draws a figure, so there is nothing to check"
    for cell in drawing:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), \
            f"cell {cell.id} draws but shows no image:\n{cell.source}"
    # a picture's bundle carries "<Figure size ...>" as its text fallback; alone, it means no picture
    only_text = [o for o in outputs if str(o.get("data", {}).get("text/plain", "")).startswith("<Figure size")
                 and "image/png" not in o.get("data", {})]
    assert not only_text, f"{len(only_text)} figure(s) shown as text instead of a picture"


def test_committed_notebooks_are_what_the_generator_writes(tmp_path):
    done = subprocess.run([sys.executable, str(EXAMPLES / "make_notebooks.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), \
            f"{path.name} is stale: run `python examples/make_notebooks.py` and commit the result"
