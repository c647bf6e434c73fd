"""The govsim command line: list, show, run, and its error handling."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pandas as pd
import pytest

from simulator import SERIES, scenario_names
from simulator.cli.main import main
from simulator.parameters import PARAMETERS

REQUIRED_COLUMNS = (
    "step need trust grievance expression observed_expression observability_gap participation "
    "accommodate constrain incentivise mobilise faults crisis alignment"
).split()
SMALL = ["--set", "society.agents=900", "--set", "society.districts_per_side=4"]


def test_list_names_every_scenario_with_its_question(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == scenario_names()
    assert all("?" in line for line in out)


def test_show_prints_about_and_every_parameter(capsys):
    assert main(["show", "baseline"]) == 0
    out = capsys.readouterr().out
    assert "WHAT IT IS" in out and "THINGS TO TRY" in out
    for key in PARAMETERS:
        assert key in out


def test_run_writes_series_summary_scenario(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "baseline", "--steps", "25", "--seed", "5", "--out", str(out), "--no-plot", *SMALL]) == 0
    series = pd.read_csv(out / "series.csv")
    assert list(series.columns) == list(SERIES)
    assert set(REQUIRED_COLUMNS) <= set(series.columns)
    assert len(series) == 26 and series["step"].tolist() == list(range(26))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 5 and summary["steps"] == 25
    assert summary["parameters"]["society.agents"] == 900
    assert summary["metrics"]["trust_final"] == pytest.approx(series["trust"].iloc[-1])
    assert summary["govsim_version"]
    resolved = tomllib.loads((out / "scenario.toml").read_text())
    assert resolved["scenario"]["seed"] == 5
    assert len(resolved["society"]) == sum(1 for k in PARAMETERS if k.startswith("society."))
    assert not (out / "dashboard.png").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_resolved_scenario_reproduces_the_run_bit_for_bit(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["run", "baseline", "--steps", "30", "--seed", "11", "--set", "plan.policy=pid",
                 "--out", str(first), "--no-plot", *SMALL]) == 0
    assert main(["run", str(first / "scenario.toml"), "--out", str(second), "--no-plot"]) == 0
    assert (first / "series.csv").read_bytes() == (second / "series.csv").read_bytes()


def test_different_seed_gives_different_series(tmp_path):
    for seed in (1, 2):
        assert main(["run", "baseline", "--steps", "20", "--seed", str(seed),
                     "--out", str(tmp_path / str(seed)), "--no-plot", *SMALL]) == 0
    a = pd.read_csv(tmp_path / "1" / "series.csv")
    b = pd.read_csv(tmp_path / "2" / "series.csv")
    assert not a["need"].equals(b["need"])


def test_run_never_overwrites(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["run", "baseline", "--steps", "3", "--out", str(out), "--no-plot", *SMALL]) == 2
    assert "exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_run_with_plot_writes_png(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "baseline", "--steps", "10", "--out", str(out), *SMALL]) == 0
    assert (out / "dashboard.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "baseline", "--set", "society.agents=-5"], "society.agents must be an integer in [1, 5000000], got -5"),
        (["run", "baseline", "--set", "plan.polcy=pid"], "did you mean 'plan.policy'"),
        (["run", "baseline", "--set", "plan.policy=fast"], "one of 'none', 'threshold', 'pid', 'balanced', 'predictive'"),
        (["run", "baseline", "--set", "monitor.delay=1.5"], "monitor.delay must be an integer"),
        (["run", "baseline", "--set", "healing.enabled=maybe"], "healing.enabled must be true or false"),
        (["run", "baseline", "--set", "nokey"], "key=value"),
        (["run", "basline"], "did you mean 'baseline'"),
        (["run", "baseline", "--variant", "nope"], "has no variant 'nope'"),
        (["run", "baseline", "--steps", "-3"], "--steps must be an integer >= 0"),
        (["run", "baseline", "--steps", "ten"], "invalid int value"),
        (["show", "nothing_like_it"], "no scenario named"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args, needle, capsys, tmp_path):
    assert main([*args, "--out", str(tmp_path / "x")] if args[0] == "run" else args) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_bad_scenario_file_is_reported_by_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname="x"\ntitle="x"\nquestion="x?"\nsteps=5\nseed=1\n[plan]\ncapacty=0.3\n')
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "plan.capacty" in err and "did you mean 'plan.capacity'" in err


def test_console_script_and_module_entry_points(tmp_path):
    done = subprocess.run([sys.executable, "-m", "simulator", "run", "baseline", "--set", "society.agents=-5",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("govsim: error: society.agents") and "Traceback" not in done.stderr
    done = subprocess.run(["govsim", "list"], capture_output=True, text=True)
    assert done.returncode == 0 and "baseline" in done.stdout


def test_run_files_are_readable_by_others(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "baseline", "--steps", "3", "--out", str(out), "--no-plot", *SMALL]) == 0
    assert out.stat().st_mode & 0o055 == 0o055  # group/other may read and enter
    for name in ("series.csv", "summary.json", "scenario.toml"):
        assert (out / name).stat().st_mode & 0o044 == 0o044, name
