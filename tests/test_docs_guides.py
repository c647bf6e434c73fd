"""The seminar guides (docs/concepts.md, docs/teaching.md) agree with the code.

Every parameter key, ``key=value`` setting, series, scenario and command the
guides mention is checked against the declarations: parameters against
``simulator.parameters``, series against ``simulator.recorder.SERIES``,
scenario names against the eleven teaching units, and every ``govsim`` command
line against the CLI's own argument parser. The checkers are tested on bad
input too, so that a check that cannot fail would show up here.
"""

from __future__ import annotations

import itertools
import re
import shlex
from pathlib import Path

import pytest

from simulator import SERIES, load_scenario, scenario_names
from simulator.cli.main import _build_parser
from simulator.config import parse_override
from simulator.errors import GovsimError
from simulator.experiments.metrics import summarize
from simulator.model import GovernanceModel
from simulator.parameters import GROUPS, PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDES = ("concepts.md", "teaching.md")

#: The teaching units (DESIGN.md section 3); their names are fixed.
UNITS = (
    "baseline", "delay_oscillation", "soft_and_hard", "blind_spots", "goodhart",
    "requisite_variety", "shock_resilience", "centralise_or_delegate", "participation",
    "managing_the_managers", "epstein_civil_violence", "tipping_point", "pre_emption",
)
#: Every scenario a guide may name: the units, and the twin's pure delayed-feedback loop.
SCENARIOS = (*UNITS, "delayed_feedback")
#: Placeholder a guide may use for "any scenario" in a command.
PLACEHOLDER = "NAME"
#: Suffixes that make ``name.suffix`` a file name rather than a parameter key.
FILE_SUFFIXES = {"py", "csv", "json", "png", "toml", "md", "txt", "html"}
#: Dotted names that are Python objects, not parameters.
PYTHON_PREFIXES = {"simulator", "mesa", "numpy", "np"}
#: Bare words a guide may put in backticks besides series, scenarios, metrics and choices.
WORDS = {"govsim", "list", "show", "run", "compare", "base", "true", "false"}

KEY = re.compile(r"^([a-z_]+)\.([a-z_]+)$")
SETTING = re.compile(r"^([a-z_]+\.[a-z_]+)=(\S+)$")
BARE = re.compile(r"^[a-z][a-z0-9_]*$")
SPAN = re.compile(r"`([^`\n]+)`")
SET_IN_TEXT = re.compile(r"--set\s+([a-z_]+\.[a-z_]+=[^\s`]+)")


# -- reading the guides ------------------------------------------------------------------------

def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _split_fences(text: str) -> tuple[str, list[str]]:
    """Text outside fenced code blocks, and the lines inside them."""
    prose, code, inside = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            inside = not inside
            continue
        (code if inside else prose).append(line)
    return "\n".join(prose), code


def _spans(text: str) -> list[str]:
    """Inline code spans outside fenced blocks."""
    return SPAN.findall(_split_fences(text)[0])


def _commands(text: str) -> list[str]:
    """Every ``govsim ...`` line: in fenced blocks and in inline code spans.

    An inline span that only names a subcommand (`govsim run`) refers to it
    and is not a command line; `govsim list` is both.
    """
    _, code = _split_fences(text)
    lines = [line.strip() for line in code if line.strip().startswith("govsim ")]
    for span in (s.strip() for s in _spans(text)):
        words = span.split()
        if words[0] == "govsim" and (len(words) > 2 or words[1:] == ["list"]):
            lines.append(span)
    return lines


def _marked_spans(text: str, marker: str) -> list[str]:
    """Backticked names on the lines that carry ``**marker:**``."""
    return [s for line in text.splitlines() if f"**{marker}:**" in line for s in SPAN.findall(line)]


def _sections(text: str, level: int) -> dict[str, str]:
    """Heading (normalised: no markdown escapes, lower case) -> body, for one heading level."""
    out: dict[str, str] = {}
    heading, body = None, []
    for line in text.splitlines():
        m = re.match(r"^(#+)\s+(.*)$", line)
        if m and len(m.group(1)) <= level:
            if heading is not None:
                out[heading] = "\n".join(body)
            heading = _norm(m.group(2)) if len(m.group(1)) == level else None
            body = []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        out[heading] = "\n".join(body)
    return out


