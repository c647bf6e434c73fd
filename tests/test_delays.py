"""Delay chains: the shape of the lag, not only its mean, depends on the stages.

A chain of ``n`` first-order stages of total length ``T`` passes a unit step
as the Erlang(n, n / T) distribution function: mean lag ``T`` for every
``n``, variance ``T**2 / n``. The mean alone cannot tell 1 stage from 5.
"""

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import solve_ivp

from simulator.scenario import load_scenario
from simulator.twin.delays import Chain
from simulator.twin.stocks import GovernanceTwin


def step_response(chain: Chain, size: int, inflow: np.ndarray, times: np.ndarray) -> np.ndarray:
    """The chain's output over ``times`` for a constant ``inflow`` switched on at 0, from rest."""
    def rhs(_t, x):
        dx = np.zeros_like(x)
        chain.flow(x, inflow, dx)
        return dx

    sol = solve_ivp(rhs, (0.0, times[-1]), np.zeros(size), t_eval=times, rtol=1e-9, atol=1e-12,
                    method="LSODA")
    return np.array([chain.output(sol.y[:, j], inflow) for j in range(times.size)])


def lag_moments(times: np.ndarray, passed: np.ndarray) -> tuple[float, float]:
    """Mean and variance of the lag from the step response F: E[L] = int (1 - F),
    E[L^2] = int 2 t (1 - F)."""
    mean = np.trapezoid(1.0 - passed, times)
    second = np.trapezoid(2.0 * times * (1.0 - passed), times)
    return float(mean), float(second - mean ** 2)


@pytest.mark.parametrize("stages", [1, 2, 5])
@pytest.mark.parametrize("delay", [3.0, 8.0])
def test_a_chain_passes_a_step_as_the_erlang_distribution(stages, delay):
    chain = Chain(start=0, signals=2, stages=stages, delay=delay)
    times = np.linspace(0.0, 12.0 * delay, 3001)
    out = step_response(chain, chain.size, np.array([1.0, 0.4]), times)
    erlang = stats.gamma(a=stages, scale=delay / stages).cdf(times)
    np.testing.assert_allclose(out[:, 0], erlang, atol=1e-5)
    np.testing.assert_allclose(out[:, 1], 0.4 * erlang, atol=1e-5)  # side by side, independent
    mean, variance = lag_moments(times, out[:, 0])
    np.testing.assert_allclose(mean, delay, rtol=1e-3)
    np.testing.assert_allclose(variance, delay ** 2 / stages, rtol=1e-2)


@pytest.mark.parametrize("stages", [1, 2, 5])
def test_the_twins_delays_have_the_stages_the_scenario_asks_for(stages):
    # twin.stages sets the shape of both of the twin's delays: at half the mean
    # lag a single stage has passed 1 - exp(-1/2) = 39 % of a step, five stages 11 %
    values = dict(load_scenario("baseline").config)
    values.update({"monitor.delay": 6.0, "execute.delay": 3.0, "twin.stages": stages})
    twin = GovernanceTwin(values)
    for chain, signals in ((twin.monitor_chain, 3), (twin.execute_chain, 4)):
        assert chain.signals == signals
        delay = chain.delay
        inflow = np.zeros(signals)
        inflow[0] = 1.0
        times = np.linspace(0.0, 12.0 * delay, 3001)
        x = np.zeros(twin.size)  # the chain works in the twin's own state vector

        def rhs(_t, y, chain=chain, inflow=inflow):
            dx = np.zeros_like(y)
            chain.flow(y, inflow, dx)
            return dx

        sol = solve_ivp(rhs, (0.0, times[-1]), x, t_eval=times, rtol=1e-9, atol=1e-12, method="LSODA")
        passed = np.array([chain.output(sol.y[:, j], inflow)[0] for j in range(times.size)])
        erlang = stats.gamma(a=stages, scale=delay / stages)
        half = np.searchsorted(times, delay / 2)
        np.testing.assert_allclose(passed[half], erlang.cdf(times[half]), atol=1e-4)
        mean, variance = lag_moments(times, passed)
        np.testing.assert_allclose(mean, delay, rtol=1e-3)
        np.testing.assert_allclose(variance, delay ** 2 / stages, rtol=1e-2)


def test_more_stages_make_a_sharper_delay():
    # the same mean lag, a narrower spread: the fixed delay is the limit
    values = dict(load_scenario("baseline").config)
    values["monitor.delay"] = 6.0
    at_half = []
    for stages in (1, 2, 5, 20):
        values["twin.stages"] = stages
        chain = GovernanceTwin(values).monitor_chain
        times = np.array([0.0, 3.0])
        at_half.append(step_response(chain, chain.start + chain.size, np.array([1.0, 0.0, 0.0]),
                                     times)[-1, 0])
    assert np.all(np.diff(at_half) < -0.05), at_half
    np.testing.assert_allclose(at_half[0], 1.0 - np.exp(-0.5), atol=1e-4)


def test_a_zero_delay_passes_its_input_at_once():
    chain = Chain(start=0, signals=2, stages=3, delay=0.0)
    assert chain.size == 0
    inflow = np.array([0.3, 0.7])
    np.testing.assert_array_equal(chain.output(np.zeros(4), inflow), inflow)
