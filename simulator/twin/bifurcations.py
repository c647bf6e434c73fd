"""What a scan of equilibria shows, refined between the scanned values and put in words.

Along the branches of a :class:`~.equilibria.Scan` (see :func:`read`):

* **stability changes**: the leading eigenvalue's real part crosses zero
  (refined with ``brentq``); when it is a complex pair, oscillation sets in
  (a Hopf bifurcation: delay has won over damping);
* **swings**: on a branch that keeps its stability, the leading eigenvalue
  turns complex (or real again): the slowest way back to rest becomes a damped
  swing, the loop overshoots on its way back (refined by bisection);
* **folds**: a stable and an unstable branch meet and vanish between two
  scanned values, a tipping point;
* **coexistence**: the values where two or more stable states coexist
  (hysteresis: where the loop ends depends on where it started).

:class:`Findings` holds them; :mod:`.reading` says them in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize

from .delayed_feedback import DelayedFeedbackTwin
from .fixedpoints import FixedPoint, fixed_points, with_value
from .solve import make_twin

__all__ = ["Event", "Branch", "Findings", "read", "FLAT"]

#: A stock "barely moves" over a scan when its range is below this (relative to its size,
#: at least 1): a figure then shows how fast the loop returns to rest instead.
FLAT = 1e-3
#: Bisection narrows the value where swings set in to this share of the scan's step.
SWING_PRECISION = 1e-3


@dataclass(frozen=True)
class Event:
    """One change along a branch between the scanned values ``between``."""

    kind: str  # "stability", "swings" or "fold"
    value: float  # refined (a fold: the middle of ``between``)
    between: tuple[float, float]
    branch: str  # its letter (a fold: the two branches, e.g. "B+C")
    before: str  # the point's kind on the low side (a fold: "both" or "none" of the pair)
    after: str
    detail: dict[str, float] = field(default_factory=dict)  # period, damping ratio there

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "between": list(self.between),
                "branch": self.branch, "before": self.before, "after": self.after, **self.detail}


@dataclass(frozen=True)
class Branch:
    """One branch of fixed points: where it exists, what kinds it has, the shown stock's range."""

    letter: str
    low: float
    high: float
    kinds: tuple[str, ...]
    shown: tuple[float, float]
    divides: tuple[str, str] | None  # the stable branches whose basins it divides
    swing: tuple[tuple[float, float, float], ...]  # (value, damping ratio, period) of its least-damped swing

    def to_dict(self) -> dict[str, Any]:
        return {"branch": self.letter, "from": self.low, "to": self.high, "kinds": list(self.kinds),
                "shown": list(self.shown), "divides": list(self.divides) if self.divides else None}


