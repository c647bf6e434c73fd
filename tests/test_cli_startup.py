"""`govsim --help`, `list` and `show` start at once: they import no heavy module (issue 13, item 6).

Not timed (``benchmarks/cli_startup.py`` measures the time); each case runs the
command in a fresh interpreter and reads ``sys.modules`` afterwards.
"""

import json
import subprocess
import sys

import pytest

#: What the quick commands must not import.
HEAVY = ("mesa", "pandas", "scipy", "matplotlib")

PROBE = """
import contextlib, io, json, sys
from simulator.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        status = main({argv!r})
    except SystemExit as exc:  # --help
        status = exc.code
print(json.dumps({{"status": status, "printed": len(out.getvalue()),
                   "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["show", "baseline"], ["show", "soft_and_hard"]],
                         ids=" ".join)
def test_quick_commands_import_no_heavy_module(argv):
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)],
                          capture_output=True, text=True, timeout=120, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["status"] == 0 and found["printed"] > 200  # the command did its work
    assert found["heavy"] == [], f"govsim {' '.join(argv)} imported {found['heavy']}"


def test_the_package_imports_lazily_and_keeps_its_public_names():
    code = ("import sys, simulator; before = 'mesa' in sys.modules or 'pandas' in sys.modules; "
            "names = sorted(simulator.__all__); "
            "assert all(getattr(simulator, n) is not None for n in names); "
            "print(before, 'mesa' in sys.modules, simulator.__version__, len(names))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=True)
    before, after, version, count = done.stdout.split()
    assert before == "False"  # importing the package loads neither Mesa nor pandas
    assert after == "True"  # asking for GovernanceModel does
    assert version == "0.1.0" and int(count) == 11
