"""Fixed points of a twin: where every flow balances, and whether the loop stays there.

A fixed point is a state where every rate of change is zero. It is found with
``scipy.optimize.root`` from several starts: the scenario's own starting state,
where a run from it ends up, and a society already in open unrest. Its
stability is read from the eigenvalues of the Jacobian (the linearised loop)
at that point:

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
*for* the structure it has (a fast-slow split). Following them over a
parameter is :mod:`.equilibria`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from .solve import simulate

__all__ = ["FixedPoint", "jacobian", "fixed_points", "default_starts", "with_value", "same_point"]

#: Two solutions closer than this in every stock are the same fixed point.
SAME = 1e-5


def same_point(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two states are the same fixed point (within :data:`SAME` in every stock)."""
    return a.shape == b.shape and bool(np.max(np.abs(a - b)) < SAME)


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

    @property
    def swing(self) -> complex | None:
        """The least-damped complex eigenvalue (leading or not), or ``None``: the
        swing a disturbance sets off that dies away most slowly. A pair split by
        rounding (a repeated real eigenvalue) is no swing: its part must be at
        least 1e-3 of its size (a damping ratio below 0.9999995)."""
        ev = self.eigenvalues
        ev = ev[np.abs(ev.imag) > 1e-3 * np.abs(ev)]
        return complex(ev[np.argmax(ev.real)]) if ev.size else None

    @property
    def damping_ratio(self) -> float:
        """Damping ratio ``-re / |lambda|`` of :attr:`swing` (NaN without one):
        near 1 a swing barely overshoots, at 0 it never dies away, below 0 it grows."""
        s = self.swing
        return -s.real / abs(s) if s is not None else float("nan")

    @property
    def swing_period(self) -> float:
        """Period, in steps, of :attr:`swing` (NaN without one)."""
        s = self.swing
        return 2 * np.pi / abs(s.imag) if s is not None else float("nan")


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


def default_starts(twin) -> list[np.ndarray]:
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
    """Every distinct fixed point reached from ``starts`` (default: :func:`default_starts`).

    A point already in ``known`` is returned as it is, not linearised again.
    ``effort`` caps the flow evaluations per start (a start next to a root
    needs about ten; one whose branch has ended would search for long).
    """
    found: list[FixedPoint] = []
    if twin.form == "delayed_feedback":  # linear: the goal is its only fixed point
        return [_linearise(twin, np.zeros(twin.size))]
    starts = list(starts) if starts is not None else default_starts(twin)
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
        if any(same_point(x, f.state) for f in found):
            continue
        same = [k for k in known if same_point(x, k.state)]
        found.append(same[0] if same else _linearise(twin, x))
    return found


def with_value(values: Mapping[str, Any], key: str, value: float) -> dict[str, Any]:
    """``values`` with ``key`` set to ``value``; the twin takes delays as real numbers."""
    out = dict(values)
    out[key] = round(value) if key == "twin.stages" else value
    return out


