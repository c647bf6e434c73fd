"""Monitor: coverage, noise and delay between the society and the loop."""

import numpy as np
import pytest

from simulator.loop.monitor import Monitor

D = 16


def monitor(make_config, seed=0, **values):
    config = make_config({f"monitor.{k}": v for k, v in values.items()})
    return Monitor(config, window_cells=9, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("delay", [0, 1, 3, 7])
def test_delay_returns_the_observation_from_delay_steps_ago(make_config, district_state, delay):
    m = monitor(make_config, delay=delay, noise=0.0, coverage=1.0)
    for t in range(15):
        # every step has its own recognisable participation and need
        state = district_state(D, participation=t / 100, need=0.5 + t / 100)
        obs = m.observe(state, t)
        seen = max(0, t - delay)  # before the pipe fills, the first observation
        assert obs.step == seen
        np.testing.assert_allclose(obs.participation, seen / 100)
        np.testing.assert_allclose(obs.need, 0.5 + seen / 100)


def test_blind_monitor_sees_nearly_nothing_of_expression(make_config, district_state):
    m = monitor(make_config, coverage=0.0, participation_sensing=0.0, noise=0.02)
    state = district_state(D, expression=0.5, participation=0.8)
    observed = np.array([m.observe(state, t).expression for t in range(10)])
    np.testing.assert_allclose(observed.mean(), 0.0, atol=0.02)
    assert observed.max() < 0.1  # only noise, clipped at 0
    np.testing.assert_allclose(m.observe(state, 10).sensed, 0.0)


def test_participants_let_the_monitor_see_without_coverage(make_config, district_state):
    m = monitor(make_config, coverage=0.0, participation_sensing=1.0, noise=0.0, delay=0)
    obs = m.observe(district_state(D, expression=0.5, participation=0.8), 0)
    np.testing.assert_allclose(obs.sensed, 0.8)
    np.testing.assert_allclose(obs.expression.mean(), 0.5, atol=0.05)


@pytest.mark.parametrize("expression", [0.0, 0.13, 0.5, 1.0])
def test_full_coverage_without_noise_is_exact(make_config, district_state, expression):
    m = monitor(make_config, coverage=1.0, noise=0.0, delay=0)
    population = np.arange(50, 50 + D, dtype=float)
    true = np.rint(expression * population) / population  # a share of whole agents
    state = district_state(D, population=population, expression=true, need=0.37, participation=0.2)
    obs = m.observe(state, 0)
    np.testing.assert_allclose(obs.expression, true, rtol=1e-12)
    np.testing.assert_allclose(obs.need, 0.37)
    np.testing.assert_allclose(obs.participation, 0.2)
    np.testing.assert_allclose(obs.sensed, 1.0)


def test_need_error_shrinks_as_participation_rises(make_config, district_state):
    # need is known only from participants' reports: its noise is noise / sqrt(participation);
    # from 10% to 90% participation the error should fall about threefold
    ratios = []
    for seed in range(5):
        errors = []
        for participation in (0.1, 0.9):
            m = monitor(make_config, seed=seed, noise=0.05, delay=0)
            state = district_state(D, need=0.5, participation=participation)
            obs = np.array([m.observe(state, t).need for t in range(30)])
            errors.append(np.sqrt(np.mean((obs - 0.5) ** 2)))
        ratios.append(errors[1] / errors[0])
        assert errors[1] < 0.6 * errors[0]
    np.testing.assert_allclose(np.mean(ratios), 1 / 3, atol=0.1)


@pytest.mark.parametrize(("coverage", "visibility"), [(0.0, 1.0), (0.5, 0.1), (1.0, 0.1), (0.5, 2.0), (1.0, 0.0)])
def test_eyes_scale_with_coverage_times_visibility(make_config, coverage, visibility):
    m = monitor(make_config, coverage=coverage, visibility=visibility)
    eyes = m.eyes(D)
    assert eyes.shape == (D,)
    np.testing.assert_allclose(eyes, coverage * visibility * 9)


def test_observations_are_clipped_shares(make_config, district_state):
    m = monitor(make_config, noise=1.0, delay=0)
    for t in range(5):
        obs = m.observe(district_state(D, expression=0.5, need=0.5, participation=0.5), t)
        for arr in (obs.expression, obs.need, obs.participation):
            assert arr.min() >= 0.0 and arr.max() <= 1.0
