"""Shared fixtures for the unit and property tests.

The fixtures are factories (session-scoped, stateless) so that tests,
including hypothesis tests, can build as many fresh objects as they need.
Populations are small (900 to 2500 agents) and runs short, to keep the
whole suite fast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

from simulator.config import Config
from simulator.loop.contracts import Assessment, Delivery, DistrictState, Observation
from simulator.loop.knowledge import Settings
from simulator.model import GovernanceModel
from simulator.society.agents import Society
from simulator.society.grid import Grid

#: A small society for model runs: 900 agents on a 30 x 30 grid, 8 x 8 districts.
SMALL = {"society.agents": 900}


@pytest.fixture(scope="session")
def make_config() -> Callable[..., Config]:
    """``make_config(overrides)``: a validated Config with a small society."""

    def make(overrides: Mapping[str, Any] | None = None) -> Config:
        return Config.from_mapping({**SMALL, **(overrides or {})})

    return make


@pytest.fixture(scope="session")
def make_grid() -> Callable[[Config], Grid]:
    """``make_grid(config)``: the grid a model would build for ``config``."""

    def make(config: Config) -> Grid:
        s = config.society
        return Grid(agents=s.agents, density=s.density,
                    districts_per_side=s.districts_per_side,
                    agencies=config.apparatus.agencies)

    return make


@pytest.fixture(scope="session")
def make_society(make_grid) -> Callable[..., Society]:
    """``make_society(overrides, seed)``: 2500 agents in 4 x 4 districts by default."""

    def make(overrides: Mapping[str, Any] | None = None, seed: int = 0) -> Society:
        values = {"society.agents": 2500, "society.districts_per_side": 4, **(overrides or {})}
        config = Config.from_mapping(values)
        return Society(config, make_grid(config), np.random.default_rng(seed))

    return make


@pytest.fixture(scope="session")
def uniform_delivery() -> Callable[..., Delivery]:
    """``uniform_delivery(districts, accommodate=0, ...)``: the same levers everywhere."""

    def make(districts: int, accommodate: float = 0.0, constrain: float = 0.0,
             incentivise: float = 0.0, mobilise: float = 0.0) -> Delivery:
        def full(v: float) -> np.ndarray:
            return np.full(districts, float(v))

        return Delivery(full(accommodate), full(constrain), full(incentivise), full(mobilise))

    return make


@pytest.fixture(scope="session")
def step_society(uniform_delivery) -> Callable[..., list[DistrictState]]:
    """``step_society(society, steps, first=1, **levers)``: step with constant levers, no eyes."""

    def run(society: Society, steps: int, first: int = 1, **levers: float) -> list[DistrictState]:
        districts = society.grid.districts
        delivery = uniform_delivery(districts, **levers)
        eyes = np.zeros(districts)
        return [society.step(t, delivery, eyes) for t in range(first, first + steps)]

    return run


@pytest.fixture(scope="session")
def district_state() -> Callable[..., DistrictState]:
    """``district_state(districts, population=100, expression=0, need=0.5, participation=0.3)``."""

    def make(districts: int, population: float = 100.0, expression: Any = 0.0,
             need: Any = 0.5, participation: Any = 0.3, trust: Any = 0.7) -> DistrictState:
        def arr(v: Any) -> np.ndarray:
            return np.broadcast_to(np.asarray(v, dtype=float), (districts,)).copy()

        need_a, trust_a = arr(need), arr(trust)
        return DistrictState(
            population=arr(population),
            expression=arr(expression),
            latent=arr(expression),
            need=need_a,
            trust=trust_a,
            grievance=need_a * (1.0 - trust_a),
            participation=arr(participation),
            removed=np.zeros(districts),
        )

    return make


@pytest.fixture(scope="session")
def observation() -> Callable[..., Observation]:
    """``observation(step, expression, need, participation=0.3)`` with full sensing."""

    def make(step: int, expression: Any, need: Any, participation: Any = 0.3) -> Observation:
        expression = np.asarray(expression, dtype=float)
        shape = expression.shape

        def arr(v: Any) -> np.ndarray:
            return np.broadcast_to(np.asarray(v, dtype=float), shape).copy()

        return Observation(step=step, expression=expression.copy(), need=arr(need),
                           participation=arr(participation), sensed=np.ones(shape))

    return make


@pytest.fixture(scope="session")
def assessment() -> Callable[..., Assessment]:
    """``assessment(tension, setpoint=0.17, fault_level=0.22, crisis=None, step=0)``.

    No trend, so the forecast equals tension; faults are tension above the
    fault level; crisis defaults to "any fault".
    """

    def make(tension: Any, setpoint: float = 0.17, fault_level: float = 0.22,
             crisis: bool | None = None, step: int = 0) -> Assessment:
        tension = np.asarray(tension, dtype=float).copy()
        faults = tension > fault_level
        return Assessment(
            step=step, tension=tension, trend=np.zeros_like(tension), forecast=tension.copy(), error=tension - setpoint,
            faults=faults, crisis=bool(faults.any()) if crisis is None else crisis,
            expression=tension.copy(), need=tension.copy(),
        )

    return make


@pytest.fixture(scope="session")
def settings_from() -> Callable[..., Settings]:
    """``settings_from(config, **changes)``: the config's Settings with some fields changed."""

    def make(config: Config, **changes: Any) -> Settings:
        return dataclasses.replace(Settings.from_config(config), **changes)

    return make


