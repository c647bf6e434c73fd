"""Scenarios: strict loading of TOML data, variants, and exact round trips."""

import re
import textwrap
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.config import Config
from simulator.errors import ParameterError, ScenarioError
from simulator.scenario import ABOUT_SECTIONS, load_scenario, parse_scenario, scenario_names

HEADER = textwrap.dedent('''\
    [scenario]
    name = "probe"
    title = "A probe"
    question = "Does it load?"
    steps = 12
    seed = 5
    ''')


def write(tmp_path, body: str, header: str = HEADER, name: str = "probe.toml"):
    path = tmp_path / name
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


# -- the shipped scenarios ------------------------------------------------------------

def test_baseline_loads():
    sc = load_scenario("baseline")
    assert sc.name == "baseline"
    assert sc.steps == 300 and sc.seed == 42
    assert isinstance(sc.config, Config)
    assert sc.config == Config.from_mapping()  # the baseline is the declared defaults
    assert set(sc.about) <= set(ABOUT_SECTIONS) and sc.about["what_it_is"]
    assert sc.variant is None


@pytest.mark.parametrize("name", scenario_names())
def test_every_shipped_scenario_loads_and_round_trips(name, tmp_path):
    sc = load_scenario(name)
    for variant in sc.variants:
        sc.with_variant(variant)  # every declared variant applies cleanly
    path = tmp_path / f"{name}.toml"
    path.write_text(sc.to_toml(), encoding="utf-8")
    again = load_scenario(path)
    assert (again.config, again.steps, again.seed) == (sc.config, sc.steps, sc.seed)


def test_a_path_loads_like_a_name(tmp_path):
    path = write(tmp_path, "[plan]\npolicy = 'pid'\n")
    for how in (path, str(path)):
        sc = load_scenario(how)
        assert sc.name == "probe" and sc.steps == 12 and sc.seed == 5
        assert sc.config.plan.policy == "pid"
        assert sc.config.changed() == {"plan.policy": "pid"}


@pytest.mark.parametrize(("typo", "meant"), [("baselin", "baseline"), ("Baseline", "baseline"),
                                             ("delay_oscilation", "delay_oscillation")])
def test_unknown_scenario_name_suggests_a_close_name(typo, meant):
    with pytest.raises(ScenarioError, match=re.escape(f"no scenario named '{typo}' (did you mean '{meant}'?)")):
        load_scenario(typo)


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"not found"):
        load_scenario(tmp_path / "nowhere.toml")


def test_invalid_toml_is_a_scenario_error(tmp_path):
    path = write(tmp_path, "[plan\npolicy = 'pid'\n")
    with pytest.raises(ScenarioError, match=r"not valid TOML"):
        load_scenario(path)


# -- strictness -------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "error", "fragment"), [
    ("[plann]\npolicy = 'pid'\n", ScenarioError, "unknown table [plann] (did you mean 'plan'?)"),
    ("[socety]\nagents = 5\n", ScenarioError, "unknown table [socety] (did you mean 'society'?)"),
    ("[plan]\npolcy = 'pid'\n", ParameterError, "unknown parameter 'plan.polcy' (did you mean 'plan.policy'?)"),
    ("[plan]\npolicy = 'pidd'\n", ParameterError, "plan.policy must be one of"),
    ("[society]\nagents = -5\n", ParameterError, "society.agents must be an integer in [1, 5000000], got -5"),
    ("[society]\nagents = '900'\n", ParameterError, "got '900'"),
    ("[healing]\nenabled = 1\n", ParameterError, "healing.enabled must be true or false, got 1"),
    ("[about]\nwhat_it_iz = 'x'\n", ScenarioError, "unknown key about.what_it_iz (did you mean 'what_it_is'?)"),
    ("[about]\nwhat_it_is = 3\n", ScenarioError, "about.what_it_is must be text"),
])
def test_bad_tables_and_keys_are_rejected(tmp_path, body, error, fragment):
    path = write(tmp_path, body)
    with pytest.raises(error, match=re.escape(fragment)) as info:
        load_scenario(path)
    assert str(info.value).startswith("probe.toml: ")  # the file is named


def test_a_parameter_group_must_be_a_table():
    meta = {"name": "x", "title": "t", "question": "q", "steps": 1, "seed": 0}
    with pytest.raises(ParameterError, match=re.escape("[plan] must be a table of parameters, got 3")):
        parse_scenario({"scenario": meta, "plan": 3})


def test_unknown_scenario_key_is_rejected_with_suggestion(tmp_path):
    header = HEADER.replace("seed = 5", "seed = 5\nsed = 4")
    with pytest.raises(ScenarioError, match=re.escape("unknown key scenario.sed (did you mean 'seed'?)")):
        load_scenario(write(tmp_path, "", header=header))


@pytest.mark.parametrize("missing", ["name", "title", "question", "steps", "seed"])
def test_missing_scenario_keys_are_rejected(tmp_path, missing):
    header = "\n".join(line for line in HEADER.splitlines() if not line.startswith(f"{missing} ="))
    with pytest.raises(ScenarioError, match=re.escape(f"[scenario] needs '{missing}'")):
        load_scenario(write(tmp_path, "", header=header + "\n"))


def test_missing_scenario_table_is_rejected(tmp_path):
    with pytest.raises(ScenarioError, match=re.escape("missing [scenario] table")):
        load_scenario(write(tmp_path, "[plan]\npolicy = 'pid'\n", header=""))


