"""Sweeps: machine-independent seeds, engines, resume after kill -9, failures, errors."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import psutil
import pytest

import simulator.experiments.sweep
from simulator import load_scenario
from simulator.cli.main import main
from simulator.config import Config
from simulator.experiments.design import factorial, parse_vary
from simulator.experiments.metrics import METRICS
from simulator.experiments.sweep import SweepSpec, load_results, run_sweep
from simulator.experiments.task import execute, seed_sequence
from simulator.model import GovernanceModel

SMALL = {"society.agents": 900, "society.districts_per_side": 4}


def spec(replicates=2, steps=30, vary=("plan.capacity=0.2,0.6", "plan.soft_share=0,1"), **kw):
    base = dict(load_scenario("baseline").config) | SMALL
    design = factorial([parse_vary(v) for v in vary])
    return SweepSpec("baseline", None, base, steps, 42, replicates, design, **kw)


def test_run_ids_points_and_seeds():
    s = spec(replicates=3)
    assert s.runs == 4 * 3
    t = s.task(7)
    assert (t.point, t.replicate) == (2, 1)
    assert t.parameters["plan.capacity"] == 0.6 and t.parameters["plan.soft_share"] == 0.0
    assert t.parameters["society.agents"] == 900
    # the seed material depends on root seed, point and replicate only
    a, b = seed_sequence(42, 2, 1), seed_sequence(42, 2, 1)
    assert a.generate_state(4).tolist() == b.generate_state(4).tolist()
    assert seed_sequence(42, 2, 0).generate_state(4).tolist() != a.generate_state(4).tolist()


def test_a_task_gives_the_same_result_wherever_it_runs():
    s = spec()
    first, again = execute(s.task(5)), execute(s.task(5))
    np.testing.assert_array_equal(list(first.metrics.values()), list(again.metrics.values()))
    # replicates are not copies of each other
    assert execute(s.task(4)).metrics["need_late"] != first.metrics["need_late"]


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweeps") / "serial"
    report = run_sweep(spec(), out, engine="serial")
    assert (report.computed, report.reused, report.failed) == (8, 0, [])
    return out


def test_output_files_and_tidy_results(serial):
    manifest = json.loads((serial / "manifest.json").read_text())
    assert manifest["spec_hash"] == spec().digest() and manifest["runs"] == 8
    assert manifest["engine"] == "serial" and manifest["started"] and manifest["finished"]
    assert manifest["govsim_version"]
    design = pd.read_csv(serial / "design.csv")
    assert list(design.columns) == ["point", "plan.capacity", "plan.soft_share"] and len(design) == 4
    results = load_results(serial)
    assert list(results["run_id"]) == list(range(8))
    assert list(results.columns[:5]) == ["run_id", "point", "replicate", "root_seed", "spawn_key"]
    assert set(METRICS) <= set(results.columns)
    assert (results["spawn_key"] == [f"{p}-{r}" for p in range(4) for r in range(2)]).all()
    assert (serial / "failures.jsonl").read_text() == ""
    assert len(list((serial / "runs").glob("run-*.json"))) == 8
    # the design acts: more capacity, all accommodation, less need than little capacity, no accommodation
    need = results.groupby("point")["need_late"].mean()
    assert need[3] < need[0]


@pytest.mark.parametrize(("engine", "workers"), [("process", 2), ("dask", 2)])
def test_every_engine_gives_the_same_results(serial, tmp_path, engine, workers):
    out = tmp_path / engine
    report = run_sweep(spec(), out, engine=engine, workers=workers)
    assert report.computed == 8
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))


class InjectedFailure(RuntimeError):
    """Raised by :func:`execute_or_fail` for the runs it is told to break."""


#: Runs that break, and at which step: run 3 mid-way, run 6 before its first step.
FAILING = {3: 10, 6: 0}


def execute_or_fail(task):
    """The sweep's run function, except that the runs in ``FAILING`` raise at their step.

    Top-level in this module, so that a worker process can import it by name.
    """
    if task.run_id not in FAILING:
        return execute(task)
    model = GovernanceModel(config=Config(task.parameters), steps=task.steps, rng=task.seed)
    model.run(FAILING[task.run_id])
    raise InjectedFailure(f"run {task.run_id} was told to fail at step {FAILING[task.run_id]}")


def test_a_run_that_raises_is_reported_and_the_sweep_goes_on(serial, tmp_path, monkeypatch):
    out = tmp_path / "failing"
    monkeypatch.setattr(simulator.experiments.sweep, "execute", execute_or_fail)
    report = run_sweep(spec(), out, engine="process", workers=2)
    monkeypatch.undo()  # the retry below runs the ordinary run function
    assert report.computed == 6 and sorted(report.failed) == [3, 6]
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert sorted(f["run_id"] for f in failures) == [3, 6]
    assert all("InjectedFailure" in f["error"] and f["spawn_key"] for f in failures)
    assert list(load_results(out)["run_id"]) == [0, 1, 2, 4, 5, 7]
    # resuming retries only the failed runs; then nothing is missing or duplicated
    again = run_sweep(spec(), out, engine="serial", resume=True)
    assert (again.computed, again.reused, again.failed) == (2, 6, [])
    assert (out / "failures.jsonl").read_text() == ""
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))
    assert len(json.loads((out / "manifest.json").read_text())["sessions"]) == 2


def test_resume_refuses_a_changed_spec_and_a_rerun_needs_resume(serial):
    from simulator.errors import OutputError

    with pytest.raises(OutputError, match="exists already; add --resume"):
        run_sweep(spec(), serial, engine="serial")
    with pytest.raises(OutputError, match=r"different spec \(changed: replicates\)"):
        run_sweep(spec(replicates=3), serial, engine="serial", resume=True)


def test_series_and_parquet(tmp_path):
    out = tmp_path / "kept"
    run_sweep(spec(keep_series=True, vary=("plan.capacity=0.2,0.6",)), out, engine="serial",
              fmt="parquet")
    results = load_results(out)
    assert (out / "results.parquet").exists() and len(results) == 4
    series = pd.read_csv(out / "series" / "run-000003.csv")
    assert len(series) == 31 and series["need"].iloc[-25:].mean() == pytest.approx(
        results.loc[3, "need_late"], rel=0.2)


CLI = [sys.executable, "-m", "simulator", "sweep", "baseline", "--vary", "plan.capacity=0.2:0.6:5",
       "--replicates", "4", "--steps", "120", "--set", "society.agents=2500", "--no-plot"]


def test_a_sweep_killed_mid_way_resumes_to_the_same_results(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    proc = subprocess.Popen([*CLI, "--engine", "serial", "--out", str(killed)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list((killed / "runs").glob("run-*.json"))) < 3:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # no chance to clean up
    proc.wait()
    finished_before = len(list((killed / "runs").glob("run-*.json")))
    assert 3 <= finished_before < 20
    assert not (killed / "results.csv").exists()
    resumed = subprocess.run([*CLI, "--out", str(killed), "--resume", "--workers", "2"],
                             capture_output=True, text=True, check=True)
    assert f"{20 - finished_before} computed, {finished_before} reused" in resumed.stdout
    subprocess.run([*CLI, "--out", str(clean), "--workers", "2"], capture_output=True, check=True)
    pd.testing.assert_frame_equal(load_results(killed), load_results(clean))
    assert (killed / "results.csv").read_bytes() == (clean / "results.csv").read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (["--vary", "plan.capacty=0:1:3"], "unknown parameter 'plan.capacty' (did you mean 'plan.capacity'?)"),
    (["--vary", "plan.capacity=0:1"], "three parts"),
    (["--vary", "plan.capacity=0:7:3"], "plan.capacity must be a number in [0, 5]"),
    (["--design", "lhs", "--samples", "8", "--range", "plan.capacity=0:7"], "outside the declared bounds"),
    (["--design", "lhs", "--samples", "8"], "needs at least one --range"),
    (["--design", "lhs", "--range", "plan.capacity=0:1"], "needs --samples"),
    (["--range", "plan.capacity=0:1"], "add --design"),
    (["--vary", "plan.gain=1,2", "--design", "lhs", "--samples", "4"], "either --vary"),
    (["--metric", "expresion_late"], "did you mean 'expression_late'"),
    (["--replicates", "0"], "--replicates must be an integer >= 1"),
    (["--engine", "cloud"], "invalid choice: 'cloud'"),
    (["--set", "plan.policy=magic"], "plan.policy must be one of"),
])
def test_bad_input_is_one_clear_line_and_status_2(tmp_path, capsys, args, message):
    status = main(["sweep", "baseline", "--out", str(tmp_path / "x"), *args])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("govsim: error:") and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "x").exists()  # nothing was started


def test_dask_engine_without_dask_says_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if not installed
    status = main(["sweep", "baseline", "--engine", "dask", "--steps", "5",
                   "--set", "society.agents=400", "--out", str(tmp_path / "d"), "--no-plot"])
    assert status == 2
    assert "pip install 'govsim[cluster]'" in capsys.readouterr().err


def test_sweep_cli_writes_a_figure_for_one_and_two_parameters(tmp_path, capsys):
    for name, vary in [("one", ["--vary", "plan.capacity=0.2,0.5"]),
                       ("two", ["--vary", "plan.capacity=0.2,0.5", "--vary", "plan.policy=pid,balanced"])]:
        status = main(["sweep", "baseline", *vary, "--steps", "20", "--engine", "serial",
                       "--set", "society.agents=400", "--set", "society.districts_per_side=2",
                       "--out", str(tmp_path / name)])
        assert status == 0
        assert (tmp_path / name / "sweep.png").stat().st_size > 10_000
    assert "4 runs: 4 computed, 0 reused" in capsys.readouterr().out


def test_sobol_sample_note_reaches_the_user(tmp_path, capsys):
    status = main(["sweep", "baseline", "--design", "sobol", "--samples", "3", "--range",
                   "plan.capacity=0.1:0.9", "--steps", "10", "--engine", "serial", "--no-plot",
                   "--set", "society.agents=400", "--out", str(tmp_path / "s")])
    assert status == 0
    assert "rounded up to 4" in capsys.readouterr().out
    assert len(load_results(tmp_path / "s")) == 4


@pytest.mark.parametrize("address", ["foo", "tcp://host", "tcp://127.0.0.1:99999", "http://x:80"])
def test_a_malformed_scheduler_address_is_refused_before_anything_is_written(tmp_path, address):
    from simulator.errors import GovsimError

    with pytest.raises(GovsimError, match=r"--scheduler must be a Dask scheduler address such as tcp://HOST:PORT"):
        run_sweep(spec(), tmp_path / "x", engine="dask", scheduler=address)
    assert not (tmp_path / "x").exists()


def test_an_unreachable_scheduler_is_one_line_after_a_short_wait(tmp_path, capsys):
    import socket

    from simulator.experiments.engines import CONNECT_TIMEOUT

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    status = main(["sweep", "baseline", "--vary", "plan.capacity=0.2,0.6", "--steps", "5",
                   "--set", "society.agents=400", "--engine", "dask", "--no-plot",
                   "--scheduler", f"tcp://127.0.0.1:{port}", "--out", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1, err
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within" in err
    assert time.monotonic() - started < CONNECT_TIMEOUT + 20


def test_a_damaged_manifest_is_named_with_what_to_do(serial, tmp_path):
    import shutil

    from simulator.errors import OutputError

    out = tmp_path / "damaged"
    shutil.copytree(serial, out)
    manifest = out / "manifest.json"
    text = manifest.read_text()
    manifest.write_text(text[:len(text) // 2])  # truncated
    with pytest.raises(OutputError, match=r"manifest.json is damaged \(not valid JSON.*new --out"):
        run_sweep(spec(), out, engine="serial", resume=True)
    record = json.loads(text)
    del record["spec_hash"]
    manifest.write_text(json.dumps(record))
    with pytest.raises(OutputError, match=r"manifest.json is damaged \(its 'spec_hash' is missing\)"):
        run_sweep(spec(), out, engine="serial", resume=True)


def test_damaged_run_records_are_computed_again(serial, tmp_path):
    import shutil

    out = tmp_path / "records"
    shutil.copytree(serial, out)
    (out / "runs" / "run-000002.json").write_text('{"run_id": 2, "poi')  # truncated
    record = json.loads((out / "runs" / "run-000005.json").read_text())
    del record["metrics"]["need_late"]  # a key missing
    (out / "runs" / "run-000005.json").write_text(json.dumps(record))
    (out / "runs" / "run-000006.error.json").write_text("{")  # a damaged failure record
    report = run_sweep(spec(), out, engine="serial", resume=True)
    assert (report.computed, report.reused, report.failed) == (2, 6, [])
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))


def test_undefined_metrics_stay_float_nan_in_parquet(tmp_path):
    out = tmp_path / "nan"
    run_sweep(spec(vary=("plan.capacity=0.2,0.6",)), out, engine="serial", fmt="parquet")
    results = pd.read_parquet(out / "results.parquet")
    # no shock in baseline: recovery_time is undefined in every run
    assert results["recovery_time"].dtype == np.float64
    assert results["recovery_time"].isna().all() and len(results) == 4


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_results_written_in_chunks_equal_one_whole_table(serial, tmp_path, monkeypatch, fmt):
    # the driver holds one chunk of records, not the sweep: chunks of 3 rows over 8 runs,
    # one record missing, must give what one table of every record gives
    out = tmp_path / "chunks"
    (out / "runs").mkdir(parents=True)
    for path in (serial / "runs").glob("run-*.json"):
        if path.name != "run-000004.json":
            (out / "runs" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(simulator.experiments.sweep, "RESULTS_CHUNK", 3)
    simulator.experiments.sweep.write_results(out, spec(), fmt)
    records = [json.loads(p.read_text()) for p in sorted((out / "runs").glob("run-*.json"))]
    whole = pd.DataFrame([{"run_id": r["run_id"], "point": r["point"], "replicate": r["replicate"],
                           "root_seed": r["root_seed"], "spawn_key": "{}-{}".format(*r["spawn_key"]),
                           **r["parameters"], **r["metrics"]} for r in records])
    whole[list(spec().metrics)] = whole[list(spec().metrics)].astype("float64")
    if fmt == "csv":
        assert (out / "results.csv").read_bytes() == whole.to_csv(index=False, lineterminator="\n").encode()
    else:
        pd.testing.assert_frame_equal(load_results(out), whole)
    assert list(load_results(out)["run_id"]) == [0, 1, 2, 3, 5, 6, 7]


def test_results_of_a_sweep_with_no_finished_run_are_a_header(tmp_path):
    out = tmp_path / "none"
    (out / "runs").mkdir(parents=True)
    simulator.experiments.sweep.write_results(out, spec(), "csv")
    assert (out / "results.csv").read_text().splitlines() == [
        ",".join(["run_id", "point", "replicate", "root_seed", "spawn_key", *spec().design.keys,
                  *spec().metrics])]


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    return [p.pid for p in psutil.Process(pid).children(recursive=True)]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_workers_end_when_their_driver_is_killed(tmp_path):
    out = tmp_path / "orphans"
    long = [sys.executable, "-m", "simulator", "sweep", "baseline", "--vary",
            "plan.capacity=0.2:0.6:4", "--steps", "100000", "--set", "society.agents=2500",
            "--no-plot", "--engine", "process", "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(long, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        # the driver, its fork server and resource tracker, and two workers under the server
        while len(below := _descendants(proc.pid)) < 4:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(1.0)  # the workers are in the middle of their runs
        below = _descendants(proc.pid)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while (left := [p for p in below if _alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} processes outlived their sweep driver"