@pytest.fixture(scope="session")
def run_series() -> Callable[..., Any]:
    """``run_series(steps, seed=1, **overrides)``: the baseline scenario's series, small society."""

    def run(steps: int, seed: int = 1, overrides: Mapping[str, Any] | None = None):
        model = GovernanceModel.from_scenario("baseline", seed=seed, steps=steps,
                                overrides={**SMALL, **(overrides or {})})
        return model.run().series()

    return run


def _series_of(parameters: dict[str, Any], steps: int, seed: int) -> Any:
    """One run's series, from plain data a worker process can receive (a Scenario cannot be pickled)."""
    return GovernanceModel(config=Config(parameters), steps=steps, seed=seed).run().series()


@pytest.fixture(scope="session")
def run_many() -> Callable[..., dict[str, list[Any]]]:
    """``run_many({name: scenario}, seeds)``: each scenario's series for each integer seed.

    All the runs go to one pool of two processes. They are the series of
    ``run_once`` one after another (a run depends only on its parameters,
    steps and seed); the two cores of CI finish them in about half the time.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    def run(scenarios: Mapping[str, Any], seeds) -> dict[str, list[Any]]:
        seeds = list(seeds)
        pairs = [(name, seed) for name in scenarios for seed in seeds]
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool:
            series = list(pool.map(_series_of, [dict(scenarios[n].config) for n, _ in pairs],
                                   [scenarios[n].steps for n, _ in pairs], [s for _, s in pairs]))
        return {name: series[i * len(seeds):(i + 1) * len(seeds)] for i, name in enumerate(scenarios)}

    return run


@pytest.fixture(scope="session")
def linear_plant(assessment, settings_from) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """``linear_plant(planner, config, steps, seed=0)``: a Plan stage in a loop with a linear society.

    Per district, true tension ``x[t] = x[t-1] + c0 + c1 x[t-1] + b u[t]`` plus
    a little noise, ``u[t]`` the response the plan made ``1 + execute.delay``
    steps earlier delivered (all of it decided by the centre with no extra
    delay: give ``structure.centralisation = 1``, ``structure.central_delay
    = 0``); the plan sees tension ``monitor.delay`` steps late, with
    measurement noise. Returns the true tension, one row per step, and the
    response in force, one row per step including those already decided
    beyond the last. No agents: a fast, known plant for the policies.
    """

    def run(planner, config: Config, steps: int, seed: int = 0, c0: float = 0.01, c1: float = -0.02,
            b: float = -0.03, noise: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        districts = config.society.districts_per_side ** 2
        late, lag = config.monitor.delay, 1 + config.execute.delay
        x = np.empty((steps + 1, districts))
        x[0] = rng.uniform(0.15, 0.35, districts)
        seen = np.empty_like(x)
        seen[0] = x[0] + noise * rng.standard_normal(districts)
        u = np.zeros((steps + 1 + lag, districts))
        settings = settings_from(config)
        for t in range(1, steps + 1):
            x[t] = x[t - 1] + c0 + c1 * x[t - 1] + b * u[t] + 0.005 * rng.standard_normal(districts)
            seen[t] = x[t] + noise * rng.standard_normal(districts)
            step = max(0, t - late)
            a = assessment(seen[step], setpoint=config.analyze.setpoint, step=step)
            plan = planner.plan(a, settings, 10.0 * districts, np.zeros(districts), None)
            u[t + lag] = plan.accommodate + plan.constrain
        return x, u

    return run
