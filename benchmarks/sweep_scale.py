"""Sweeps at scale: thousands of short runs, a kill -9 halfway, and two engines, byte for byte.

Issue 18, part 3. Through the command a researcher types (``govsim sweep``),
in subprocesses, this measures and prints:

* **throughput**: a sweep of ``--runs`` short runs (``--agents`` agents x
  ``--steps`` steps of the baseline, replicates of one point) on ``--workers``
  workers: runs per second, and the overhead per run, i.e. the wall time times
  the workers, less the runs' own time (from their records), per run (worker
  start-up included);
* **the driver's memory**: the resident memory of the ``govsim`` process (not
  its workers), sampled every 0.2 s: after a tenth of the runs, after nine
  tenths, and at its peak; flat between the first two means results go to disk
  as they finish, not into memory (the peak also covers writing the results
  table at the end, a chunk of records at a time);
* **resume**: the same sweep killed with SIGKILL (driver and workers) once half
  of the runs are on disk, then ``--resume``: how many finished runs it reused,
  against how many were on disk at the kill;
* **engines**: a smaller sweep (``--dask-runs``) on the process engine and on
  Dask's LocalCluster with the same workers: whether ``results.csv`` is the
  same, byte for byte.

It prints figures and asserts nothing (timings on a shared machine drift).

    python benchmarks/sweep_scale.py [--runs 10000] [--agents 2000] [--steps 50]
                                     [--workers 2] [--dask-runs 200] [--skip-kill]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

TARGET_OVERHEAD_MS = 5.0
DONE = re.compile(r"(\d+) runs: (\d+) computed, (\d+) reused")


def command(out: Path, runs: int, agents: int, steps: int, workers: int, engine: str = "process",
            resume: bool = False) -> list[str]:
    return [sys.executable, "-m", "simulator", "sweep", "baseline", "--set", f"society.agents={agents}",
            "--steps", str(steps), "--replicates", str(runs), "--engine", engine, "--workers", str(workers),
            "--no-plot", "--large", "--out", str(out), *(["--resume"] if resume else [])]


def finished(out: Path) -> int:
    folder = out / "runs"
    return sum(1 for _ in folder.glob("run-*.json")) if folder.is_dir() else 0


class Watch:
    """Sample a process's resident memory (not its children's) until it ends."""

    def __init__(self, pid: int, out: Path, runs: int):
        self.process, self.out, self.runs = psutil.Process(pid), out, runs
        self.peak = self.early = self.late = 0
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while True:
            try:
                rss = self.process.memory_info().rss
            except psutil.Error:
                return
            self.peak = max(self.peak, rss)
            done = finished(self.out)
            if not self.early and done >= self.runs // 10:
                self.early = rss
            if not self.late and done >= self.runs * 9 // 10:
                self.late = rss
            time.sleep(0.2)

    def join(self) -> None:
        self._thread.join(timeout=5)


def throughput(root: Path, runs: int, agents: int, steps: int, workers: int) -> dict:
    out = root / "scale"
    started = time.perf_counter()
    driver = subprocess.Popen(command(out, runs, agents, steps, workers), stdout=subprocess.PIPE, text=True)
    watch = Watch(driver.pid, out, runs)
    stdout, _ = driver.communicate()
    wall = time.perf_counter() - started
    watch.join()
    busy = sum(json.loads(p.read_text())["seconds"] for p in (out / "runs").glob("run-*.json"))
    return {"runs": runs, "wall_s": wall, "runs_per_s": runs / wall, "mean_run_ms": 1000 * busy / runs,
            "overhead_ms_per_run": 1000 * (wall * workers - busy) / runs,
            "driver_rss_early_mb": watch.early / 2**20, "driver_rss_late_mb": watch.late / 2**20,
            "driver_rss_peak_mb": watch.peak / 2**20,
            "line": stdout.strip().splitlines()[0] if stdout.strip() else ""}


def kill_and_resume(root: Path, runs: int, agents: int, steps: int, workers: int) -> dict:
    out = root / "killed"
    driver = subprocess.Popen(command(out, runs, agents, steps, workers), stdout=subprocess.DEVNULL,
                              start_new_session=True)
    while finished(out) < runs // 2 and driver.poll() is None:
        time.sleep(0.05)
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and its workers, at once
    driver.wait()
    on_disk = finished(out)
    done = subprocess.run(command(out, runs, agents, steps, workers, resume=True), capture_output=True,
                          text=True)
    found = DONE.search(done.stdout)
    total, computed, reused = (int(g) for g in found.groups()) if found else (0, 0, 0)
    return {"on_disk_at_kill": on_disk, "reused": reused, "computed": computed, "total": total,
            "status": done.returncode}


def engines(root: Path, runs: int, agents: int, steps: int, workers: int) -> dict:
    tables = {}
    for engine in ("process", "dask"):
        out = root / f"engine-{engine}"
        subprocess.run(command(out, runs, agents, steps, workers, engine=engine), check=True,
                       capture_output=True)
        tables[engine] = (out / "results.csv").read_bytes()
    return {"runs": runs, "same_bytes": tables["process"] == tables["dask"],
            "bytes": len(tables["process"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dask-runs", type=int, default=200)
    parser.add_argument("--skip-kill", action="store_true", help="skip the kill -9 and resume")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    size = (args.agents, args.steps, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        scale = throughput(root, args.runs, *size)
        print(f"sweep of {args.runs:,} runs ({args.agents:,} agents x {args.steps} steps) on "
              f"{args.workers} workers: {scale['wall_s']:.1f} s, {scale['runs_per_s']:.1f} runs/s; "
              f"a run computes in {scale['mean_run_ms']:.1f} ms")
        print(f"overhead per run: {scale['overhead_ms_per_run']:.1f} ms (target under {TARGET_OVERHEAD_MS:g} ms)")
        print(f"driver's resident memory: {scale['driver_rss_early_mb']:.0f} MiB after a tenth of the runs, "
              f"{scale['driver_rss_late_mb']:.0f} MiB after nine tenths, {scale['driver_rss_peak_mb']:.0f} MiB "
              "at its peak (writing the results table included)")
        figures = {"scale": scale}
        if not args.skip_kill:
            resumed = kill_and_resume(root, args.runs, *size)
            print(f"kill -9 with {resumed['on_disk_at_kill']:,} runs on disk, then --resume: "
                  f"{resumed['reused']:,} reused, {resumed['computed']:,} computed "
                  f"(of {resumed['total']:,}; exit status {resumed['status']})")
            figures["resume"] = resumed
        same = engines(root, args.dask_runs, *size)
        print(f"{same['runs']} runs on the process engine and on Dask's LocalCluster: results.csv "
              f"{'the same' if same['same_bytes'] else 'DIFFERENT'} ({same['bytes']:,} bytes)")
        figures["engines"] = same
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