@dataclass(frozen=True)
class Findings:
    """What a scan over ``key`` shows about the stock ``show``."""

    key: str
    grid: tuple[float, ...]
    show: str
    branches: tuple[Branch, ...]
    events: tuple[Event, ...]
    coexist: tuple[float, float] | None
    flat: bool  # the shown stock barely moves
    letters: dict[int, str]  # the letter of each branch number of the scan's table

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def boundaries(self) -> list[dict[str, Any]]:
        """The stability changes as ``{value, from, to, oscillatory, branch}``."""
        return [{"value": e.value, "from": e.before.split(",")[0], "to": e.after.split(",")[0],
                 "oscillatory": "oscillatory" in e.before + e.after, "branch": e.branch}
                for e in self.of("stability")]

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain values (for ``summary.json``)."""
        return {"branches": [b.to_dict() for b in self.branches],
                "stability_changes": [e.to_dict() for e in self.of("stability")],
                "swings": [e.to_dict() for e in self.of("swings")],
                "folds": [e.to_dict() for e in self.of("fold")],
                "two_stable_states": list(self.coexist) if self.coexist else None}


def read(values: Mapping[str, Any], scan: Any, show: str | None = None) -> Findings:
    """The findings of ``scan`` (a :class:`~.equilibria.Scan` of ``values``) about ``show``
    (default: expression, or x for the pure delayed-feedback loop)."""
    show = show or ("expression" if "expression" in scan.twins[0].index else "x")
    letters = _letters(scan, show)
    events: list[Event] = []
    for i in range(len(scan.grid) - 1):
        events += _changes(values, scan, i, letters)
        events += _folds(scan, i, letters)
    shown = [p.state[t.index[show]] for t, ps in zip(scan.twins, scan.points) for p in ps]
    flat = bool(np.ptp(shown) < FLAT * max(1.0, float(np.max(np.abs(shown))))) if shown else True
    branches = tuple(_branch(scan, b, letters, show) for b in sorted(letters, key=lambda b: letters[b]))
    return Findings(scan.key, tuple(scan.grid), show, branches, tuple(events), _coexisting(scan),
                    flat, letters)


def _letters(scan, show: str) -> dict[int, str]:
    """A letter for every branch, from the highest mean of ``show`` down (A on top)."""
    values: dict[int, list[float]] = {}
    for twin, points, ids in zip(scan.twins, scan.points, scan.branch):
        for p, b in zip(points, ids):
            values.setdefault(b, []).append(p.state[twin.index[show]])
    order = sorted(values, key=lambda b: -np.mean(values[b]))
    return {b: _letter(n) for n, b in enumerate(order)}


def _letter(n: int) -> str:
    return chr(ord("A") + n) if n < 26 else f"A{n}"


def _on(scan, i: int, branch: int) -> int | None:
    """The index of ``branch``'s point at value ``i``, or ``None``."""
    ids = scan.branch[i]
    return ids.index(branch) if branch in ids else None


def _branch(scan, b: int, letters: dict[int, str], show: str) -> Branch:
    where = [(i, _on(scan, i, b)) for i in range(len(scan.grid)) if _on(scan, i, b) is not None]
    points = [scan.points[i][k] for i, k in where]
    kinds = tuple(dict.fromkeys(p.kind for p in points))
    level = [p.state[scan.twins[i].index[show]] for (i, _), p in zip(where, points)]
    swing = tuple((scan.grid[i], p.damping_ratio, p.swing_period) for (i, _), p in zip(where, points)
                  if p.stable and np.isfinite(p.damping_ratio))
    return Branch(letters[b], scan.grid[where[0][0]], scan.grid[where[-1][0]], kinds,
                  (float(min(level)), float(max(level))), _divides(scan, b, letters, where), swing)


def _divides(scan, b: int, letters: dict[int, str], where) -> tuple[str, str] | None:
    """The two stable branches an unstable one lies between, at every value it exists."""
    pairs = set()
    for i, k in where:
        p, twin = scan.points[i][k], scan.twins[i]
        if p.stable or twin.form != "loop":
            return None
        level = twin.index["expression"]
        below = [(q.state[level], c) for q, c in zip(scan.points[i], scan.branch[i])
                 if q.stable and q.state[level] < p.state[level]]
        above = [(q.state[level], c) for q, c in zip(scan.points[i], scan.branch[i])
                 if q.stable and q.state[level] > p.state[level]]
        if not below or not above:
            return None
        pairs.add((letters[min(above)[1]], letters[max(below)[1]]))
    return next(iter(pairs)) if len(pairs) == 1 else None


def _changes(values, scan, i: int, letters: dict[int, str]) -> list[Event]:
    """Stability changes and swings along every branch between values ``i`` and ``i + 1``."""
    out = []
    for ka, b in enumerate(scan.branch[i]):
        kb = _on(scan, i + 1, b)
        if kb is None:
            continue
        pa, pb = scan.points[i][ka], scan.points[i + 1][kb]
        between = (scan.grid[i], scan.grid[i + 1])
        if pa.stable != pb.stable:
            where = _stability_change(values, scan, i, ka, kb)
            out.append(Event("stability", where, between, letters[b], pa.kind, pb.kind))
        elif pa.oscillatory != pb.oscillatory:
            where = _bisect(values, scan, i, ka, kb, lambda p: p.oscillatory)
            # the swing at the scanned value that has it (where it just began, its period is
            # unbounded: two real modes meet there)
            swing = pb if pb.oscillatory else pa
            out.append(Event("swings", where, between, letters[b], pa.kind, pb.kind,
                             {"period": swing.period, "damping_ratio": swing.damping_ratio}))
    return out


