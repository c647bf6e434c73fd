"""The guardrail (DESIGN.md section 1), tested.

* The loop sees district aggregates only: every array in every contract
  value produced during a run has one entry per district, never per agent;
  no loop component holds a per-agent (or per-cell) array.
* Contract values cannot be edited by the stage that receives them.
* The recorder holds system-level series only: no agent reporters.
* Statically: only the input/output modules touch files; nothing imports
  pickle or evaluates code; nothing uses global random state.

Runs use 2500 agents in 16 districts, so a per-agent array (2500) or a
per-cell array (50 x 50 = 2500) cannot be mistaken for a per-district one.
"""

from __future__ import annotations

import ast
import dataclasses
import os
from collections import deque
from pathlib import Path

import mesa
import numpy as np
import pytest

import simulator
from simulator.loop import contracts
from simulator.loop.contracts import Assessment, Delivery, DistrictState, Observation, Plan
from simulator.loop.plan import POLICIES
from simulator.model import GovernanceModel
from simulator.recorder import SERIES
from simulator.society.agents import Society
from simulator.society.grid import Grid

AGENTS, K = 2500, 4
DISTRICTS = K * K
CONTRACTS = (DistrictState, Observation, Assessment, Plan, Delivery)
GUARDED = {"society.agents": AGENTS, "society.districts_per_side": K,
           "analyze.crisis_share": 0.1,  # crises, so mobilisation flows too
           "society.mobility": 0.1, "shock.rate": 0.05}


@pytest.fixture(scope="module", params=POLICIES)
def captured(request):
    """Every contract instance built during a 30-step run, and the model."""
    seen: list = []
    original = contracts._freeze

    def recording_freeze(obj):
        original(obj)
        seen.append(obj)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(contracts, "_freeze", recording_freeze)
        model = GovernanceModel.from_scenario("baseline", seed=4, steps=30,
                                overrides={**GUARDED, "plan.policy": request.param})
        model.run()
    return seen, model


def _arrays(obj):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            yield f.name, value


def test_every_contract_kind_was_produced(captured):
    seen, model = captured
    assert model.society.n == AGENTS and model.grid.districts == DISTRICTS
    kinds = {type(obj) for obj in seen}
    assert kinds == set(CONTRACTS)
    assert len(seen) > 5 * 30  # every stage, every step


def test_contract_arrays_have_one_entry_per_district(captured):
    seen, _ = captured
    for obj in seen:
        for name, value in _arrays(obj):
            assert value.shape == (DISTRICTS,), f"{type(obj).__name__}.{name} has shape {value.shape}"
        for f in dataclasses.fields(obj):  # everything else is a plain scalar
            value = getattr(obj, f.name)
            assert isinstance(value, (np.ndarray, int, float, bool, np.bool_)), f.name


def test_contract_arrays_are_read_only(captured):
    seen, _ = captured
    for obj in seen:
        for name, value in _arrays(obj):
            assert not value.flags.writeable, f"{type(obj).__name__}.{name} is writeable"
            with pytest.raises(ValueError):
                value[0] = value[0]


def test_contracts_are_frozen(captured):
    seen, _ = captured
    for obj in seen[:10]:
        field = dataclasses.fields(obj)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, field, None)


def _loop_arrays(obj, path, seen_ids, out):
    """Every numpy array reachable from a loop component (not crossing into society or model)."""
    if id(obj) in seen_ids:
        return
    seen_ids.add(id(obj))
    if isinstance(obj, np.ndarray):
        out.append((path, obj))
    elif isinstance(obj, (mesa.Model, Society, Grid)):
        return
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _loop_arrays(v, f"{path}[{k!r}]", seen_ids, out)
    elif isinstance(obj, (list, tuple, deque)):
        for i, v in enumerate(obj):
            _loop_arrays(v, f"{path}[{i}]", seen_ids, out)
    elif dataclasses.is_dataclass(obj) or type(obj).__module__.startswith("simulator."):
        attrs = vars(obj) if hasattr(obj, "__dict__") else {}
        for k, v in attrs.items():
            _loop_arrays(v, f"{path}.{k}", seen_ids, out)


