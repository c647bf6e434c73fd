"""Bad input to every command: one line on stderr, exit status 2, nothing left behind.

Issue 12, item 7: every error of the file system or of the user's input is one
line on stderr with exit status 2, never a traceback, for every subcommand;
a refused command leaves no folder or file behind. The cases are the defects
an adversarial probe found, and a corpus built from the parameter
declarations: every declared parameter gets values of the wrong type, out of
its range, not finite and absurdly large, through ``--set`` and through a
scenario file. Every case goes through ``main([...])`` in this process and
fails during validation, before any simulation.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

import simulator.experiments.sweep
from simulator.cli.main import main
from simulator.config import DELAYS
from simulator.errors import GovsimError, LimitError
from simulator.experiments.design import LIMITS, check_work
from simulator.parameters import PARAMETERS

#: A tiny society: 50 agents in 2 x 2 districts.
SOCIETY = ["--set", "society.agents=50", "--set", "society.districts_per_side=2"]
#: The smallest complete arguments of every command after its scenario.
TAILS: dict[str, list[str]] = {
    "run": ["--steps", "2", "--no-plot", *SOCIETY],
    "compare": ["--replicates", "1", "--steps", "2", "--no-plot", *SOCIETY],
    "robustness": ["--replicates", "1", "--only", "as shipped", "--engine", "serial", *SOCIETY],
    "sweep": ["--steps", "2", "--engine", "serial", "--no-plot", *SOCIETY],
    "sensitivity": ["--range", "plan.gain=1:2", "--metric", "expression_late", "--samples", "2",
                    "--steps", "2", "--engine", "serial", "--no-plot", *SOCIETY],
    "twin": ["--steps", "2", "--no-plot", *SOCIETY],
    "equilibria": ["--no-plot", *SOCIETY],
}
COMPUTE = tuple(TAILS)
#: Commands that take a scenario but compute nothing.
LOOK = ("show", "demo")

HEADER = 'title = "t"\nquestion = "q?"\nsteps = 2\nseed = 1\n'


def scenario_text(name: str = "ok", extra: str = "", header: str = HEADER) -> str:
    """A small scenario file: ``[scenario]`` with ``name``, then ``extra``."""
    return f'[scenario]\nname = "{name}"\n{header}{extra}'


def tree(folder: Path) -> set[str]:
    """Every path under ``folder``, hidden ones too."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def refused(argv: list[str], capsys, *folders: Path) -> str:
    """Run ``argv``; check it is refused in one line and writes nothing in ``folders``."""
    before = [tree(f) for f in folders]
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("govsim: error: ") and len(lines[0]) > len("govsim: error: ")
    assert [tree(f) for f in folders] == before, f"{argv} left files behind"
    return lines[0]


