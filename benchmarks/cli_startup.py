"""How fast ``govsim --help``, ``govsim list`` and ``govsim show NAME`` answer (issue 13, item 6).

Each command runs in fresh subprocesses (``python -m simulator ...``, output
thrown away); the table gives the median and the best wall-clock time over
``--repeat`` runs, next to the target (0.5 s), and which heavy modules (Mesa,
pandas, scipy, matplotlib, and for information numpy) the command imported,
found by one more subprocess that runs the command in-process and then
reads ``sys.modules``.

This script prints figures; it never asserts them (timings on a shared
machine are noisy). ``tests/test_cli_startup.py`` checks the imports, not the
time.

Usage::

    python benchmarks/cli_startup.py [--repeat R] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The commands measured, as the arguments after ``govsim``.
COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "list": ["list"],
    "show baseline": ["show", "baseline"],
}
#: Modules the quick commands must not import, and numpy (reported, allowed).
HEAVY = ("mesa", "pandas", "scipy", "matplotlib", "numpy")
TARGET_S = 0.5

_PROBE = """
import contextlib, io, json, sys
from simulator.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main({argv!r})
    except SystemExit:  # --help
        pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _env() -> dict[str, str]:
    """The environment of the subprocesses: this checkout's package first on the path.

    (They also run in this checkout's folder: ``python -m`` and ``-c`` put the
    current folder first on the path.)
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def time_command(argv: list[str], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` fresh runs of ``python -m simulator *argv``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "simulator", *argv], check=True, env=_env(), cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def heavy_imports(argv: list[str]) -> list[str]:
    """The modules of :data:`HEAVY` that running the command imports."""
    done = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv, heavy=HEAVY)],
                          check=True, env=_env(), cwd=ROOT, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh runs per command (default 7)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    rows = []
    print(f"{'command':<21} {'median s':>9} {'best s':>7}  target  imported")
    for name, argv in COMMANDS.items():
        times = time_command(argv, args.repeat)
        imported = heavy_imports(argv)
        median = statistics.median(times)
        rows.append({"command": name, "median_s": median, "best_s": min(times),
                     "runs": args.repeat, "imported": imported})
        verdict = "met" if median <= TARGET_S else "NOT met"
        print(f"govsim {name:<14} {median:9.3f} {min(times):7.3f}  {verdict:<7} "
              f"{', '.join(imported) or '(none)'}")
    if args.json:
        args.json.write_text(json.dumps({"target_s": TARGET_S, "commands": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