def _norm(text: str) -> str:
    return " ".join(text.replace("\\", "").replace("`", "").replace("*", "").lower().split())


# -- what the code declares ------------------------------------------------------------------

@pytest.fixture(scope="module")
def metric_names() -> set[str]:
    """Headline metric names, from a tiny run's summary (summary.json, table.csv)."""
    series = GovernanceModel.from_scenario("baseline", steps=4,
                             overrides={"society.agents": 100}).run().series()
    return set(summarize(series))


@pytest.fixture(scope="module")
def known_words(metric_names) -> set[str]:
    choices = {c for p in PARAMETERS.values() for c in p.choices}
    variants = {v for name in scenario_names() for v in load_scenario(name).variants}
    return set(SERIES) | set(SCENARIOS) | metric_names | choices | variants | WORDS


# -- the checkers -----------------------------------------------------------------------------

def _span_problem(span: str) -> str | None:
    """Why a backticked dotted name or ``key=value`` is wrong, or None."""
    setting = SETTING.match(span)
    if setting:
        try:
            parse_override(span)
        except GovsimError as exc:
            return f"`{span}`: {exc}"
        return None
    key = KEY.match(span)
    if not key:
        return None
    prefix, suffix = key.groups()
    if suffix in FILE_SUFFIXES or prefix in PYTHON_PREFIXES:
        return None
    if prefix not in GROUPS:
        return f"`{span}` looks like a parameter key, but '{prefix}' is not a parameter group"
    if span not in PARAMETERS:
        return f"`{span}` is not a declared parameter"
    return None


