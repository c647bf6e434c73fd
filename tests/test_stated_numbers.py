"""Every number the texts state is a setting, a named input, or a figure a test measures.

The texts are the scenarios' about texts, docs/teaching.md and the README. A
number in them (outside code) must be one of:

* a **setting**: a value in the scenario file it is about (any scenario's, for
  the two guides) or a parameter's default or bound;
* an **input** that ``docs/numbers.toml`` names with the reason (a year, a
  count of blocks, arithmetic on settings);
* a **figure** that ``docs/numbers.toml`` declares with its value and
  tolerance, whose value the words state, and that a test elsewhere measures
  and asserts with ``stated(key)`` or ``bound(key)``.

The README's Performance section is the exception: it is written by
``python benchmarks/suite.py --readme`` from ``benchmarks/results.json``, and
the last test here checks that it still is.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest

from simulator import scenario_names
from simulator.parameters import PARAMETERS

from stated import NUMBER, ROOT, figures, inputs, numbers_in

README = "README.md"
TEACHING = "docs/teaching.md"
PERFORMANCE = re.compile(r"<!-- performance: begin.*?<!-- performance: end -->", re.S)

# Structure, not quantity: clock times, list markers, section and issue numbers, versions.
STRUCTURE = [
    re.compile(r"\d+:\d\d"),
    re.compile(r"^\s*\d+\.\s", re.M),
    re.compile(r"^\|\s*\d+\s*:", re.M),
    re.compile(r"\b(?:[Ii]ssue|Section|Table|Block|Python|Mesa|numpy) \d+(?:\.\d+)*"),
    re.compile(r"\d+\.\d+\.\d+"),
]
CODE = [re.compile(r"```.*?```", re.S), re.compile(r"`[^`]*`"), re.compile(r"\]\([^)]*\)"),
        re.compile(r"<!--.*?-->", re.S)]


def _numbers_of(data) -> set[float]:
    """Every number anywhere in a parsed TOML value."""
    if isinstance(data, bool):
        return set()
    if isinstance(data, (int, float)):
        return {float(data)}
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return set().union(*map(_numbers_of, data)) if data else set()
    return set()


DEFAULTS = {float(v) for p in PARAMETERS.values() for v in (p.default, p.low, p.high)
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _scenario(name: str) -> dict:
    with (ROOT / "scenarios" / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


def texts() -> dict[str, tuple[str, set[float]]]:
    """Each text's prose, with the settings its numbers may be."""
    everything = set(DEFAULTS)
    out = {}
    for name in scenario_names():
        data = _scenario(name)
        settings = {k: v for k, v in data.items() if k != "about"}
        own = _numbers_of(settings) | DEFAULTS
        everything |= own
        out[f"scenarios/{name}.toml"] = ("\n\n".join(data.get("about", {}).values()), own)
    readme = PERFORMANCE.sub("", (ROOT / README).read_text())
    out[README] = (readme, everything)
    out[TEACHING] = ((ROOT / TEACHING).read_text(), everything)
    return out


def prose(text: str) -> str:
    """``text`` without code, link targets, comments and structural numbers, on one line."""
    for pattern in CODE + STRUCTURE:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def is_setting(value: float, settings: set[float]) -> bool:
    return any(math.isclose(value, s, rel_tol=1e-9, abs_tol=1e-12) for s in settings)


def unaccounted(where: str, text: str, settings: set[float]) -> list[str]:
    """The numbers in ``text`` that are neither settings nor inside a declared span."""
    flat = prose(text)
    spans = [f.says for f in figures().values() if f.where == where]
    spans += [s for i in inputs() if i["in"] == where for s in i["says"]]
    for span in sorted(spans, key=len, reverse=True):
        flat = flat.replace(" ".join(span.split()), " \u2020 ")
    out = []
    for m in NUMBER.finditer(flat):
        (word, value), = numbers_in(m.group(0))
        if not is_setting(value, settings):
            out.append(f"{where}: {word!r} in '...{flat[max(0, m.start() - 50):m.end() + 30]}...'")
    return out


def test_every_number_in_the_texts_is_a_setting_an_input_or_a_measured_figure():
    found = [u for where, (text, settings) in texts().items() for u in unaccounted(where, text, settings)]
    assert not found, "numbers no test or setting accounts for:\n" + "\n".join(found)


@pytest.mark.parametrize("kind", ["figure", "input"])
def test_every_declared_span_is_still_in_its_text(kind):
    bodies = {where: " ".join(prose(text).split()) for where, (text, _) in texts().items()}
    spans = ([(f.where, f.says) for f in figures().values()] if kind == "figure"
             else [(i["in"], s) for i in inputs() for s in i["says"]])
    stale = [f"{where}: {says!r}" for where, says in spans
             if " ".join(says.split()) not in bodies.get(where, "")]
    assert not stale, "declared in docs/numbers.toml but not in the text:\n" + "\n".join(stale)


def test_each_figure_is_the_value_its_words_state():
    wrong = [f"{f.key}: {f.says!r} does not state {f.value}" for f in figures().values()
             if not any(math.isclose(v, f.value, rel_tol=1e-9) for _, v in numbers_in(f.says))]
    assert not wrong, "\n".join(wrong)


def test_each_figure_is_measured_by_a_test():
    sources = "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py")
                        if p.name != Path(__file__).name)
    unmeasured = [k for k in figures() if f'"{k}"' not in sources]
    assert not unmeasured, f"figures no test asserts: {unmeasured}"


def test_the_checker_catches_a_number_nobody_declared():
    text, settings = texts()["scenarios/participation.toml"]
    assert not unaccounted("scenarios/participation.toml", text, settings)
    worse = text.replace("about 17 % participate", "about 19 % participate")
    assert any("19 %" in u for u in unaccounted("scenarios/participation.toml", worse, settings))
    assert any("'twice'" in u for u in unaccounted("README.md", "it rises twice as fast", set()))


def test_the_readme_performance_figures_are_the_last_full_suite_run():
    import json
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import readme_table

    result = json.loads(readme_table.RESULTS.read_text())
    assert not result["quick"], "benchmarks/results.json is a --quick smoke run, not the measurements"
    assert readme_table.section((ROOT / README).read_text()) == readme_table.render(result), (
        "run python benchmarks/readme_table.py")