@pytest.fixture
def cwd(tmp_path, monkeypatch) -> Path:
    """An empty working directory two levels below ``tmp_path`` (``runs/`` goes here)."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return work


def write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


# -- 1. a scenario's name never steers the output folder -------------------------------------
BAD_NAMES = {
    "parent": "../../x",
    "absolute": "ABSOLUTE",  # replaced by a path inside tmp_path
    "root": "/",
    "slash": "a/b",
    "dot": ".",
    "dotdot": "..",
    "hidden": ".hidden",
    "empty": "",
    "nul": "a\\u0000b",
    "newline": "a\\nb",
    "long": "n" * 300,
    "dollar": "$\\\\frac{",
    "space": "a b",
}


@pytest.mark.parametrize("command", [*COMPUTE, *LOOK])
@pytest.mark.parametrize("label", BAD_NAMES)
def test_a_scenario_name_that_is_no_safe_folder_name_is_refused(command, label, cwd, tmp_path,
                                                                 capsys):
    name = str(tmp_path / "abs") if label == "absolute" else BAD_NAMES[label]
    path = write(tmp_path, "bad.toml", scenario_text(name))
    roots = set(Path("/").iterdir())
    line = refused([command, path, *TAILS.get(command, [])], capsys, tmp_path)
    assert "scenario.name must be 1 to 64 letters" in line
    assert set(Path("/").iterdir()) == roots  # nothing written at / either


@pytest.mark.parametrize("name", ["../../x", "/", "a\x00b", "/abs/path", "." * 3, "n" * 300])
def test_the_default_folder_stays_inside_runs_whatever_the_name(name, cwd):
    from simulator.io.rundir import default_run_dir

    folder = default_run_dir(name)
    assert folder.parent == Path("runs")
    assert not folder.name.startswith(".") and "/" not in folder.name and "\x00" not in folder.name


def test_a_safe_variant_name_is_required(cwd, tmp_path, capsys):
    path = write(tmp_path, "v.toml", scenario_text(extra='[variants."../x"]\nplan.gain = 2\n'))
    assert "a variant's name must be" in refused(["compare", path, *TAILS["compare"]], capsys,
                                                 tmp_path)


# -- 2. tracebacks instead of one line ----------------------------------------------------
PHENOMENON_VARIANTS = "[variants.a]\nplan.gain = 1\n[variants.b]\nplan.gain = 2\n"
CLAIM = ("[[phenomenon.claims]]\nsays = 'Lower.'\nseries = 'expression'\nwindow = 'late'\nstat = 'mean'\n"
         "variant = 'a'\nis = 'lower'\nthan = 'b'\n")

FILES = {
    "float param of 400 digits": scenario_text(extra="[society]\ndensity = " + "1" * 400 + "\n"),
    "int param of 400 digits": scenario_text(extra="[society]\nagents = " + "1" * 400 + "\n"),
    "5000 digits in the seed": scenario_text(header=HEADER.replace("seed = 1", "seed = " + "1" * 5000)),
    "5000 digits in a parameter": scenario_text(extra="[plan]\ngain = " + "9" * 5000 + "\n"),
    "variants not a table": "variants = 3\n" + scenario_text(),
    "variants an array": "variants = [1, 2]\n" + scenario_text(),
    "a variant not a table": scenario_text(extra="[variants]\nv = 3\n"),
    "a variant's description not text": scenario_text(extra="[variants.v]\ndescription = [1]\n"),
    "deeply nested array": scenario_text(extra="[plan]\ngain = " + "[" * 50_000 + "]" * 50_000 + "\n"),
    "deeply nested table": scenario_text(extra="[plan]\ngain = " + "{a=" * 50_000 + "1" + "}" * 50_000 + "\n"),
    "nested array a little": scenario_text(extra="[plan]\ngain = " + "[" * 500 + "]" * 500 + "\n"),
    "nested about": scenario_text(extra="[about]\nwhat_it_is = " + "[" * 500 + "]" * 500 + "\n"),
    "empty file": "",
    "only a comment": "# nothing\n",
    "no [scenario]": "[plan]\ngain = 2\n",
    "[scenario] not a table": "scenario = 3\n",
    "unknown table": scenario_text(extra="[plna]\ngain = 2\n"),
    "group not a table": "plan = 3\n" + scenario_text(),
    "unknown scenario key": scenario_text(header=HEADER + "colour = 1\n"),
    "missing steps": scenario_text(header=HEADER.replace("steps = 2\n", "")),
    "steps text": scenario_text(header=HEADER.replace("steps = 2", 'steps = "2"')),
    "steps negative": scenario_text(header=HEADER.replace("steps = 2", "steps = -1")),
    "steps a float": scenario_text(header=HEADER.replace("steps = 2", "steps = 2.5")),
    "seed negative": scenario_text(header=HEADER.replace("seed = 1", "seed = -1")),
    "seed bool": scenario_text(header=HEADER.replace("seed = 1", "seed = true")),
    "title an array": scenario_text(header=HEADER.replace('title = "t"', "title = [1]")),
    "variant meta a table": scenario_text(header=HEADER + "variant = { a = 1 }\n"),
    "about not a table": "about = 3\n" + scenario_text(),
    "about unknown section": scenario_text(extra="[about]\nplot = 'x'\n"),
    "about not text": scenario_text(extra="[about]\nwhat_it_is = 3\n"),
    "not TOML": "[scenario\nname = \n",
    "NUL byte": "[scenario]\x00\n",
    "binary garbage": bytes(range(256)) * 8,
    "latin-1 text": "[scenario]\nname = \"caf\xe9\"\n".encode("latin-1"),
    "inconsistent districts": scenario_text(extra="[society]\nagents = 50\ndistricts_per_side = 64\n"),
    **{f"phenomenon: {label}": scenario_text(extra=PHENOMENON_VARIANTS + text) for label, text in {
        "not a table": "phenomenon = 3\n",
        "no claims": "[phenomenon]\nkey = 'plan.gain'\n",
        "unknown key": "[phenomenon]\nclaimz = 1\n",
        "key not a parameter": "[phenomenon]\nkey = 'plan.gian'\n" + CLAIM,
        "key not numeric": "[phenomenon]\nkey = 'plan.policy'\n" + CLAIM,
        "claims not tables": "[phenomenon]\nclaims = [1]\n",
        "claim unknown key": CLAIM + "colour = 1\n",
        "claim missing says": CLAIM.replace("says = 'Lower.'\n", ""),
        "unknown series": CLAIM.replace("'expression'", "'expresion'"),
        "unknown window": CLAIM.replace("'late'", "'later'"),
        "window backwards": CLAIM.replace("'late'", "[5, 2]"),
        "window of floats": CLAIM.replace("'late'", "[0.5, 2]"),
        "unknown stat": CLAIM.replace("'mean'", "'median'"),
        "settle without level": CLAIM.replace("'mean'", "'settle'"),
        "unknown variant": CLAIM.replace("variant = 'a'", "variant = 'c'"),
        "compared with itself": CLAIM.replace("than = 'b'", "than = 'a'"),
        "is sideways": CLAIM.replace("is = 'lower'", "is = 'sideways'"),
        "by negative": CLAIM + "by = -1\n",
        "seeds above 1": CLAIM + "seeds = 2\n",
        "than a bool": CLAIM.replace("than = 'b'", "than = true"),
        "fails_under not a list": CLAIM + "fails_under = 'half the agents'\n",
        "fails_under unknown change": CLAIM + "fails_under = ['half the agent']\n",
        "fails_under the key's change without a key": CLAIM + "fails_under = ['plan.gain -20 %']\n",
    }.items()},
}


@pytest.mark.parametrize("command", [*COMPUTE, *LOOK])
@pytest.mark.parametrize("label", FILES)
def test_a_broken_scenario_file_is_one_line(command, label, cwd, tmp_path, capsys):
    path = write(tmp_path, "bad.toml", FILES[label])
    refused([command, path, *TAILS.get(command, [])], capsys, tmp_path)


@pytest.mark.parametrize("command", [*COMPUTE, *LOOK])
@pytest.mark.parametrize("label", ["folder", "folder/", "folder.toml", "missing.toml",
                                   "missing", "", "name\nwith newline", "x" * 5000])
def test_a_scenario_argument_that_is_no_scenario_file_is_one_line(command, label, cwd, tmp_path,
                                                                  capsys):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.toml").mkdir()
    argument = str(tmp_path / label) if label.startswith(("folder", "missing")) else label
    refused([command, argument, *TAILS.get(command, [])], capsys, tmp_path)


@pytest.mark.parametrize("command", ["run", "sweep", "sensitivity", "twin", "equilibria"])
@pytest.mark.parametrize("variant", ["", "nope", "../x", "$"])
def test_a_variant_the_scenario_lacks_is_refused_with_its_variants(command, variant, cwd, capsys):
    line = refused([command, "soft_and_hard", "--variant", variant, *TAILS[command]], capsys, cwd)
    assert "has no variant" in line and "its variants: constraint_only, mixed" in line


def test_a_title_with_broken_mathtext_is_drawn_as_text(cwd, tmp_path, capsys):
    path = write(tmp_path, "t.toml", scenario_text(header=HEADER.replace(
        'title = "t"', 'title = "$\\\\frac{ costs $5"')))
    assert main(["run", path, "--steps", "2", *SOCIETY]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert len(list(Path("runs").glob("ok-*/dashboard.png"))) == 1


def test_a_multi_line_message_is_printed_as_one_line(cwd, capsys):
    refused(["run", "no\nsuch\nscenario"], capsys, cwd)


# -- 3. writing where the user cannot --------------------------------------------------------
def _places(tmp_path: Path) -> dict[str, list[str]]:
    (tmp_path / "file").write_text("a regular file\n")
    return {"under a regular file": ["--out", str(tmp_path / "file" / "x")],
            "deeper under a regular file": ["--out", str(tmp_path / "file" / "x" / "y")],
            "in /proc": ["--out", "/proc/x"],
            "with a NUL byte": ["--out", str(tmp_path / "a\x00b")],
            "runs/ is a regular file": []}


@pytest.mark.parametrize("command", COMPUTE)
@pytest.mark.parametrize("place", ["under a regular file", "deeper under a regular file",
                                   "in /proc", "with a NUL byte", "runs/ is a regular file"])
def test_an_output_folder_that_cannot_be_created_is_one_line(command, place, cwd, tmp_path, capsys):
    out = _places(tmp_path)[place]
    if not out:
        (cwd / "runs").write_text("not a folder\n")
    line = refused([command, "baseline", *TAILS[command], *out], capsys, tmp_path)
    assert "cannot create" in line or "cannot write" in line or "NUL" in line


def test_an_existing_output_folder_is_refused(cwd, capsys):
    (cwd / "taken").mkdir()
    assert "exists already" in refused(["run", "baseline", *TAILS["run"], "--out", "taken"],
                                       capsys, cwd)


# -- 4. work without bounds ------------------------------------------------------------------
HUGE = {
    "run --steps 10^12": ["run", "baseline", "--steps", str(10**12)],
    "run --steps 100001": ["run", "baseline", "--steps", "100001", "--set", "society.agents=50"],
    "run 5M agents x 10k steps": ["run", "baseline", "--steps", "10000",
                                  "--set", "society.agents=5000000"],
    "run --animate 99999 steps of 64x64 maps": [
        "run", "baseline", "--animate", "--steps", "99999", "--set", "society.agents=4096",
        "--set", "society.districts_per_side=64"],
    "compare --replicates 10^8": ["compare", "baseline", "--replicates", str(10**8)],
    "compare 10^4 x 4 variants of 10k agents": ["compare", "requisite_variety", "--replicates",
                                                "10000"],
    "robustness --replicates 10^8": ["robustness", "baseline", "--replicates", str(10**8)],
    "robustness --workers 10^6": ["robustness", "baseline", "--workers", str(10**6)],
    "sweep --replicates 10^8": ["sweep", "baseline", "--replicates", str(10**8)],
    "sweep --vary 10^7 values": ["sweep", "baseline", "--vary", "plan.gain=1:2:10000000"],
    "sweep --vary 10^18 values": ["sweep", "baseline", "--vary", f"plan.gain=1:2:{10**18}"],
    "sweep factorial 1000 x 1000": ["sweep", "baseline", "--vary", "plan.gain=1:2:1000",
                                    "--vary", "plan.soft_share=0:1:1000"],
    "sweep 1000 points x 1000 replicates": ["sweep", "baseline", "--vary", "plan.gain=1:2:1000",
                                            "--replicates", "1000"],
    "sweep --samples 2^30 sobol": ["sweep", "baseline", "--design", "sobol", "--samples",
                                   str(2**30), "--range", "plan.gain=1:2"],
    "sweep --samples 10^8 lhs": ["sweep", "baseline", "--design", "lhs", "--samples", str(10**8),
                                 "--range", "plan.gain=1:2"],
    "sweep --workers 10^6": ["sweep", "baseline", "--workers", str(10**6)],
    "sweep --steps 10^9": ["sweep", "baseline", "--steps", str(10**9)],
    "sensitivity --samples 2^30": ["sensitivity", "baseline", "--range", "plan.gain=1:2",
                                   "--metric", "expression_late", "--samples", str(2**30)],
    "twin --steps 10^9": ["twin", "baseline", "--steps", str(10**9)],
    "twin --compare 10^8": ["twin", "baseline", "--compare", str(10**8)],
    "equilibria --vary 10^7 values": ["equilibria", "baseline", "--vary", "plan.gain=1:2:10000000"],
}


@pytest.mark.parametrize("label", HUGE)
def test_work_beyond_the_bounds_is_refused_before_it_starts(label, cwd, capsys):
    line = refused(HUGE[label], capsys, cwd)
    assert "beyond the bound" in line and "--large" in line


def test_steps_of_a_scenario_file_are_bounded_too(cwd, tmp_path, capsys):
    path = write(tmp_path, "long.toml", scenario_text(header=HEADER.replace(
        "steps = 2", f"steps = {10**12}")))
    for command in ("run", "compare", "sweep", "twin"):
        line = refused([command, path, "--no-plot"], capsys, tmp_path)
        assert "1e12 steps" in line and "--large" in line


def test_the_refusal_gives_the_cost(cwd, capsys):
    line = refused(["run", "baseline", "--steps", str(10**12)], capsys, cwd)
    assert "1e12 steps x 10,000 agents = 1e16 agent-steps" in line
    assert "of results in memory" in line


@pytest.mark.parametrize("argv, later", [
    # --large lets the design through; the command then fails on its next check instead
    (["sweep", "baseline", "--large", "--vary", "plan.gain=1:2:200000", "--vary", "plan.gain=1,2"],
     "a key is given twice"),
    (["equilibria", "baseline", "--large", "--vary", "plan.gain=1:99:20000"], "outside"),
    (["sweep", "baseline", "--large", "--workers", str(10**6), "--scheduler", "tcp://h:1"],
     "--scheduler is for --engine dask only"),
])
def test_large_lifts_the_bounds(argv, later, cwd, capsys):
    line = refused(argv, capsys, cwd)
    assert later in line and "beyond the bound" not in line


def test_the_bounds_admit_every_shipped_scenario_and_documented_command():
    from simulator import scenario_names
    from simulator.scenario import load_scenario

    for name in scenario_names():
        sc = load_scenario(name)
        check_work("compare", runs=10 * max(1, len(sc.variants)), steps=sc.steps,
                   agents=sc.config["society.agents"])  # govsim compare NAME --replicates 10
    check_work("sweep", runs=10 * 20, steps=300, agents=10_000)  # the README's largest sweep
    check_work("run", steps=LIMITS.steps, agents=LIMITS.agent_steps // LIMITS.steps)
    with pytest.raises(LimitError):
        check_work("run", steps=LIMITS.steps + 1)
    assert check_work("run", steps=10**30, agents=10**9, memory=10**30, large=True) is None


# -- 5. a refused command leaves nothing behind, so the corrected one runs ---------------------
def test_a_refused_sweep_leaves_no_folder_and_the_corrected_one_runs(cwd, capsys, monkeypatch):
    base = ["sweep", "baseline", "--out", "s", *TAILS["sweep"]]
    with monkeypatch.context() as mp:  # refused before the sweep (and its folder) starts
        mp.setattr(simulator.experiments.sweep, "run_sweep", lambda *a, **k: pytest.fail("sweep started"))
        line = refused([*base, "--scheduler", "tcp://127.0.0.1:1"], capsys, cwd)
    assert "--scheduler is for --engine dask only" in line
    assert main(base) == 0
    assert "1 runs: 1 computed" in capsys.readouterr().out


@pytest.mark.parametrize("out", [["--out", "s"], ["--out", "new/deeper/s"], []])
def test_a_sweep_that_fails_before_any_run_removes_what_it_created(out, cwd, capsys, monkeypatch):
    def engine_refuses(*args, **kwargs):
        raise GovsimError("the engine refused")

    monkeypatch.setattr(simulator.experiments.sweep, "run_tasks", engine_refuses)
    line = refused(["sweep", "baseline", *TAILS["sweep"], *out], capsys, cwd)
    assert "the engine refused" in line


def test_a_sweep_that_cannot_write_mid_way_is_one_line(cwd, capsys, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device", "s/runs/run-000000.json")

    monkeypatch.setattr(simulator.experiments.sweep, "run_tasks", disk_full)
    line = refused(["sweep", "baseline", *TAILS["sweep"], "--out", "s"], capsys, cwd)
    assert "No space left on device" in line and "run-000000.json" in line


# -- command-line slips, every command ----------------------------------------------------
SLIPS = {
    "run": [["--steps", "-1"], ["--seed", "-1"], ["--seed", str(2**63)], ["--seed", "1" * 5000],
            ["--steps", "x"], ["--steps", "1" * 5000], ["--ew-window", "5"],
            ["--early-warning", "--ew-series", "nope"], ["--bogus"], ["--set", "noequals"],
            ["--set", "=5"], ["--set", "society.agents="], ["--set", "x" * 10_000 + "=1"],
            ["--set", "plan.gain=1", "--set", "plan.gain=" + "1" * 5000]],
    "compare": [["--replicates", "0"], ["--replicates", "-3"], ["--variant", "mixed"],
                ["--workers", "0"], ["--engine", "nope"], ["--scheduler", "tcp://h:1"]],
    "sweep": [["--replicates", "0"], ["--workers", "0"], ["--vary", "plan.gain"],
              ["--vary", "plan.gain=nan:2:3"], ["--vary", "plan.gain=1:inf:3"],
              ["--vary", "plan.gain=1:2:0"], ["--vary", "plan.gain=1,1"],
              ["--range", "plan.gain=1:2"], ["--design", "lhs", "--samples", "0", "--range",
                                              "plan.gain=1:2"],
              ["--design", "lhs", "--samples", "4", "--range", "plan.gain=nan:2"],
              ["--design", "lhs", "--samples", "4", "--range", "plan.policy=1:2"],
              ["--resume"], ["--engine", "dask", "--scheduler", "tcp://h:1", "--workers", "0"],
              ["--metric", "nope"], ["--format", "xlsx"]],
    "sensitivity": [["--confidence", "2"], ["--confidence", "nan"], ["--samples", "1"],
                    ["--samples", "-4"], ["--metric", "nope"], ["--range", "plan.gain=2:1"]],
    "twin": [["--steps", "0"], ["--steps", "-5"], ["--compare", "0"], ["--seed", "-1"],
             ["--compare", "2", "--workers", "0"], ["--compare", "2", "--scheduler", "tcp://h:1"]],
    "equilibria": [["--vary", "plan.gain=1:2:1"], ["--vary", "plan.gain=0:99:5"],
                   ["--vary", "plan.policy=1:2:3"], ["--show", "nope"], ["--steps", "5"]],
}


@pytest.mark.parametrize("command, slip", [(c, s) for c, slips in SLIPS.items() for s in slips],
                         ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else v)
def test_a_slip_on_the_command_line_is_one_line(command, slip, cwd, capsys):
    refused([command, "baseline", *TAILS[command], *slip], capsys, cwd)


@pytest.mark.parametrize("argv", [[], ["list", "extra"], ["nope"], ["show"], ["show", "nope"],
                                  ["demo", "nope"], ["demo", "baseline", "--port", "0"],
                                  ["demo", "baseline", "--port", "70000"], ["--bogus"]])
def test_list_show_demo_and_no_command_refuse_in_one_line(argv, cwd, capsys):
    refused(argv, capsys, cwd)


# -- 6. the corpus: every declared parameter, every kind of wrong value -----------------------
def _bad_values(p) -> list[tuple[str, str | None]]:
    """``(toml_literal, cli_text)`` pairs that ``p`` must refuse (``None``: no CLI form)."""
    table, array = ("{ a = 1 }", "{a=1}"), ("[1, 2]", "[1,2]")
    if p.kind == "bool":
        return [('"maybe"', "maybe"), ("1", "2"), ("0.5", "0.5"), table, ("[true]", "[true]"),
                ('""', "")]
    if p.kind == "choice":
        return [('"nope"', "nope"), ("true", "true"), ("3", "3"), table,
                (f'["{p.choices[0]}"]', f"[{p.choices[0]}]"), ('""', ""),
                (f'"{p.choices[0].upper()}"', p.choices[0].upper())]
    below, above = p.low - 1, p.high + 1
    if p.kind == "int":
        below, above = int(below), int(above)
    cases = [('"abc"', "abc"), ("true", "true"), table, array, ('""', ""),
             (repr(below), repr(below)), (repr(above), repr(above)),
             ("1" + "0" * 400, "1" + "0" * 400), ("-" + "9" * 400, "-" + "9" * 400),
             (None, "9" * 5000), ("1e400", "1e400")]
    if p.kind == "float":
        cases += [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf")]
    else:
        cases += [(repr(p.low + 0.5), repr(p.low + 0.5)), ("nan", "nan"), ("inf", "inf")]
    return cases


CORPUS = [(key, toml, text) for key, p in PARAMETERS.items() for toml, text in _bad_values(p)]
UNKNOWN_KEYS = ["society.agent", "plan", "plan.", ".gain", "nope.gain", "plan.gain.x",
                "PLAN.GAIN", "plan.gain.", "plan..gain", "x" * 300]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """Where the corpus's scenario files go."""
    return tmp_path_factory.mktemp("corpus")


