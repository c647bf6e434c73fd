"""Analyze: filtered tension, faults, crisis and pre-emption over a horizon."""

import numpy as np
import pytest

from simulator.loop.analyze import Analyzer

D = 10


def analyzer(make_config, **values):
    return Analyzer(make_config({f"analyze.{k}": v for k, v in values.items()}), D)


def test_smoothing_one_gives_raw_tension(make_config, observation):
    a = analyzer(make_config, smoothing=1.0, need_weight=0.3)
    rng = np.random.default_rng(0)
    for t in range(8):
        expression, need = rng.random(D), rng.random(D)
        result = a.assess(observation(t, expression, need), setpoint=0.2)
        raw = 0.7 * expression + 0.3 * need
        np.testing.assert_allclose(result.tension, raw)
        np.testing.assert_allclose(result.expression, expression)
        np.testing.assert_allclose(result.need, need)
        np.testing.assert_allclose(result.error, result.forecast - 0.2)
        assert result.step == t


def test_smoothing_below_one_filters(make_config, observation):
    a = analyzer(make_config, smoothing=0.25, need_weight=0.0)
    first = a.assess(observation(0, np.full(D, 0.4), 0.0), setpoint=0.2)
    np.testing.assert_allclose(first.tension, 0.4)  # first look: nothing to filter against
    second = a.assess(observation(1, np.full(D, 0.8), 0.0), setpoint=0.2)
    np.testing.assert_allclose(second.tension, 0.25 * 0.8 + 0.75 * 0.4)


@pytest.mark.parametrize("fault_level", [0.1, 0.3, 0.55])
def test_faults_are_districts_above_fault_level(make_config, observation, fault_level):
    a = analyzer(make_config, smoothing=1.0, need_weight=0.0, fault_level=fault_level, crisis_share=1.0)
    tension = np.linspace(0.0, 0.9, D)
    result = a.assess(observation(0, tension, 0.0), setpoint=0.0)
    np.testing.assert_array_equal(result.faults, tension > fault_level)
    assert result.faults.dtype == bool


@pytest.mark.parametrize(("in_fault", "crisis_share", "crisis"), [
    (0, 0.3, False), (2, 0.3, False), (3, 0.3, True), (4, 0.3, True),
    (5, 0.5, True), (4, 0.5, False), (10, 1.0, True), (9, 1.0, False), (0, 0.0, True),
])
def test_crisis_when_share_of_faults_reaches_crisis_share(make_config, observation,
                                                          in_fault, crisis_share, crisis):
    a = analyzer(make_config, smoothing=1.0, need_weight=0.0, fault_level=0.5, crisis_share=crisis_share)
    expression = np.where(np.arange(D) < in_fault, 0.9, 0.1)
    result = a.assess(observation(0, expression, 0.0), setpoint=0.2)
    assert int(result.faults.sum()) == in_fault
    assert result.crisis is crisis


def _first_fault(make_config, observation, horizon):
    a = analyzer(make_config, smoothing=1.0, need_weight=0.0, fault_level=0.5, horizon=horizon)
    for t in range(40):
        expression = np.full(D, 0.2)
        expression[3] = min(1.0, 0.1 + 0.02 * t)  # one district heating up steadily
        result = a.assess(observation(t, expression, 0.0), setpoint=0.2)
        assert not result.faults[np.arange(D) != 3].any()  # the flat ones never
        if result.faults[3]:
            return t
    return None


def test_horizon_flags_a_rising_district_earlier(make_config, observation):
    reactive = _first_fault(make_config, observation, horizon=0)
    assert reactive == 21  # 0.1 + 0.02 t first exceeds 0.5 at t = 21
    ahead = _first_fault(make_config, observation, horizon=10)
    assert ahead is not None and ahead <= reactive - 5


def test_horizon_adds_nothing_for_a_flat_district(make_config, observation):
    a = analyzer(make_config, smoothing=1.0, need_weight=0.0, horizon=20)
    for t in range(5):
        result = a.assess(observation(t, np.full(D, 0.3), 0.0), setpoint=0.2)
        np.testing.assert_allclose(result.forecast, result.tension)
