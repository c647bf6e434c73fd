"""`govsim show NAME`: wrapped to the terminal, narrowed with --group and --changed (issue 15, item 6)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest

from simulator import load_scenario, scenario_names
from simulator.cli.main import main
from simulator.parameters import GROUPS, PARAMETERS
from simulator.scenario import scenario_dir

#: A row of the parameter table: the marker ('*' or ' ') and the key at the start of a line.
ROW = re.compile(r"^([* ])([a-z_]+\.[a-z0-9_]+) ")


@pytest.fixture
def show(capsys, monkeypatch):
    """``show(*args, columns=80)``: run ``govsim show`` at that terminal width -> (status, out, err)."""

    def run(*args: str, columns: int = 80) -> tuple[int, str, str]:
        monkeypatch.setenv("COLUMNS", str(columns))
        status = main(["show", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def table(out: str) -> dict[str, str]:
    """The keys of the printed parameter table, in order, each with its marker."""
    return {m[2]: m[1] for m in map(ROW.match, out.splitlines()) if m}


def changed_in_file(name: str) -> set[str]:
    """The keys a shipped scenario's file sets to a value other than the default, from the TOML."""
    data = tomllib.loads((scenario_dir() / f"{name}.toml").read_text(encoding="utf-8"))
    return {f"{group}.{key}" for group in GROUPS for key, value in data.get(group, {}).items()
            if value != PARAMETERS[f"{group}.{key}"].default}


def words(text: str) -> str:
    return " ".join(text.split())


# -- width -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", scenario_names())
@pytest.mark.parametrize(("columns", "width"), [(40, 60), (80, 80), (130, 130)])
def test_every_line_fits_the_terminal(show, name, columns, width):
    for args in ([], ["--changed"], ["--group", "plan,society"]):
        status, out, _ = show(name, *args, columns=columns)
        lines = out.splitlines()
        assert status == 0 and len(lines) > 3
        assert max(len(line) for line in lines) <= width, (args, max(lines, key=len))


def test_a_terminal_narrower_than_60_columns_gets_60(show):
    assert show("soft_and_hard", columns=30)[1] == show("soft_and_hard", columns=60)[1]
    assert max(map(len, show("soft_and_hard", columns=30)[1].splitlines())) > 30


def test_a_wide_terminal_gets_longer_lines_than_a_narrow_one(show):
    narrow = show("soft_and_hard", columns=60)[1].splitlines()
    wide = show("soft_and_hard", columns=140)[1].splitlines()
    assert max(map(len, wide)) > 100 >= 60 >= max(map(len, narrow))
    assert len(wide) < len(narrow)


@pytest.mark.parametrize("name", scenario_names())
def test_wrapping_keeps_every_text_and_the_order(show, name):
    sc = load_scenario(name)
    status, out, _ = show(name, columns=60)
    assert status == 0
    flat = words(out)
    texts = [sc.title, sc.question, *(sc.about[s] for s in sc.about), *sc.descriptions.values(),
             *(c.says for c in (sc.phenomenon.claims if sc.phenomenon else ())),
             *(p.meaning for p in PARAMETERS.values())]
    for text in texts:
        assert words(text) in flat, text[:60]
    headings = [s.replace("_", " ").upper() for s in sc.about]
    headings += ["VARIANTS"] * bool(sc.variants) + ["WHAT IT CLAIMS"] * bool(sc.phenomenon)
    positions = [out.index(f"\n{h}") for h in [*headings, "PARAMETERS"]]
    assert positions == sorted(positions)
    shown = table(out)
    assert list(shown) == list(PARAMETERS)  # every parameter, in declaration order
    assert {k for k, mark in shown.items() if mark == "*"} == changed_in_file(name)


def test_a_row_shows_value_default_range_and_meaning_under_it(show):
    _, out, _ = show("soft_and_hard", "--group", "plan", columns=80)
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("*plan.capacity "))
    assert lines[row].split()[1:3] == ["0.45", "(default"]
    assert "a number in [0, 5]" in lines[row]
    assert lines[row + 1].startswith("    Capacity budget per district")


