"""Equilibria of the twin: where the loop balances, and whether it stays there.

A fixed point is a state where every flow balances (all rates of change
zero). It is found with ``scipy.optimize.root`` from several starts: the
scenario's own starting state, where a run from it ends up, and a society
already in open unrest. Its stability is read from the eigenvalues of the
Jacobian (the linearised loop) at that point:

* every eigenvalue with a negative real part: **stable**; if the leading one
  is a complex pair, the loop returns to rest with damped swings
  (**stable, oscillatory**);
* a real eigenvalue above zero: **unstable** (a tipping point between two
  basins);
* a complex pair above zero: **unstable, oscillatory**: the loop overshoots
  more on every swing until its bounds stop it (a Hopf bifurcation has
  happened: delay has won over damping).

Stocks that cannot move under the scenario's settings (a switched-off
objective's reserve, the trust anchor) are left out, and so is the
structure that self-configuring rebuilds on the slowest time scale
(capacity, information sharing): the fixed points are those of the loop
*for* the structure it has (a fast-slow split).

A *scan* repeats this over a parameter, following each branch from the
previous value (natural continuation), which gives the bifurcation diagram:
stable and unstable branches, the onset of oscillation, and where two
stable states coexist (hysteresis).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from .trajectory import TwinError, make_twin, simulate

__all__ = ["FixedPoint", "jacobian", "fixed_points", "scan", "boundaries", "with_value"]


@dataclass(frozen=True)
class FixedPoint:
    """One equilibrium of a twin, and the eigenvalues of its linearisation."""

    state: np.ndarray
    eigenvalues: np.ndarray

    @property
    def leading(self) -> complex:
        """The eigenvalue with the largest real part."""
        return complex(self.eigenvalues[np.argmax(self.eigenvalues.real)])

    @property
    def stable(self) -> bool:
        return self.leading.real < 0

    @property
    def oscillatory(self) -> bool:
        return abs(self.leading.imag) > 1e-9

    @property
    def kind(self) -> str:
        word = "stable" if self.stable else "unstable"
        return word + (", oscillatory" if self.oscillatory else "")

    @property
    def period(self) -> float:
        """Period, in steps, of the leading swing (inf when it does not swing)."""
        return 2 * np.pi / abs(self.leading.imag) if self.oscillatory else float("inf")


def jacobian(twin, x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Jacobian of the twin's flows at ``x`` (central differences, or exact if known)."""
    if hasattr(twin, "jacobian"):
        return twin.jacobian()
    n = x.size
    J = np.empty((n, n))
    for j in range(n):
        h = step * max(1.0, abs(x[j]))
        up, down = x.copy(), x.copy()
        up[j] += h
        down[j] -= h
        J[:, j] = (twin.rhs(0.0, up) - twin.rhs(0.0, down)) / (2 * h)
    return J


def _moving_stocks(twin) -> np.ndarray:
    """The stocks a root finder may move (see :func:`_moving`), once per twin."""
    cached = getattr(twin, "_moving_cache", None)
    if cached is None:
        cached = _moving(jacobian(twin, twin.initial()), twin)
        twin._moving_cache = cached
    return cached


#: The structure self-configuring rebuilds on its slowest time scale: the
#: equilibria of the loop are those *for* a given structure (a fast-slow split).
SLOW = ("capacity", "sharing")


def _moving(J: np.ndarray, twin=None) -> np.ndarray:
    """Indices of stocks that can move: a stock whose row is all zero is a
    constant, and the slow structure is held where it is."""
    moving = np.abs(J).sum(axis=1) > 0
    if twin is not None and twin.form == "loop":
        moving[[twin.index[name] for name in SLOW]] = False
    return np.flatnonzero(moving)


def _linearise(twin, x: np.ndarray) -> FixedPoint:
    J = jacobian(twin, x)
    keep = _moving_stocks(twin) if twin.form == "loop" else _moving(J, twin)
    return FixedPoint(state=x, eigenvalues=np.linalg.eigvals(J[np.ix_(keep, keep)]))


def _starts(twin) -> list[np.ndarray]:
    """The scenario's start, where a run from it settles, and open unrest."""
    x0 = twin.initial()
    starts = [x0]
    if twin.form == "loop":
        slow = [twin.index[name] for name in SLOW]
        settled = simulate(twin, 300, rtol=1e-3, atol=1e-5).final
        starts.append(settled)
        unrest = settled.copy()
        i = twin.index
        unrest[i["trust"]] = max(0.0, settled[i["trust"]] - 0.4)
        unrest[i["expression"]] = 0.6
        unrest[i["need"]] = min(1.0, settled[i["need"]] + 0.3)
        starts.append(unrest)
        starts.append(0.5 * (settled + unrest))  # between the two: where a saddle would be
        for start in starts:  # every start has the scenario's structure
            start[slow] = x0[slow]
    return starts


