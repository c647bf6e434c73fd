"""A plain (non-editable) install finds the shipped scenarios too."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from simulator.scenario import scenario_names

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_every_scenario_and_an_install_finds_them(tmp_path):
    # build from a clean copy: setuptools would reuse a stale build/ folder and hide a missing package
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        "build", "dist", "*.egg-info", "runs", ".git", "__pycache__", ".*_cache", ".hypothesis"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("govsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(Path(n).stem for n in names if n.startswith("simulator/scenarios/") and n.endswith(".toml"))
    assert shipped == scenario_names()
    # every module of every package under simulator/ ships (the dashboard once did not)
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "simulator").rglob("*.py"))
    assert len(modules) > 40 and "simulator/dashboard/app.py" in modules
    assert [m for m in modules if m not in names] == []
    assert "simulator/py.typed" in names

    # install the wheel alone into a fresh target and import it from elsewhere
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    probe = ("import simulator, simulator.scenario as s; "
             "print(simulator.__file__); print(s.scenario_dir()); print(','.join(s.scenario_names()))")
    done = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(target)!r}] + "
                           f"[p for p in {sys.path!r} if 'site-packages' in p]; {probe}"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    module_file, folder, found = done.stdout.strip().splitlines()
    assert module_file.startswith(str(target))
    assert folder.startswith(str(target))
    assert found.split(",") == scenario_names()