def _command_problem(line: str) -> str | None:
    """Why a ``govsim`` command line would not run as written, or None."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError as exc:
        return f"{line!r}: cannot be split: {exc}"
    if not tokens or tokens[0] != "govsim":
        return f"{line!r}: does not start with govsim"
    try:
        args = _build_parser().parse_args(tokens[1:])
    except GovsimError as exc:
        return f"{line!r}: {exc}"
    scenario = getattr(args, "scenario", None)
    if scenario is None or scenario == PLACEHOLDER:
        return None
    is_path = scenario.endswith(".toml")
    if not is_path and scenario not in SCENARIOS:
        return f"{line!r}: '{scenario}' is not one of the eleven scenarios"
    overrides = {}
    for text in getattr(args, "overrides", []):
        try:
            key, value = parse_override(text)
        except GovsimError as exc:
            return f"{line!r}: {exc}"
        overrides[key] = value
    if getattr(args, "replicates", 1) < 1:
        return f"{line!r}: --replicates must be at least 1"
    if not is_path and scenario in scenario_names():
        try:  # the scenario exists: variant and overrides must apply to it
            sc = load_scenario(scenario)
            if getattr(args, "variant", None):
                sc = sc.with_variant(args.variant)
            sc.with_changes(overrides=overrides)
        except GovsimError as exc:
            return f"{line!r}: {exc}"
    return None


@pytest.mark.parametrize("span", ["plan.gain", "society.agents", "monitor.py", "series.csv",
                                  "simulator.recorder", "plan.policy=pid", "healing.enabled=false"])
def test_span_checker_accepts_good_names(span):
    assert _span_problem(span) is None


@pytest.mark.parametrize("span", ["plan.gian", "societty.agents", "monitor.latency",
                                  "plan.soft_share=2", "plan.policy=fastest", "apparatus.drift=x"])
def test_span_checker_rejects_bad_names(span):
    assert _span_problem(span) is not None


@pytest.mark.parametrize("line", [
    "govsim list",
    "govsim show NAME",
    "govsim run baseline --steps 50 --seed 3 --set plan.policy=pid --no-plot --out /tmp/x",
    "govsim run delay_oscillation --variant long",
    "govsim compare epstein_civil_violence --replicates 10",
    "govsim run soft_and_hard --set plan.soft_share=0",
    "govsim run runs/x/scenario.toml --out runs/y",
])
def test_command_checker_accepts_good_lines(line):
    assert _command_problem(line) is None


@pytest.mark.parametrize("line", [
    "govsim run baseline --replicates 3",          # an option run does not have
    "govsim compare",                               # missing the scenario
    "govsim frobnicate baseline",                   # no such subcommand
    "govsim run basline",                           # not one of the eleven
    "govsim run baseline --set plan.gian=3",        # undeclared parameter
    "govsim run baseline --set plan.soft_share=2",  # out of range
    "govsim run delay_oscillation --variant longer",  # no such variant
    "govsim compare baseline --replicates 0",
    "govsim run baseline --set structure.granularity=3",  # must divide districts per side
])
def test_command_checker_rejects_bad_lines(line):
    assert _command_problem(line) is not None


# -- both guides ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", GUIDES)
def test_backticked_parameter_keys_and_settings_are_declared(name):
    spans = _spans(_text(name))
    assert sum(bool(KEY.match(s) or SETTING.match(s)) for s in spans) >= 10
    problems = [p for p in map(_span_problem, spans) if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", GUIDES)
def test_every_set_override_in_the_text_is_valid(name):
    settings = SET_IN_TEXT.findall(_text(name))
    problems = []
    for text in settings:
        try:
            parse_override(text)
        except GovsimError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", GUIDES)
def test_marked_lists_hold_only_their_kind(name):
    text = _text(name)
    series = _marked_spans(text, "Series")
    assert series, "no **Series:** lines"
    assert sorted(set(series) - set(SERIES)) == [], "not recorded series"
    parameters = _marked_spans(text, "Parameters")
    assert sorted(set(parameters) - set(PARAMETERS)) == [], "not declared parameters"
    scenarios = _marked_spans(text, "Scenarios")
    assert sorted(set(scenarios) - set(SCENARIOS)) == [], "not among the scenarios"


@pytest.mark.parametrize("name", GUIDES)
def test_every_backticked_word_is_a_known_name(name, known_words):
    """A bare backticked word is a series, scenario, metric, choice, variant or subcommand."""
    words = [s for s in _spans(_text(name)) if BARE.match(s)]
    assert words
    assert sorted(set(words) - known_words) == []


@pytest.mark.parametrize("name", GUIDES)
def test_every_command_line_parses_and_would_run(name):
    commands = _commands(_text(name))
    assert commands
    problems = [p for p in map(_command_problem, commands) if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", GUIDES)
def test_linked_repository_paths_exist(name):
    paths = {s for s in _spans(_text(name)) if "/" in s and re.fullmatch(r"[\w./-]+\.(py|md)", s)}
    assert sorted(p for p in paths if not (ROOT / p).is_file()) == []


# -- concepts.md ------------------------------------------------------------------------------

REQUIRED_CONCEPTS = {
    "the four self-* objectives and Table 3": r"four self-.*objectives.*table 3",
    "MAPE-K and the sensory and motor channels": r"mape-k.*sensory.*motor",
    "shape, manage, respond": r"shape.*manage.*respond",
    "holism": r"^holism$",
    "dialectics": r"^dialectics$",
    "dynamic equilibrium": r"^dynamic equilibrium$",
    "soft and hard acting together": r"^soft and hard acting together$",
    "grid management": r"^grid management$",
    "participation": r"^participation$",
    "the two limits of automation": r"two limits of automation",
    "measurability": r"^measurability$",
    "services and surveillance in symbiosis": r"^services and surveillance in symbiosis$",
    "feedback": r"^feedback$",
    "delay": r"^delay$",
    "observability": r"^observability$",
    "requisite variety": r"^requisite variety$",
    "resilience and stability": r"^resilience (and|vs\.?|versus) stability$",
    "Goodhart's law": r"^goodhart's law$",
    "the Epstein civil-violence model": r"epstein civil-violence model",
    "pre-emption": r"^pre-emption$",
    "the good regulator": r"^the good regulator$",
    "critical slowing down": r"^critical slowing down and early warning$",
}

SOURCES = {
    "Programming China: The Communist Party's autonomic approach to managing state security":
        ("Samantha Hoffman", "Programming China"),
    "Managing the State: Social Credit, Surveillance and the CCP's Plan for China":
        ("Samantha Hoffman", "Managing the State"),
    "Technology and Chinese Communist Party Power": ("Samantha Hoffman", "Technology and CCP Power"),
    "China's Social Credit System: Data-Driven Governance for a 'New Era'":
        ("Larry Catá Backer", "Backer"),
    "Modernisation of Governance Capacity":
        ("China Story Yearbook 2021", "Modernisation of Governance Capacity"),
}


def _entry(sections: dict[str, str], pattern: str) -> str:
    hits = [body for heading, body in sections.items() if re.search(pattern, heading)]
    assert len(hits) == 1, f"expected one entry matching {pattern!r}, found {len(hits)}"
    return hits[0]


@pytest.mark.parametrize("concept", REQUIRED_CONCEPTS)
def test_concepts_has_an_entry_for(concept):
    body = _entry(_sections(_text("concepts.md"), 3), REQUIRED_CONCEPTS[concept])
    for part in ("**The idea.**", "**Where it lives.**", "**What the model leaves out.**"):
        assert part in body, f"{concept}: missing {part}"
    assert "**Parameters:**" in body and "**Series:**" in body and "**Scenarios:**" in body


@pytest.mark.parametrize("title", SOURCES)
def test_concepts_cites_each_source_by_title_and_uses_it(title):
    text = _text("concepts.md")
    flat = " ".join(text.replace("*", "").split())
    author, short = SOURCES[title]
    assert title in flat and author in flat
    entries = text.split("## Hoffman's framework", 1)[1]
    assert short in entries.replace("*", ""), f"{short} is listed but cited by no entry"


def test_concepts_ends_by_saying_what_the_model_abstracts_away():
    text = _text("concepts.md")
    headings = re.findall(r"^## (.*)$", text, flags=re.M)
    assert headings[-1] == "What the model abstracts away"
    last = _norm(_sections(text, 2)[_norm(headings[-1])])
    for idea in ("no real country", "synthetic agents only", "aggregates only",
                 "no scoring, ranking or targeting"):
        assert idea in last, idea


# -- teaching.md ------------------------------------------------------------------------------

def _plan_rows() -> list[tuple[int, int]]:
    section = _sections(_text("teaching.md"), 2)["the plan at a glance"]
    rows = []
    for line in section.splitlines():
        m = re.match(r"^\|\s*(\d+):(\d\d)\s*\|\s*(\d+)\s*\|", line)
        if m:
            rows.append((60 * int(m.group(1)) + int(m.group(2)), int(m.group(3))))
    return rows


def test_teaching_plan_is_timed_to_ninety_minutes():
    rows = _plan_rows()
    assert len(rows) >= 5
    assert rows[0][0] == 0
    assert sum(minutes for _, minutes in rows) == 90
    for (start, minutes), (following, _) in itertools.pairwise(rows):
        assert start + minutes == following


def test_teaching_blocks_have_predict_observe_explain():
    sections = _sections(_text("teaching.md"), 2)
    blocks = {h: b for h, b in sections.items() if h.startswith("block ")}
    assert 3 <= len(blocks) <= 4
    for heading, body in blocks.items():
        assert re.search(r"\((\d+):(\d\d)–(\d+):(\d\d)\)", heading), heading
        scenario = [s for s in UNITS if s in heading]
        assert len(scenario) == 1, heading
        for part in ("**Ask students to predict.**", "**What they should see",
                     "**Questions.**", "**Pitfalls.**", "- **Series:**"):
            assert part in body, f"{heading}: missing {part}"
        commands = [c for c in _commands(body) if scenario[0] in c.split()]
        assert any(c.startswith("govsim run ") for c in commands), heading
        assert any(c.startswith("govsim show ") or c.startswith("govsim compare ")
                   for c in commands), heading


def test_teaching_uses_every_kind_of_command():
    commands = _commands(_text("teaching.md"))
    assert any(c.startswith("govsim show ") for c in commands)
    assert any(c.startswith("govsim run ") and "--set " in c for c in commands)
    assert any(c.startswith("govsim compare ") and "--replicates 10" in c for c in commands)


def test_teaching_offers_every_scenario():
    text = _text("teaching.md")
    used = {c.split()[2] for c in _commands(text) if len(c.split()) > 2}
    assert sorted(set(UNITS) - used) == []


def test_teaching_has_pitfalls_classroom_note_and_hand_out():
    sections = _sections(_text("teaching.md"), 2)
    pitfalls = _norm(sections["pitfalls to name in class"])
    for idea in ("real country", "single-seed", "--replicates 10", "observed versus true",
                 "guardrail"):
        assert idea in pitfalls, idea
    assert "running it on a classroom machine" in sections
    handout = sections["hand-out: worksheet"]
    assert 15 <= len([line for line in handout.splitlines() if line.strip()]) <= 40  # one page
    for scenario in ("baseline", "delay_oscillation", "epstein_civil_violence"):
        assert scenario in handout
