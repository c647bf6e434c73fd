"""Config: declared defaults, strict validation with clear messages, immutability."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.config import Config, parse_override, validate_value
from simulator.errors import ParameterError
from simulator.parameters import PARAMETERS

NUMERIC = sorted(k for k, p in PARAMETERS.items() if p.kind in ("int", "float"))


# -- defaults -------------------------------------------------------------------

def test_defaults_are_valid_and_complete():
    config = Config.from_mapping()
    assert set(config) == set(PARAMETERS)
    for key, p in PARAMETERS.items():
        assert validate_value(key, p.default) == p.default
        assert config[key] == p.default
    assert config.changed() == {}


def test_attribute_and_item_access_agree():
    config = Config.from_mapping({"plan.policy": "pid", "monitor.delay": 4})
    assert config.plan.policy == config["plan.policy"] == "pid"
    assert config.monitor.delay == 4
    assert config.changed() == {"plan.policy": "pid", "monitor.delay": 4}


# -- unknown keys -----------------------------------------------------------------

@pytest.mark.parametrize(("typo", "meant"), [
    ("plan.polcy", "plan.policy"),
    ("society.agnets", "society.agents"),
    ("monitor.dealy", "monitor.delay"),
    ("plan.capacty", "plan.capacity"),
])
def test_unknown_key_suggests_the_close_one(typo, meant):
    with pytest.raises(ParameterError, match=re.escape(f"unknown parameter '{typo}' (did you mean '{meant}'?)")):
        Config.from_mapping({typo: 1})


def test_unknown_key_without_a_close_match_gives_no_suggestion():
    with pytest.raises(ParameterError) as info:
        validate_value("zzz.qqqqqq", 1)
    assert "did you mean" not in str(info.value)
    assert "'zzz.qqqqqq'" in str(info.value)


def test_unknown_group_in_tables_is_named_with_suggestion():
    with pytest.raises(ParameterError, match=re.escape("unknown parameter table [plna] (did you mean 'plan'?)")):
        Config.from_nested({"plna": {"policy": "pid"}})


# -- wrong type or range ----------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "message"), [
    ("society.agents", -5, "society.agents must be an integer in [1, 5000000], got -5"),
    ("society.agents", 0, "society.agents must be an integer in [1, 5000000], got 0"),
    ("society.agents", 2.5, "society.agents must be an integer in [1, 5000000], got 2.5"),
    ("society.agents", "900", "society.agents must be an integer in [1, 5000000], got '900'"),
    ("society.agents", True, "society.agents must be an integer in [1, 5000000], got True"),
    ("monitor.coverage", 1.5, "monitor.coverage must be a number in [0, 1], got 1.5"),
    ("monitor.coverage", -0.1, "monitor.coverage must be a number in [0, 1], got -0.1"),
    ("monitor.coverage", float("nan"), "monitor.coverage must be a number in [0, 1], got nan"),
    ("plan.gain", float("inf"), "plan.gain must be a number in [0, 50], got inf"),
    ("shock.at_step", -2, "shock.at_step must be an integer in [-1, 1000000], got -2"),
    ("analyze.smoothing", 0.0, "analyze.smoothing must be a number in [0.01, 1], got 0.0"),
    ("healing.enabled", 1, "healing.enabled must be true or false, got 1"),
    ("healing.enabled", "true", "healing.enabled must be true or false, got 'true'"),
    ("plan.policy", "pidd", "plan.policy must be one of 'none', 'threshold', 'pid', 'balanced', 'predictive', got 'pidd'"),
    ("optimizing.objective", 1, "optimizing.objective must be one of 'tension', 'observed', got 1"),
])
def test_bad_values_are_rejected_with_key_value_and_allowed(key, value, message):
    with pytest.raises(ParameterError) as info:
        validate_value(key, value)
    assert str(info.value) == message


def test_bad_value_rejected_through_config_too():
    with pytest.raises(ParameterError, match=re.escape("got -5")):
        Config.from_mapping({"society.agents": -5})


@pytest.mark.parametrize(("key", "value", "expected", "kind"), [
    ("society.agents", 900.0, 900, int),  # an integral float becomes an int
    ("society.agents", 900, 900, int),
    ("monitor.coverage", 1, 1.0, float),  # an int becomes a float
    ("monitor.coverage", 0.25, 0.25, float),
    ("healing.enabled", False, False, bool),
    ("plan.policy", "threshold", "threshold", str),
])
def test_valid_values_are_returned_in_canonical_type(key, value, expected, kind):
    out = validate_value(key, value)
    assert out == expected
    assert type(out) is kind


@pytest.mark.parametrize("choice", PARAMETERS["plan.policy"].choices)
def test_every_declared_choice_validates(choice):
    assert Config.from_mapping({"plan.policy": choice}).plan.policy == choice


# -- command-line overrides ---------------------------------------------------------

@pytest.mark.parametrize(("text", "key", "value"), [
    ("plan.policy=pid", "plan.policy", "pid"),
    (" plan.policy = none ", "plan.policy", "none"),
    ("society.agents=900", "society.agents", 900),
    ("society.agents=1e3", "society.agents", 1000),
    ("monitor.coverage=0.3", "monitor.coverage", 0.3),
    ("monitor.coverage=1", "monitor.coverage", 1.0),
    ("shock.at_step=-1", "shock.at_step", -1),
    ("healing.enabled=false", "healing.enabled", False),
    ("healing.enabled=True", "healing.enabled", True),
    ("healing.enabled=off", "healing.enabled", False),
    ("healing.enabled=yes", "healing.enabled", True),
    ("healing.enabled=0", "healing.enabled", False),
])
def test_parse_override_reads_each_kind(text, key, value):
    parsed = parse_override(text)
    assert parsed == (key, value)
    assert type(parsed[1]) is type(value)


@pytest.mark.parametrize(("text", "fragment"), [
    ("plan.policy", "--set expects key=value, got 'plan.policy'"),
    ("plan.polcy=pid", "did you mean 'plan.policy'?"),
    ("society.agents=many", "society.agents must be an integer in [1, 5000000], got 'many'"),
    ("society.agents=2.5", "got 2.5"),
    ("monitor.coverage=2", "monitor.coverage must be a number in [0, 1], got 2.0"),
    ("healing.enabled=maybe", "healing.enabled must be true or false, got 'maybe'"),
    ("plan.policy=PID", "plan.policy must be one of"),
])
def test_parse_override_rejects_bad_text(text, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        parse_override(text)


# -- immutability and derivation -------------------------------------------------------

def test_config_is_immutable():
    config = Config.from_mapping()
    with pytest.raises(AttributeError, match=r"frozen"):
        config.plan = None
    with pytest.raises(AttributeError, match=r"frozen"):
        config.plan.policy = "pid"
    with pytest.raises(TypeError):
        config["plan.policy"] = "pid"
    with pytest.raises(TypeError):
        del config["plan.policy"]
    assert config.plan.policy == PARAMETERS["plan.policy"].default


def test_unknown_group_and_name_attributes_raise():
    config = Config.from_mapping()
    with pytest.raises(AttributeError, match=r"no parameter group 'plann'"):
        config.plann  # noqa: B018
    with pytest.raises(AttributeError, match=re.escape("no parameter 'plan.polcy'")):
        config.plan.polcy  # noqa: B018


def test_with_overrides_returns_a_new_validated_config():
    base = Config.from_mapping({"society.agents": 900})
    derived = base.with_overrides({"plan.policy": "pid", "plan.gain": 7})
    assert derived.plan.policy == "pid" and derived.plan.gain == 7.0
    assert derived.society.agents == 900  # earlier values are kept
    assert base.plan.policy == "balanced" and base.plan.gain == 3.0  # the original is untouched
    assert derived != base
    assert base.with_overrides({}) == base
    assert hash(base.with_overrides({})) == hash(base)
    with pytest.raises(ParameterError, match=r"plan.gain must be a number in"):
        base.with_overrides({"plan.gain": -1})
    with pytest.raises(ParameterError, match=r"did you mean 'plan.gain'"):
        base.with_overrides({"plan.gian": 1})


def test_nested_round_trips():
    config = Config.from_mapping({"plan.policy": "pid", "society.agents": 1234})
    assert Config.from_nested(config.nested()) == config


# -- cross-parameter rules --------------------------------------------------------------

@pytest.mark.parametrize(("k", "g", "ok"), [
    (8, 1, True), (8, 2, True), (8, 4, True), (8, 8, True),
    (8, 3, False), (8, 5, False), (6, 3, True), (6, 4, False), (9, 3, True), (9, 2, False),
])
def test_granularity_must_divide_districts_per_side(k, g, ok):
    values = {"society.districts_per_side": k, "structure.granularity": g}
    if ok:
        assert Config.from_mapping(values).structure.granularity == g
    else:
        message = f"structure.granularity must divide society.districts_per_side ({k}), got {g}"
        with pytest.raises(ParameterError, match=re.escape(message)):
            Config.from_mapping(values)


def test_granularity_rule_applies_to_overrides_too():
    base = Config.from_mapping()
    with pytest.raises(ParameterError, match=r"must divide"):
        base.with_overrides({"structure.granularity": 3})


def test_districts_cannot_outnumber_grid_cells_per_side():
    # 100 agents at density 1 make a 10 x 10 grid: at most 10 districts per side
    assert Config.from_mapping({"society.agents": 100, "society.districts_per_side": 10})
    with pytest.raises(ParameterError, match=r"at most the grid side \(10 .*got 11"):
        Config.from_mapping({"society.agents": 100, "society.districts_per_side": 11})


# -- property: every in-range value validates, every out-of-range value is rejected ----------

@settings(max_examples=300, deadline=None)
@given(data=st.data(), key=st.sampled_from(NUMERIC))
def test_in_range_values_validate(data, key):
    p = PARAMETERS[key]
    if p.kind == "int":
        value = data.draw(st.integers(int(p.low), int(p.high)))
        assert validate_value(key, value) == value
        assert validate_value(key, float(value)) == value  # an integral float is accepted
    else:
        value = data.draw(st.floats(p.low, p.high, allow_nan=False))
        out = validate_value(key, value)
        assert out == value and isinstance(out, float)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), key=st.sampled_from(NUMERIC))
def test_out_of_range_values_are_rejected(data, key):
    p = PARAMETERS[key]
    if p.kind == "int":
        value = data.draw(st.one_of(st.integers(max_value=int(p.low) - 1),
                                    st.integers(min_value=int(p.high) + 1)))
    else:
        value = data.draw(st.one_of(
            st.floats(max_value=p.low, exclude_max=True),
            st.floats(min_value=p.high, exclude_min=True),
            st.just(math.nan),
        ))
    with pytest.raises(ParameterError) as info:
        validate_value(key, value)
    message = str(info.value)
    assert message.startswith(f"{key} must be {p.allowed()}, got ")
    assert message.endswith(repr(value))


@settings(max_examples=100, deadline=None)
@given(key=st.sampled_from(NUMERIC), value=st.one_of(st.booleans(), st.text(max_size=5), st.none()))
def test_non_numbers_are_rejected_for_numeric_parameters(key, value):
    with pytest.raises(ParameterError, match=re.escape(key)):
        validate_value(key, value)


def test_a_huge_or_deep_value_is_refused_with_a_short_message():
    from simulator.config import shown

    for value in (10**400, -(10**400), [[[[[[[[1]]]]]]]], "x" * 10_000, {"a": list(range(1000))}):
        with pytest.raises(ParameterError) as info:
            validate_value("society.density", value)
        assert len(str(info.value)) < 200
    assert shown(10**400) == "an integer of about 401 digits"
    assert shown(10**100) == repr(10**100)  # up to 120 digits in full
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert len(shown(deep)) < 50