# -- --group -----------------------------------------------------------------------------------
def test_group_shows_only_that_groups_parameters(show):
    status, out, _ = show("soft_and_hard", "--group", "plan")
    assert status == 0
    assert list(table(out)) == [k for k in PARAMETERS if k.startswith("plan.")]
    assert "monitor." not in out and "society." not in out
    assert "WHAT IT IS" not in out and "VARIANTS" not in out  # only the table


def test_groups_repeated_or_comma_separated_are_the_same(show):
    _, repeated, _ = show("baseline", "--group", "monitor", "--group", "plan")
    _, listed, _ = show("baseline", "--group", "plan, monitor")
    assert table(repeated) == table(listed)
    assert set(table(listed)) == {k for k, p in PARAMETERS.items() if p.group in ("plan", "monitor")}


@pytest.mark.parametrize(("group", "needle"), [
    ("plna", "did you mean 'plan'"),
    ("Society", "'Society'"),
    ("plan,nothing", "'nothing'"),
    (",", "--group needs a group name"),
])
def test_a_bad_group_is_one_line_status_2(show, group, needle):
    status, out, err = show("baseline", "--group", group)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("govsim: error: ")
    assert needle in err and "Traceback" not in err
    assert all(g in err for g in GROUPS)  # names what is allowed


def test_a_bad_group_from_the_real_command_has_no_traceback():
    done = subprocess.run([sys.executable, "-m", "simulator", "show", "baseline", "--group", "plna"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("govsim: error: unknown parameter group 'plna'")
    assert len(done.stderr.strip().splitlines()) == 1


# -- --changed ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", scenario_names())
def test_changed_shows_exactly_what_the_scenario_changes(show, name):
    status, out, _ = show(name, "--changed")
    assert status == 0
    expected = changed_in_file(name)
    assert set(table(out)) == expected
    assert list(table(out)) == [k for k in PARAMETERS if k in expected]  # declaration order
    assert set(table(out).values()) <= {"*"}


def test_changed_and_group_narrow_together(show):
    _, out, _ = show("soft_and_hard", "--changed", "--group", "plan")
    assert list(table(out)) == ["plan.policy", "plan.capacity"]


def test_a_value_set_to_its_default_is_not_a_change(tmp_path, show):
    path = tmp_path / "probe.toml"
    path.write_text('[scenario]\nname = "probe"\ntitle = "Probe"\nquestion = "Which?"\nsteps = 5\n'
                    'seed = 1\n[plan]\ngain = 3\ncapacity = 0.45\n')
    assert PARAMETERS["plan.gain"].default == 3 and PARAMETERS["plan.capacity"].default != 0.45
    _, out, _ = show(str(path), "--changed")
    assert list(table(out)) == ["plan.capacity"]
    path.write_text(path.read_text().replace("capacity = 0.45\n", ""))
    _, out, _ = show(str(path), "--changed")
    assert table(out) == {} and "(no parameter differs from its default)" in out


def test_metrics_lists_every_metric_with_its_unit_and_direction(capsys, monkeypatch):
    from simulator.experiments.metrics import METRIC_INFO

    monkeypatch.setenv("COLUMNS", "80")
    assert main(["metrics"]) == 0
    lines = capsys.readouterr().out.splitlines()
    heads = [line for line in lines if line and not line.startswith(" ") and "[" in line]
    assert [h.split()[0] for h in heads] == list(METRIC_INFO)
    assert all(len(line) <= 80 for line in lines)
    words = {"lower": "lower is better", "higher": "higher is better", "": "neither way is better"}
    for head, metric in zip(heads, METRIC_INFO.values()):
        assert f"[{metric.unit}; {words[metric.better]}]" in head, head


def test_metrics_series_lists_every_recorded_series(capsys):
    from simulator.series import SERIES

    assert main(["metrics", "--series"]) == 0
    heads = [line.split()[0] for line in capsys.readouterr().out.splitlines()
             if line and not line.startswith(" ") and "[" in line]
    assert heads == list(SERIES)
