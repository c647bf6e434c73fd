"""One atomic writer and one provenance record for every command (issue 13, item 1)."""

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

import simulator
from simulator.cli.main import main
from simulator.errors import OutputError
from simulator.io.files import atomic_write, atomic_write_text, read_table, write_table

PACKAGE = Path(simulator.__file__).parent
#: Calls that put a file in place or make a temporary one.
RENAMES = {"os.replace", "os.rename", "shutil.move", "tempfile.mkstemp", "tempfile.mkdtemp",
           "tempfile.NamedTemporaryFile"}


def _calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            found.add(f"{node.func.value.id}.{node.func.attr}")
    return found


def test_only_the_writer_and_the_run_directory_rename_into_place():
    users = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if _calls(p) & RENAMES}
    # files.py: every file; rundir.py: the staging folder of a run, renamed as a whole
    assert users == {"io/files.py", "io/rundir.py"}


def test_a_writer_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half a tab")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_an_error_of_the_file_system_is_one_line_naming_the_file(tmp_path):
    with pytest.raises(OutputError, match=r"^cannot write .*missing.*x\.json: No such file or directory$"):
        atomic_write_text(tmp_path / "missing" / "x.json", "{}")
    with pytest.raises(OutputError, match="NUL byte"):
        atomic_write_text(tmp_path / "a\x00b", "x")


def test_the_temporary_file_keeps_the_suffix_so_writers_can_infer_the_format(tmp_path):
    seen = []
    atomic_write(tmp_path / "animation.gif", lambda tmp: (seen.append(tmp), tmp.write_bytes(b"GIF")))
    assert seen[0].suffix == ".gif" and seen[0].parent == tmp_path and seen[0].name.startswith(".")
    assert (tmp_path / "animation.gif").read_bytes() == b"GIF"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_table_comes_back_as_written(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"run_id": [0, 1], "need": [0.25, float("nan")]})
    assert write_table(tmp_path, "results", frame, fmt).name == f"results.{fmt}"
    pd.testing.assert_frame_equal(read_table(tmp_path, "results"), frame)


SMALL = ["--set", "society.agents=100", "--set", "society.districts_per_side=2", "--no-plot"]
#: Every command that writes results, with the file that records its provenance.
COMMANDS = {
    "run": (["run", "baseline", "--steps", "3", "--seed", "4", *SMALL], "summary.json"),
    "compare": (["compare", "delay_oscillation", "--replicates", "1", "--steps", "3", "--seed", "4",
                 "--engine", "serial", *SMALL], "summary.json"),
    "twin": (["twin", "baseline", "--steps", "3", "--seed", "4", *SMALL], "summary.json"),
    "equilibria": (["equilibria", "delayed_feedback", "--no-plot"], "summary.json"),
    "sweep": (["sweep", "baseline", "--steps", "3", "--seed", "4", "--engine", "serial", *SMALL],
              "manifest.json"),
}
COMMON = ["govsim_version", "command", "started", "finished", "python"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_records_the_same_provenance(name, tmp_path, capsys):
    argv, record = COMMANDS[name]
    out = tmp_path / name
    assert main([*argv, "--out", str(out)]) == 0
    found = json.loads((out / record).read_text())
    assert set(COMMON) <= set(found)
    assert found["command"] == ["govsim", *argv, "--out", str(out)]
    assert found["govsim_version"] == simulator.__version__
    assert found["started"] <= found["finished"]
    if name != "sweep":  # one scenario made it: which, and every parameter's value
        assert found["scenario"] == argv[1] and "title" in found and "variant" in found
        assert len(found["parameters"]) == len(simulator.PARAMETERS)
        assert list(found)[-1] == "parameters"
        if name != "equilibria":
            assert found["seed"] == 4
