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

from .delayed_feedback import DelayedFeedbackTwin
from .solve import TwinError, make_twin, simulate

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


def jacobian(twin, x: np.ndarray) -> np.ndarray:
    """Jacobian of the twin's flows at ``x``: the twin's own (exact for the pure
    loop; for the governance loop, delay stages exact and the rest differenced)."""
    return twin.solver_jacobian(0.0, x)


#: The structure self-configuring rebuilds on its slowest time scale: the
#: equilibria of the loop are those *for* a given structure (a fast-slow split).
SLOW = ("capacity", "sharing")


def _moving_stocks(twin) -> np.ndarray:
    """The stocks a root finder may move: not a constant, not the slow structure."""
    held = {twin.index[name] for name in (*twin.constant_stocks(), *SLOW)}
    return np.array([j for j in range(twin.size) if j not in held])


def _moving(J: np.ndarray, twin=None) -> np.ndarray:
    """Indices of stocks that can move: a stock whose row is all zero is a
    constant, and the slow structure is held where it is."""
    moving = np.abs(J).sum(axis=1) > 0
    if twin is not None and twin.form == "loop":
        moving[[twin.index[name] for name in SLOW]] = False
    return np.flatnonzero(moving)


def _linearise(twin, x: np.ndarray) -> FixedPoint:
    J = jacobian(twin, x)
    keep = _moving(J, twin)
    if twin.form == "loop":
        keep = np.intersect1d(keep, _moving_stocks(twin))
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


def fixed_points(twin, starts: Sequence[np.ndarray] | None = None, tol: float = 1e-8,
                 known: Sequence[FixedPoint] = (), effort: int | None = None) -> list[FixedPoint]:
    """Every distinct fixed point reached from ``starts`` (default: :func:`_starts`).

    A point already in ``known`` is returned as it is, not linearised again.
    ``effort`` caps the flow evaluations per start (a start next to a root
    needs about ten; one whose branch has ended would search for long).
    """
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

        def residual(part: np.ndarray, x: np.ndarray = x) -> np.ndarray:
            x[moving] = part
            return twin.rhs(0.0, x)[moving]

        def slope(part: np.ndarray, x: np.ndarray = x) -> np.ndarray:
            x[moving] = part
            return jacobian(twin, x)[np.ix_(moving, moving)]

        options = {"maxfev": effort} if effort else {}
        sol = optimize.root(residual, start[moving], jac=slope, method="hybr", tol=1e-12,
                            options=options)
        x[moving] = sol.x
        if np.max(np.abs(twin.rhs(0.0, x)[moving])) > tol or not _admissible(twin, x):
            continue
        if any(np.max(np.abs(x - f.state)) < 1e-5 for f in found):
            continue
        same = [k for k in known if np.max(np.abs(x - k.state)) < 1e-5]
        found.append(same[0] if same else _linearise(twin, x))
    return found


def with_value(values: Mapping[str, Any], key: str, value: float) -> dict[str, Any]:
    """``values`` with ``key`` set to ``value``; the twin takes delays as real numbers."""
    out = dict(values)
    out[key] = round(value) if key == "twin.stages" else value
    return out


def scan(values: Mapping[str, Any], key: str, grid: Sequence[float]) -> pd.DataFrame:
    """Fixed points and their stability over ``key`` at each value in ``grid``.

    Returns one row per fixed point: the value, every stock of the twin's
    core, the kind, the leading eigenvalue and the period of its swing.
    Branches are followed by natural continuation, each value starting from
    the fixed points of the one before, once up the grid and once down it:
    a branch that ends at a fold going one way is picked up from the other
    end, which is what finds both arms of a hysteresis loop. Points are
    numbered per value from the quietest (lowest expression) up.
    """
    grid = [float(g) for g in grid]
    found: dict[float, list[FixedPoint]] = {g: [] for g in grid}
    twins: dict[float, Any] = {}
    for order in (grid, grid[::-1]):
        _follow(values, key, order, found, twins)
    _saddles(found, twins)
    rows: list[dict[str, Any]] = []
    for value in grid:
        twin = twins[value]
        points = found[value]
        if twin.form == "loop":
            points = sorted(points, key=lambda p: p.state[twin.index["expression"]])
        for j, p in enumerate(points):
            lead = p.leading
            row = {key: value, "point": j, "kind": p.kind, "stable": p.stable,
                   "oscillatory": p.oscillatory, "leading_real": lead.real,
                   "leading_imag": abs(lead.imag), "period": p.period}
            row.update({name: float(p.state[i]) for name, i in twin.index.items()})
            if twin.form == "loop":  # the estimate Analyze acts on (the stock lags it)
                row["tension"] = float(twin.flows(p.state)["tension"])
            rows.append(row)
    if not rows:
        raise TwinError(f"no fixed point found for any value of {key}")
    return pd.DataFrame(rows)


def _saddles(found, twins) -> None:
    """Where two stable states coexist, look between them for the unstable one
    that divides their basins (the middle branch of an S-shaped diagram): from
    the saddle found at the neighbouring value, else from mixes of the two
    states weighted towards the quieter one, where the divide usually lies."""
    last, saddle = None, None
    for value, points in found.items():
        twin = twins[value]
        stable = [p for p in points if p.stable]
        if twin.form != "loop" or len(stable) < 2:
            last, saddle = twin, None
            continue
        i = twin.index["expression"]
        quiet, loud = sorted(stable, key=lambda p: p.state[i])[:2]
        mixes = [w * quiet.state + (1 - w) * loud.state for w in (0.85, 0.6)]
        tries = [[twin.embed(last, saddle)], mixes] if saddle is not None else [mixes]
        saddle = None
        for starts in tries:  # the neighbour's saddle first; the mixes only if that fails
            for p in fixed_points(twin, starts, known=points, effort=100):
                if not p.stable and not any(np.max(np.abs(p.state - q.state)) < 1e-5 for q in points):
                    points.append(p)
                    saddle = p.state
            if saddle is not None:
                break
        last = twin


def _follow(values, key, order, found, twins, every: int = 25) -> None:
    """Continue every branch along ``order``, adding new points to ``found``."""
    previous: list[np.ndarray] = []
    last = first = base = None
    for n, value in enumerate(order):
        twin = twins.get(value) or make_twin(with_value(values, key, value))
        twins[value] = twin
        if isinstance(twin, DelayedFeedbackTwin):
            if not found[value]:
                found[value] = fixed_points(twin)
            continue
        if base is None or first is None:
            base, first = _starts(twin), twin
        # a branch followed from the last value is next to its root: a short search
        points: list[FixedPoint] = fixed_points(twin, [twin.embed(last, x) for x in previous],
                              known=found[value], effort=40) if previous and last is not None else []
        if n % every == 0 or not (points or found[value]):  # look afresh now and then
            points += fixed_points(twin, [twin.embed(first, x) for x in base],
                                   known=[*found[value], *points], effort=150)
            points = [p for j, p in enumerate(points)
                      if not any(np.max(np.abs(p.state - q.state)) < 1e-5 for q in points[:j])]
        for p in points:
            if not any(np.max(np.abs(p.state - q.state)) < 1e-5 for q in found[value]):
                found[value].append(p)
        previous, last = [p.state for p in points], twin


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