def _admissible(twin, x: np.ndarray) -> bool:
    """Shares and levels stay within [0, 1] (a little slack for the solver)."""
    if twin.form != "loop":
        return bool(np.all(np.isfinite(x)))
    i = twin.index
    bounded = [i[k] for k in ("need", "trust", "expression", "participation", "removed",
                              "fatigue", "sharing", "alignment")]
    return bool(np.all(np.isfinite(x)) and np.all(x[bounded] > -1e-6) and np.all(x[bounded] < 1 + 1e-6))


def fixed_points(twin, starts: Sequence[np.ndarray] | None = None, tol: float = 1e-8) -> list[FixedPoint]:
    """Every distinct fixed point reached from ``starts`` (default: :func:`_starts`)."""
    found: list[FixedPoint] = []
    if twin.form == "delayed_feedback":  # linear: the goal is its only fixed point
        return [_linearise(twin, np.zeros(twin.size))]
    starts = list(starts) if starts is not None else _starts(twin)
    # stocks that cannot move (the trust anchor, a switched-off reserve) stay put
    fresh = twin.initial()
    moving = _moving_stocks(twin)
    fixed = np.setdiff1d(np.arange(twin.size), moving)
    for start in starts:
        x = start.copy()
        x[fixed] = fresh[fixed]  # constants and the structure: this scenario's own

        def residual(part: np.ndarray) -> np.ndarray:
            x[moving] = part
            return twin.rhs(0.0, x)[moving]

        sol = optimize.root(residual, start[moving], method="hybr", tol=1e-12)
        x[moving] = sol.x
        if np.max(np.abs(twin.rhs(0.0, x)[moving])) > tol or not _admissible(twin, x):
            continue
        if any(np.max(np.abs(x - f.state)) < 1e-5 for f in found):
            continue
        found.append(_linearise(twin, x))
    return found


def with_value(values: Mapping[str, Any], key: str, value: float) -> dict[str, Any]:
    """``values`` with ``key`` set to ``value``; the twin takes delays as real numbers."""
    out = dict(values)
    out[key] = int(round(value)) if key == "twin.stages" else value
    return out


def scan(values: Mapping[str, Any], key: str, grid: Sequence[float]) -> pd.DataFrame:
    """Fixed points and their stability over ``key`` at each value in ``grid``.

    Returns one row per fixed point: the value, every stock of the twin's
    core, the kind, the leading eigenvalue and the period of its swing.
    Each value starts from the fixed points of the previous one, so that a
    branch is followed as far as it exists (and past a fold, the other
    starts pick up the branch that remains).
    """
    rows: list[dict[str, Any]] = []
    previous: list[np.ndarray] = []
    last = first = base = None
    for value in grid:
        twin = make_twin(with_value(values, key, float(value)))
        if twin.form == "delayed_feedback":
            points = fixed_points(twin)
        else:
            # follow the branches found at the last value, and look again from
            # the first value's quiet, unrest and in-between states
            if base is None:
                base, first = _starts(twin), twin
            starts = [twin.embed(last, x) for x in previous] + [twin.embed(first, x) for x in base]
            points = fixed_points(twin, starts)
            if not points:  # lost every branch: start afresh
                points = fixed_points(twin, _starts(twin))
        previous, last = [p.state for p in points], twin
        for j, p in enumerate(points):
            lead = p.leading
            row = {key: float(value), "point": j, "kind": p.kind, "stable": p.stable,
                   "oscillatory": p.oscillatory, "leading_real": lead.real,
                   "leading_imag": abs(lead.imag), "period": p.period}
            row.update({name: float(p.state[i]) for name, i in twin.index.items()})
            rows.append(row)
    if not rows:
        raise TwinError(f"no fixed point found for any value of {key}")
    return pd.DataFrame(rows)


def boundaries(values: Mapping[str, Any], key: str, table: pd.DataFrame) -> list[dict[str, Any]]:
    """Values of ``key`` where a branch changes stability, refined by bisection.

    Looks along the first branch (``point == 0``) for a change of sign in the
    leading eigenvalue's real part between neighbouring values of the scan,
    then narrows it with ``scipy.optimize.brentq``.
    """
    branch = table[table["point"] == 0].sort_values(key)
    xs, re = branch[key].to_numpy(), branch["leading_real"].to_numpy()
    found = []
    for a, b, ra, rb in zip(xs[:-1], xs[1:], re[:-1], re[1:]):
        if np.sign(ra) == np.sign(rb) or ra == 0:
            continue

        def leading_real(value: float) -> float:
            twin = make_twin(with_value(values, key, value))
            points = fixed_points(twin)
            return min((p.leading.real for p in points), key=abs) if points else np.nan

        try:
            where = optimize.brentq(leading_real, a, b, xtol=1e-6 * max(1.0, abs(a)))
        except ValueError:  # the branch moved between the two values: keep the midpoint
            where = 0.5 * (a + b)
        found.append({"value": float(where), "from": "stable" if ra < 0 else "unstable",
                      "to": "unstable" if ra < 0 else "stable",
                      "oscillatory": bool(branch.loc[branch[key] == b, "oscillatory"].iloc[0]
                                          or branch.loc[branch[key] == a, "oscillatory"].iloc[0])})
    return found
