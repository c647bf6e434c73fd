"""The twin on any valid parameters: it solves them, or refuses them in one line.

Whatever the agent model accepts (every declared parameter within its range),
the twin must either solve to finite values or raise a
:class:`~simulator.errors.GovsimError` saying why, never another exception.
"""

import numpy as np
import pytest

from simulator.config import Config
from simulator.errors import GovsimError, ParameterError
from simulator.parameters import PARAMETERS
from simulator.scenario import load_scenario
from simulator.twin.solve import TwinError, make_twin, simulate

#: Steps solved per random parameter set: short, so that 40 sets take seconds.
STEPS = 40
#: The twin reads the agent model's grid geometry, and building a grid for
#: millions of agents alone takes seconds: the draws stop at this many agents.
AGENTS = 100_000
#: Parameters that name a step: drawn within the horizon, where they act.
AT_STEP = ("shock.at_step", "shock.every", "shock.trust_drop_step", "shock.trust_drop_duration",
           "shock.enforcement_drop_step", "shock.enforcement_drop_duration")


def _solve(values, steps: int):
    return simulate(make_twin(values), steps).to_frame()


def _finite(frame) -> bool:
    return bool(np.isfinite(frame.select_dtypes("number").to_numpy(float)).all())


def test_pressure_that_never_fades_is_solved():
    """disturbance.decay = 0: pressure left alone piles up (it used to divide 0 by 0)."""
    base = load_scenario("baseline").config
    frame = _solve(base.with_overrides({"disturbance.decay": 0.0}), 200)
    assert _finite(frame)
    # no decay and nothing that resolves the unmatched types: their need saturates
    starved = base.with_overrides({"disturbance.decay": 0.0, "levers.response_types": 0,
                                   "levers.unmatched_effect": 0.0, "disturbance.rate": 0.2})
    frame = _solve(starved, 200)
    assert _finite(frame)
    assert frame["need"].iloc[-1] > 0.95


@pytest.mark.parametrize(("drop", "duration"), [(1.0, 1), (0.8, 1), (1.0, 5)])
def test_a_legitimacy_fall_to_zero_is_solved(drop, duration):
    """A fall that takes trust to 0 stops there: the solver used to stall at that
    switch, then fail with an IndexError while reporting where it stopped."""
    base = load_scenario("baseline").config
    fall = {"shock.trust_drop": drop, "shock.trust_drop_step": 50,
            "shock.trust_drop_duration": duration}
    frame = _solve(base.with_overrides(fall), 120).set_index("step")
    assert _finite(frame)
    before, after = frame.loc[49, "trust"], frame.loc[50 + duration, "trust"]
    assert before > 0.5 and 0.0 <= after < 0.05


class _Blowup:
    """x' = x^2 from x = 1: infinite at t = 1, before the first whole step."""

    form = "loop"
    size = 1

    def initial(self):
        return np.ones(1)

    def rhs(self, t, x, forcing=0.0):
        return x * x

    def solver_jacobian(self, t, x, forcing=0.0):
        return np.array([[2.0 * x[0]]])

    def shock_times(self, horizon):
        return []

    def forcing_changes(self, horizon):
        return []

    def forcing(self, t):
        return 0.0


def test_a_solver_that_stops_before_the_first_step_is_a_twin_error():
    with pytest.raises(TwinError, match=r"solver stopped after step 0 \(solving from step 0 to 5\)"):
        simulate(_Blowup(), 5)


def _draw(rng: np.random.Generator) -> Config:
    """A valid parameter set: each number uniform in its declared range, or one of
    its bounds (a third of the time, where division by zero and stiffness live)."""
    while True:
        values = {}
        for key, p in PARAMETERS.items():
            if p.kind == "bool":
                values[key] = bool(rng.integers(2))
            elif p.kind == "choice":
                values[key] = p.choices[rng.integers(len(p.choices))]
            else:
                high = min(p.high, STEPS if key in AT_STEP else AGENTS if key == "society.agents"
                           else p.high)
                u = rng.random()
                x = p.low if u < 1 / 6 else high if u < 1 / 3 else rng.uniform(p.low, high)
                values[key] = round(x) if p.kind == "int" else float(x)
        try:
            return Config(values)
        except ParameterError:  # e.g. a granularity that does not divide the districts
            continue


DRAWS = [_draw(np.random.default_rng([20261203, j])) for j in range(40)]


@pytest.mark.parametrize("values", DRAWS, ids=[f"set{j}" for j in range(len(DRAWS))])
def test_the_twin_solves_or_refuses_every_valid_parameter_set(values):
    try:
        frame = _solve(values, STEPS)
    except GovsimError as exc:  # a refusal is allowed, in one line
        assert str(exc) and "\n" not in str(exc)
        return
    assert _finite(frame)
    assert len(frame) == STEPS + 1