@pytest.fixture(scope="module")
def corpus_cwd(tmp_path_factory):
    """One empty working directory for the whole corpus (a fresh one per case is slow)."""
    work = tmp_path_factory.mktemp("corpus_cwd")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        yield work


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


@pytest.mark.parametrize("i, key, text", [(i, k, t) for i, (k, _, t) in enumerate(CORPUS)
                                          if t is not None],
                         ids=lambda v: v[:30] if isinstance(v, str) else None)
def test_every_parameter_refuses_a_bad_set(i, key, text, corpus_cwd, capsys):
    command = COMPUTE[i % len(COMPUTE)]
    if command in ("twin", "equilibria") and key in DELAYS and _finite(text):
        command = "run"  # the twin's delays are chains of stages: it takes a real number there
    line = refused([command, "baseline", *TAILS[command], "--set", f"{key}={text}"], capsys,
                   corpus_cwd)
    assert key in line and len(line) < 400


@pytest.mark.parametrize("i, key, literal", [(i, k, t) for i, (k, t, _) in enumerate(CORPUS)
                                             if t is not None],
                         ids=lambda v: v[:30] if isinstance(v, str) else None)
def test_every_parameter_refuses_a_bad_value_in_a_scenario_file(i, key, literal, corpus_cwd,
                                                               corpus_dir, capsys):
    group, name = key.split(".")
    path = write(corpus_dir, f"case{i}.toml", scenario_text(extra=f"[{group}]\n{name} = {literal}\n"))
    command = COMPUTE[i % len(COMPUTE)]
    line = refused([command, path, *TAILS[command]], capsys, corpus_cwd)
    assert key in line and len(line) < 400


@pytest.mark.parametrize("key", UNKNOWN_KEYS)
def test_an_unknown_key_is_refused_by_set_and_in_a_file(key, cwd, tmp_path, capsys):
    refused(["run", "baseline", *TAILS["run"], "--set", f"{key}=1"], capsys, cwd)
    if "." in key.strip(".") and not key.endswith(" "):
        group, name = key.split(".", 1)
        path = write(tmp_path, "k.toml", scenario_text(extra=f'[{group or "x"}]\n"{name}" = 1\n'))
        refused(["run", path, *TAILS["run"]], capsys, tmp_path)


def test_the_corpus_covers_every_declared_parameter():
    assert {key for key, _, _ in CORPUS} == set(PARAMETERS)
    assert len(CORPUS) >= 10 * len(PARAMETERS)
    assert all(math.isfinite(p.low) for p in PARAMETERS.values() if p.kind in ("int", "float"))
    assert os.path.basename(__file__) == "test_bad_input.py"