@pytest.mark.parametrize(("line", "replacement", "fragment"), [
    ("steps = 12", "steps = -1", "scenario.steps must be an integer >= 0 and scenario.seed"),
    ("seed = 5", "seed = -3", "scenario.steps must be an integer >= 0 and scenario.seed"),
    ("steps = 12", "steps = 1.5", "scenario.steps must be an integer, got 1.5"),
    ("steps = 12", "steps = true", "scenario.steps must be an integer, got True"),
    ('name = "probe"', "name = 4", "scenario.name must be text, got 4"),
])
def test_scenario_values_are_typed(tmp_path, line, replacement, fragment):
    header = HEADER.replace(line, replacement)
    with pytest.raises(ScenarioError, match=re.escape(fragment)):
        load_scenario(write(tmp_path, "", header=header))


# -- variants -------------------------------------------------------------------------

VARIANTS = """
[plan]
policy = "pid"

[variants.soft]
description = "all accommodation"
plan.soft_share = 1.0

[variants.slow]
monitor.delay = 6
execute.delay = 4
"""


def test_variants_are_parsed_and_applied(tmp_path):
    sc = load_scenario(write(tmp_path, VARIANTS))
    assert sc.variants == {"soft": {"plan.soft_share": 1.0},
                           "slow": {"monitor.delay": 6, "execute.delay": 4}}
    assert sc.descriptions == {"soft": "all accommodation", "slow": ""}
    slow = sc.with_variant("slow")
    assert slow.variant == "slow"
    assert (slow.config.monitor.delay, slow.config.execute.delay) == (6, 4)
    assert slow.config.plan.policy == "pid"  # the base values stay
    assert sc.config.monitor.delay == 1  # the base scenario is untouched
    assert sc.with_variant("soft").config.plan.soft_share == 1.0


def test_set_values_win_over_every_variant(tmp_path):
    sc = load_scenario(write(tmp_path, VARIANTS)).with_changes(
        overrides={"monitor.delay": 2, "plan.capacity": 0.9})
    for name in ("soft", "slow"):
        v = sc.with_variant(name)
        assert (v.config.monitor.delay, v.config.plan.capacity) == (2, 0.9)
    assert sc.with_variant("slow").config.execute.delay == 4  # the variant's other values stay
    assert sc.with_variant("soft").config.plan.soft_share == 1.0


def test_unknown_variant_suggests_a_declared_one(tmp_path):
    sc = load_scenario(write(tmp_path, VARIANTS))
    with pytest.raises(ScenarioError, match=re.escape("has no variant 'slwo' (did you mean 'slow'?)")):
        sc.with_variant("slwo")


@pytest.mark.parametrize(("body", "fragment"), [
    ("[variants.bad]\nmonitor.delay = -1\n", "variant 'bad': monitor.delay must be an integer in [0, 200], got -1"),
    ("[variants.bad]\nmonitor.dely = 2\n", "variant 'bad': unknown parameter 'monitor.dely' (did you mean 'monitor.delay'?)"),
    ("[variants.bad]\nmonitr.delay = 2\n", "variant 'bad': unknown parameter table [monitr] (did you mean 'monitor'?)"),
    ("[variants.bad]\nstructure.granularity = 3\n", "variant 'bad': structure.granularity must divide"),
    ("[variants]\nbad = 3\n", "[variants.bad] must be a table"),
])
def test_variants_are_validated_at_load_time(tmp_path, body, fragment):
    with pytest.raises(ScenarioError, match=re.escape(fragment)):
        load_scenario(write(tmp_path, body))


# -- resolved scenarios round-trip ----------------------------------------------------------

def test_to_toml_round_trips_a_changed_scenario(tmp_path):
    sc = load_scenario(write(tmp_path, VARIANTS)).with_variant("slow").with_changes(
        steps=77, seed=123, overrides={"society.agents": 1234, "monitor.coverage": 0.1 + 0.2,
                                       "healing.enabled": False, "shock.at_step": -1})
    text = sc.to_toml()
    assert "[variants" not in text  # variants are resolved, not repeated
    again_path = tmp_path / "again.toml"
    again_path.write_text(text, encoding="utf-8")
    again = load_scenario(again_path)
    assert again.config == sc.config
    assert (again.steps, again.seed, again.variant, again.name) == (77, 123, "slow", "probe")
    assert again.config.monitor.coverage == 0.1 + 0.2  # floats survive exactly
    assert again.about == sc.about
    assert again.to_toml() == text


def test_with_changes_validates():
    sc = load_scenario("baseline")
    with pytest.raises(ScenarioError, match=r"--steps must be an integer >= 0, got -1"):
        sc.with_changes(steps=-1)
    with pytest.raises(ParameterError, match=r"plan.gain"):
        sc.with_changes(overrides={"plan.gain": 99})


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # any text TOML can hold


@settings(max_examples=60, deadline=None)
@given(title=_text, question=_text, about=_text, steps=st.integers(0, 10**6), seed=st.integers(0, 2**32))
def test_to_toml_round_trips_any_text(title, question, about, steps, seed):
    base = load_scenario("baseline")
    data = {"scenario": {"name": "x", "title": title, "question": question, "steps": steps, "seed": seed},
            "about": {"what_it_is": about, "how_it_works": about + "\nsecond line\\"}}
    sc = parse_scenario(data)
    again = parse_scenario(tomllib.loads(sc.to_toml()))
    assert (again.title, again.question, again.steps, again.seed) == (title, question, steps, seed)
    assert again.about == sc.about
    assert again.config == base.config