def _folds(scan, i: int, letters: dict[int, str]) -> list[Event]:
    """A stable and an unstable branch that end (or begin) together between values ``i`` and ``i + 1``."""
    out = []
    for side, other in ((i, i + 1), (i + 1, i)):
        ending = [(b, p) for b, p in zip(scan.branch[side], scan.points[side])
                  if b not in scan.branch[other]]
        stable = [b for b, p in ending if p.stable]
        unstable = [b for b, p in ending if not p.stable]
        for s, u in zip(stable, unstable):
            pair = "+".join(sorted((letters[s], letters[u])))
            # going up the scan, the pair vanishes ("both" -> "none") or appears
            before, after = ("both", "none") if side == i else ("none", "both")
            out.append(Event("fold", 0.5 * (scan.grid[i] + scan.grid[i + 1]),
                             (scan.grid[i], scan.grid[i + 1]), pair, before, after))
    return out


def _coexisting(scan) -> tuple[float, float] | None:
    """The range of the scan over which two or more stable fixed points coexist."""
    both = [g for g, points in zip(scan.grid, scan.points) if sum(p.stable for p in points) >= 2]
    return (float(min(both)), float(max(both))) if both else None


# -- refining between two scanned values ----------------------------------------------------
class _Lost(Exception):
    """The branch could not be followed to a value between two scanned ones."""


def _between(values, scan, i: int, ka: int, kb: int):
    """The point of one branch at any value between ``grid[i]`` and ``grid[i + 1]``,
    from the mix of its two scanned points (``None`` if the root finder loses it)."""
    a, b = scan.grid[i], scan.grid[i + 1]
    pa, pb = scan.points[i][ka], scan.points[i + 1][kb]

    def at(value: float) -> FixedPoint | None:
        twin = make_twin(with_value(values, scan.key, value))
        if isinstance(twin, DelayedFeedbackTwin):
            points = fixed_points(twin)
            return points[0] if points else None
        w = (value - a) / (b - a)
        seed = (1 - w) * twin.embed(scan.twins[i], pa.state) + w * twin.embed(scan.twins[i + 1], pb.state)
        points = fixed_points(twin, [seed], effort=150)
        # a point far from the mix belongs to another branch
        near = [p for p in points if np.max(np.abs(p.state - seed)[: len(twin.index)]) < 0.15]
        return near[0] if near else None

    return at


def _stability_change(values, scan, i: int, ka: int, kb: int) -> float:
    """Where the leading eigenvalue's real part crosses zero (``brentq``; the midpoint if lost)."""
    at = _between(values, scan, i, ka, kb)
    a, b = scan.grid[i], scan.grid[i + 1]

    def leading_real(value: float) -> float:
        point = at(value)
        if point is None:
            raise _Lost
        return point.leading.real

    try:
        return float(optimize.brentq(leading_real, a, b, xtol=1e-6 * max(1.0, abs(a))))
    except (_Lost, ValueError):  # the branch moved between the two values: keep the midpoint
        return 0.5 * (a + b)


def _bisect(values, scan, i: int, ka: int, kb: int, test) -> float:
    """Where ``test`` of the branch's point flips between values ``i`` and ``i + 1``, by
    bisection (to :data:`SWING_PRECISION` of the step, or as far as the branch is followed)."""
    at = _between(values, scan, i, ka, kb)
    a, b = scan.grid[i], scan.grid[i + 1]
    low = test(scan.points[i][ka])
    while b - a > SWING_PRECISION * (scan.grid[i + 1] - scan.grid[i]):
        middle = 0.5 * (a + b)
        point = at(middle)
        if point is None:
            break
        if test(point) == low:
            a = middle
        else:
            b = middle
    return 0.5 * (a + b)