def test_no_loop_component_holds_per_agent_arrays(captured):
    _, model = captured
    # the fast loop (its four stages), Knowledge, the agencies, every self-* loop with what
    # its last turn saw, concluded and did, and the report the outside reads
    components = ["loop", "knowledge", "apparatus", "healing", "protecting", "optimizing",
                  "configuring", "delivery"]
    found: list = []
    for name in components:
        _loop_arrays(getattr(model, name), name, set(), found)
    _loop_arrays(model.report(), "report", set(), found)
    assert any(a.shape == (DISTRICTS,) for _, a in found)  # the walk does reach the loop's arrays
    reached = {path.split(".")[0] for path, _ in found}
    assert {"loop", "healing", "protecting", "report"} <= reached
    assert model.healing.last is not None and model.protecting.last is not None  # both every step
    cells = model.grid.cells
    for path, array in found:
        assert AGENTS not in array.shape and cells not in array.shape, f"{path}: {array.shape}"
        assert array.size <= max(DISTRICTS, 9), f"{path}: {array.shape}"


def test_the_recorder_holds_system_level_series_only(captured):
    _, model = captured
    recorder = model.recorder
    assert isinstance(recorder, mesa.DataCollector)
    assert recorder.agent_reporters == {}
    assert recorder.agenttype_reporters == {} and recorder.tables == {}
    with pytest.raises(UserWarning):
        recorder.get_agent_vars_dataframe()
    frame = model.series()
    assert list(frame.columns) == list(SERIES)
    assert len(frame) == model.steps + 1  # one row per step, plus the initial state
    np.testing.assert_array_equal(frame["step"], np.arange(model.steps + 1))
    for name in SERIES:
        assert all(np.isscalar(v) for v in recorder.model_vars[name]), name
        assert frame[name].dtype.kind in "iufb", name


# -- static checks over the package source -------------------------------------------------

PACKAGE = Path(simulator.__file__).parent
#: Every module of the package, sub-packages (the dashboard) included.
SOURCES = sorted(PACKAGE.rglob("*.py"))
#: The only modules that may touch files: scenario loading, the command line (stdout to
#: /dev/null when its reader left), and the one reader and atomic writer of output files.
IO_MODULES = {"scenario.py", "cli/main.py", "io/files.py"}


def _name(path: Path) -> str:
    """A module's path inside the package, e.g. ``dashboard/app.py``."""
    return path.relative_to(PACKAGE).as_posix()

FILE_METHODS = {"read_text", "read_bytes", "write_text", "write_bytes", "fdopen",
                "loadtxt", "genfromtxt", "fromfile", "tofile", "savetxt", "savez", "to_pickle"}
