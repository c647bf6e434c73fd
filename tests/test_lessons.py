"""The class session as data (simulator.lessons) and ``govsim prepare-class``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.cli import prepare
from simulator.cli.main import main
from simulator.lessons import SESSION, Lesson

ROOT = Path(__file__).resolve().parent.parent


def guide_blocks() -> list[tuple[str, list[str]]]:
    """Each code block of docs/teaching.md with ``--out`` commands, and the heading above it."""
    text = (ROOT / "docs" / "teaching.md").read_text()
    found = []
    for block in re.finditer(r"```(?:bash|sh)?\n(.*?)```", text, re.S):
        commands = [line for line in block.group(1).splitlines() if line.startswith("govsim ") and "--out" in line]
        if commands:
            heading = re.findall(r"^#+ (.*)$", text[:block.start()], re.M)[-1]
            found.append((heading, commands))
    return found


def test_the_session_is_the_guides_code_blocks_word_for_word():
    blocks = guide_blocks()
    assert [commands for _, commands in blocks] == [list(lesson.commands) for lesson in SESSION]
    for (heading, _), lesson in zip(blocks, SESSION):
        assert f"`{lesson.scenario}`" in heading and lesson.title.split(": ")[-1].lower() in heading.lower()


def test_a_dry_run_prints_every_command_into_the_folder(tmp_path, capsys):
    assert main(["prepare-class", str(tmp_path / "kit"), "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = [c.replace("--out runs/", f"--out {tmp_path / 'kit'}/") for lesson in SESSION for c in lesson.commands]
    assert lines == expected
    assert not (tmp_path / "kit").exists()  # a dry run changes nothing


def test_a_rehearsal_is_small(tmp_path):
    plan = prepare.planned(tmp_path, ["b1"], rehearse=True)
    assert len(plan) == len(SESSION[0].commands)
    for _, _, words in plan:
        assert words[-2:] == ["--set", "society.agents=1000"]
        if "--replicates" in words:
            assert words[words.index("--replicates") + 1] == "2"


@pytest.mark.parametrize("args, message", [
    (["--block", "b9"], "unknown block 'b9'"),
])
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, args, message):
    assert main(["prepare-class", str(tmp_path / "kit"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "kit").exists()


def test_it_prepares_resumes_and_reports_what_failed(tmp_path, monkeypatch, capsys):
    tiny = "govsim run baseline --steps 5 --set society.agents=300"
    lesson = Lesson("t", "Test block", "baseline", (f"{tiny} --out runs/t-one",
                                                    f"{tiny} --set plan.gain=-1 --out runs/t-bad"))
    monkeypatch.setattr(prepare, "SESSION", (lesson,))
    out = tmp_path / "kit"
    assert main(["prepare-class", str(out)]) == 1  # one command was refused
    printed = capsys.readouterr().out
    assert "[1/2] t-one: done" in printed and "[2/2] t-bad: FAILED (govsim: error:" in printed
    assert (out / "t-one" / "report.html").is_file() and not (out / "t-bad").exists()
    index = (out / "index.html").read_text()
    assert 'href="t-one/report.html"' in index and 'src="t-one/dashboard.png"' in index
    assert "govsim run baseline --steps 5 --set society.agents=300 --set plan.gain=-1 --out t-bad" in index
    assert "not prepared yet" in index
    assert main(["prepare-class", str(out)]) == 1
    assert "[1/2] t-one: already there" in capsys.readouterr().out  # resumed, not redone
