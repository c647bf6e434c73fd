"""A twin's trajectory: the stocks solved over time with ``solve_ivp``.

Scheduled shocks are jumps in the stocks, a legitimacy fall is a flow
that starts and stops, and a cut in standing enforcement a ramp with a kink
at each end; the solver integrates each smooth stretch between those times
separately, so that it never steps across a jump.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

from ..errors import GovsimError
from .delayed_feedback import DelayedFeedbackTwin
from .stocks import GovernanceTwin

__all__ = ["make_twin", "simulate", "Trajectory", "TwinError"]


class TwinError(GovsimError):
    """The twin could not be solved with these settings."""


def make_twin(values: Mapping[str, Any]) -> GovernanceTwin | DelayedFeedbackTwin:
    """The twin that ``twin.form`` names, built from flat parameter values."""
    if values["twin.form"] == "delayed_feedback":
        return DelayedFeedbackTwin(values)
    if values["plan.policy"] == "predictive":
        # its model is learned online from a run's districts: no stock and flow stands for it
        raise TwinError("the twin has no predictive policy (its model is learned during a run); "
                        "solve the rule it starts from with --set plan.policy=pid")
    return GovernanceTwin(values)


@dataclass(frozen=True)
class Trajectory:
    """Stocks at every whole step, and the series they imply."""

    twin: Any
    t: np.ndarray        # (steps + 1,)
    states: np.ndarray   # (stocks, steps + 1)

    def to_frame(self) -> pd.DataFrame:
        """One row per step, with the agent recorder's column names where they exist."""
        return self.twin.frame(self.t, self.states)

    @property
    def final(self) -> np.ndarray:
        return self.states[:, -1]


def simulate(twin, steps: int, *, start: np.ndarray | None = None, method: str = "BDF",
             rtol: float = 1e-3, atol: float = 1e-5) -> Trajectory:
    """Solve ``twin`` from its initial state (or ``start``) for ``steps`` steps.

    BDF by default: the delay stages and the one-step adjustment of what agents
    do are fast beside need and trust (a stiff system), and an implicit method
    with the twin's own Jacobian takes steps of several model steps. At the
    default tolerances the stocks are within about 0.001 of a solve at rtol
    1e-6 (0.004 with repeated shocks), well inside the twin's distance from
    the agent model.
    """
    if steps < 1:
        raise TwinError(f"steps must be an integer >= 1, got {steps}")
    x = twin.initial() if start is None else np.asarray(start, float).copy()
    shocks = set(twin.shock_times(steps))
    cuts = sorted({0.0, float(steps), *shocks, *twin.forcing_changes(steps)})
    grid = np.arange(steps + 1, dtype=float)
    # implicit methods take the twin's own Jacobian rather than differencing every column
    jac = {"jac": twin.solver_jacobian} if method in ("BDF", "Radau", "LSODA") else {}
    out = np.empty((x.size, grid.size))
    out[:, 0] = x
    for a, b in itertools.pairwise(cuts):
        if a in shocks:
            x = twin.shock(x)
        inside = (grid > a) & (grid <= b)
        # the whole steps inside this stretch, and its end (where the next one starts)
        when = np.union1d(grid[inside], [b])
        sol = _solve(twin, (a, b), x, method, when, rtol, atol, jac)
        out[:, inside] = sol.y[:, np.isin(when, grid[inside])]
        x = sol.y[:, -1]
    return Trajectory(twin, grid, out)


def _solve(twin, span: tuple[float, float], x: np.ndarray, method: str, when: np.ndarray,
           rtol: float, atol: float, jac: dict[str, Any]) -> Any:
    """One smooth stretch with ``solve_ivp``; a failure is a :class:`TwinError`."""
    a, b = span
    rates = twin.rhs(a, x, twin.forcing(a))
    if not np.all(np.isfinite(rates)):
        names = _stock_names(twin)
        bad = ", ".join(names[j] for j in np.flatnonzero(~np.isfinite(rates))[:3])
        raise TwinError(f"the twin's flows are not finite at step {a:g} ({bad}) "
                        "with these settings")
    try:
        # an overflow means the stocks run away (a loop with too much gain for its
        # delay diverges): raised here, and refused below, rather than warned about
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            sol = solve_ivp(twin.rhs, span, x, method=method, t_eval=when,
                            args=(twin.forcing(a),), rtol=rtol, atol=atol, **jac)
    except FloatingPointError as exc:
        raise TwinError(f"the twin's stocks grow without bound between steps {a:g} and {b:g} "
                        f"with these settings ({exc}): the loop diverges") from exc
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        raise TwinError(f"the twin's solver failed between steps {a:g} and {b:g} "
                        f"with these settings: {exc}") from exc
    if not sol.success:
        # with t_eval, sol.t holds only the requested steps reached (maybe none)
        reached = float(sol.t[-1]) if len(sol.t) else a
        raise TwinError(f"the twin's solver stopped after step {reached:g} (solving from step "
                        f"{a:g} to {b:g}): {sol.message}")
    if not np.all(np.isfinite(sol.y)):
        raise TwinError(f"the twin's stocks became infinite between steps {a:g} and {b:g} "
                        "with these settings")
    return sol


def _stock_names(twin) -> list[str]:
    """A name for every entry of the state (delay stages by their chain)."""
    names = [f"stock {j}" for j in range(twin.size)]
    for name, j in twin.index.items():
        names[j] = name
    return names