PICKLE_LIKE = {"pickle", "cPickle", "dill", "shelve", "marshal", "joblib", "cloudpickle"}


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def file_access(tree: ast.AST) -> list[str]:
    """Calls that open, read or write files."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        head = name.split(".", 1)[0]
        if (name in {"open", "io.open", "os.open", "np.load", "numpy.load", "np.save", "numpy.save"}
                or last in FILE_METHODS
                or (isinstance(node.func, ast.Attribute) and last == "open")  # Path.open and friends
                or (head in {"pd", "pandas"} and last.startswith("read_"))
                or head in PICKLE_LIKE):
            found.append(f"line {node.lineno}: {name}()")
    return found


def unsafe_code(tree: ast.AST) -> list[str]:
    """Imports of pickle-like modules and evaluation of code."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] in PICKLE_LIKE]
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in PICKLE_LIKE:
                found.append(f"line {node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            if last in {"eval", "exec"} or name in {"compile", "__import__", "builtins.compile"}:
                found.append(f"line {node.lineno}: {name}()")
            if last in {"__import__", "import_module"} and any(
                    isinstance(a, ast.Constant) and str(a.value).split(".")[0] in PICKLE_LIKE
                    for a in node.args):
                found.append(f"line {node.lineno}: {name}() of a pickle-like module")
    return found


def global_randomness(tree: ast.AST) -> list[str]:
    """Use of the global random state (``random`` or ``np.random.*`` functions)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name == "random"]
        elif isinstance(node, ast.ImportFrom) and node.module in {"random", "numpy.random"}:
            found.append(f"line {node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if not name.startswith(("np.random.", "numpy.random.")):
                continue
            # explicit seeding is the opposite of global state: a SeedSequence, or a
            # generator built from a given seed
            last = name.rsplit(".", 1)[-1]
            if last == "SeedSequence" or (last == "default_rng" and (node.args or node.keywords)):
                continue
            found.append(f"line {node.lineno}: {name}()")
    return found


@pytest.mark.parametrize(("check", "snippet"), [
    (file_access, "open('x')"),
    (file_access, "Path('x').read_text()"),
    (file_access, "p.open('rb')"),
    (file_access, "np.load('x.npy')"),
    (file_access, "pd.read_csv('x.csv')"),
    (file_access, "pandas.read_parquet('x')"),
    (file_access, "pickle.loads(b'')"),
    (file_access, "frame.to_pickle('x')"),
    (unsafe_code, "import pickle"),
    (unsafe_code, "from pickle import loads"),
    (unsafe_code, "import shelve as s"),
    (unsafe_code, "eval('1 + 1')"),
    (unsafe_code, "exec('x = 1')"),
    (unsafe_code, "builtins.eval('1')"),
    (unsafe_code, "importlib.import_module('pickle')"),
    (global_randomness, "np.random.seed(1)"),
    (global_randomness, "np.random.default_rng()"),
    (global_randomness, "import random"),
    (global_randomness, "from numpy.random import rand"),
])
def test_the_static_checks_catch_what_they_look_for(check, snippet):
    assert check(ast.parse(snippet))


@pytest.mark.parametrize(("check", "snippet"), [
    (file_access, "self.rng.random(3)"),
    (file_access, "tomllib.loads(text)"),
    (unsafe_code, "re.compile('x')"),
    (unsafe_code, "import numpy as np"),
    (global_randomness, "rng: np.random.Generator = make()"),
    (global_randomness, "self.rng.integers(3)"),
    (global_randomness, "np.random.SeedSequence(1, spawn_key=(2, 3))"),
    (global_randomness, "np.random.default_rng(seed)"),
])
def test_the_static_checks_pass_clean_code(check, snippet):
    assert not check(ast.parse(snippet))


def test_the_scan_visits_every_module_of_every_sub_package():
    # listed independently of the scan (os.walk, not Path.rglob): nothing is skipped
    on_disk = {Path(root, f).relative_to(PACKAGE).as_posix()
               for root, _, files in os.walk(PACKAGE) for f in files if f.endswith(".py")}
    scanned = {_name(p) for p in SOURCES}
    assert scanned == on_disk
    dashboard = {n for n in on_disk if n.startswith("dashboard/")}
    assert {"dashboard/__init__.py", "dashboard/app.py"} <= dashboard <= scanned
    assert {"model.py", "society/agents.py", "loop/monitor.py", "scenario.py", "loop/contracts.py"} <= scanned
    assert IO_MODULES <= scanned  # each exemption names a module that exists


@pytest.mark.parametrize("path", [p for p in SOURCES if _name(p) not in IO_MODULES], ids=_name)
def test_only_input_output_modules_touch_files(path):
    found = file_access(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, f"{_name(path)} touches files: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_no_pickle_and_no_evaluation_of_code(path):
    found = unsafe_code(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, f"{_name(path)}: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_no_global_random_state(path):
    found = global_randomness(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, f"{_name(path)}: {found}"
