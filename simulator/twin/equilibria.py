"""Equilibria over a parameter: every branch of fixed points, followed across a scan.

A *scan* finds the fixed points (:mod:`.fixedpoints`) at every value of one
parameter and joins them into branches: the bifurcation diagram, with its
stable and unstable branches, where they swing, and where two stable states
coexist (hysteresis). What those branches show, in words, is
:mod:`.bifurcations`' job.

Finding every branch is the hard part: a root finder only finds the point
nearest its start. So every value's points seed its neighbours', up the grid
and down it, round after round until no new point turns up (natural
continuation in both directions: a branch is followed from either side to
the fold where it ends); fresh starts at both ends, every :data:`EVERY`
values and wherever nothing was found open branches that continuation cannot
reach; and where two stable states coexist with nothing unstable between
them, the point that divides their basins is looked for from mixtures of
the two.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .fixedpoints import FixedPoint, default_starts, fixed_points, jacobian, same_point, with_value
from .solve import TwinError, make_twin

__all__ = ["FixedPoint", "Scan", "jacobian", "fixed_points", "follow", "scan", "boundaries",
           "with_value"]

#: Fresh starts every this many values, besides both ends and wherever nothing was found.
EVERY = 25
#: Rounds of continuation at most; each goes up the grid and down it (two or three suffice).
ROUNDS = 6
#: Flow evaluations for a start carried over from a neighbour: one next to its root needs
#: about ten; a failed one is tried again with more, past a sharp turn of its branch.
SHORT, LONG = 40, 150
#: Points at neighbouring values are one branch when no share differs by more than this
#: (a branch near its fold moves about 0.1 a step of 0.025; a jump between states, 0.3).
LINK = 0.15


@dataclass(frozen=True)
class Scan:
    """The fixed points of a twin at every value of one parameter, joined into branches.

    ``points[i]`` are the points at ``grid[i]`` (quietest first for the
    governance loop), ``branch[i][k]`` the branch of ``points[i][k]`` and
    ``twins[i]`` the twin they belong to.
    """

    key: str
    grid: list[float]
    twins: list[Any]
    points: list[list[FixedPoint]]
    branch: list[list[int]]

    def to_frame(self) -> pd.DataFrame:
        """One row per fixed point: the value, its branch, kind, leading eigenvalue, least-damped
        swing and every stock of the twin's core."""
        rows: list[dict[str, Any]] = []
        for value, twin, points, branch in zip(self.grid, self.twins, self.points, self.branch):
            for j, (p, b) in enumerate(zip(points, branch)):
                lead = p.leading
                row = {self.key: value, "point": j, "branch": b, "kind": p.kind, "stable": p.stable,
                       "oscillatory": p.oscillatory, "leading_real": lead.real,
                       "leading_imag": abs(lead.imag), "period": p.period,
                       "damping_ratio": p.damping_ratio, "swing_period": p.swing_period}
                row.update({name: float(p.state[i]) for name, i in twin.index.items()})
                if twin.form == "loop":  # the estimate Analyze acts on (the stock lags it)
                    row["tension"] = float(twin.flows(p.state)["tension"])
                rows.append(row)
        return pd.DataFrame(rows)


def follow(values: Mapping[str, Any], key: str, grid: Sequence[float]) -> Scan:
    """Every branch of fixed points over ``key`` at each value in ``grid``."""
    grid = [float(g) for g in grid]
    twins = [make_twin(with_value(values, key, g)) for g in grid]
    if twins[0].form == "delayed_feedback":  # linear: one point, the goal
        points = [fixed_points(t) for t in twins]
    else:
        level = twins[0].index["expression"]
        points = [sorted(p, key=lambda q: q.state[level]) for p in _continue(twins)]
    if not any(points):
        raise TwinError(f"no fixed point found for any value of {key}")
    return Scan(key, grid, twins, points, _link(twins, points))


def scan(values: Mapping[str, Any], key: str, grid: Sequence[float]) -> pd.DataFrame:
    """Fixed points and their stability over ``key``: :func:`follow` as a table.

    One row per fixed point; ``point`` numbers the points at each value from
    the quietest (lowest expression) up, ``branch`` joins them across values.
    """
    return follow(values, key, grid).to_frame()


def boundaries(values: Mapping[str, Any], key: str, table: pd.DataFrame | Scan) -> list[dict[str, Any]]:
    """Values of ``key`` where a branch changes stability, refined with ``brentq``.

    ``table`` is a :class:`Scan` or the table :func:`scan` made (whose grid is
    then followed again: refining needs the points' whole states).
    """
    from .bifurcations import read

    found = table if isinstance(table, Scan) else follow(values, key, sorted(table[key].unique()))
    return read(values, found).boundaries()


# -- continuation -------------------------------------------------------------------------
def _continue(twins: list[Any]) -> list[list[FixedPoint]]:
    """The fixed points at every value, each value's seeding its neighbours' until none is new."""
    n = len(twins)
    found: list[list[FixedPoint]] = [[] for _ in twins]
    base = default_starts(twins[0])  # a run settles once, at the first value
    for i in sorted({0, n - 1, *range(0, n, EVERY)}):
        _add(found[i], fixed_points(twins[i], [twins[i].embed(twins[0], x) for x in base],
                                    known=found[i], effort=LONG))
    tried: set[tuple[int, int, int]] = set()  # (from value, point there, to value)
    searched: set[tuple[int, int]] = set()  # (value, its stable points) a divide was sought for
    rescued: set[int] = set()
    for _ in range(ROUNDS):
        added = 0
        for order in (range(n), range(n - 1, -1, -1)):
            for j, i in itertools.pairwise(order):
                added += _from_neighbour(twins, found, j, i, tried)
        for i in range(n):
            if not found[i] and i not in rescued:  # its own starts, run to rest at this value
                rescued.add(i)
                added += _add(found[i], fixed_points(twins[i], effort=LONG))
        # once continuation has nothing new, a divide found at one value is followed to the rest
        if not added and not _divides(twins, found, searched):
            break
    return found


def _add(points: list[FixedPoint], new: Sequence[FixedPoint]) -> int:
    """Append the points of ``new`` not yet in ``points``; how many were."""
    count = 0
    for p in new:
        if not any(same_point(p.state, q.state) for q in points):
            points.append(p)
            count += 1
    return count


def _from_neighbour(twins, found, j: int, i: int, tried: set[tuple[int, int, int]]) -> int:
    """Continue every point at value ``j`` not yet carried to value ``i``."""
    added = 0
    shares = _shares(twins[i])
    for k, p in enumerate(found[j]):
        if (j, k, i) in tried:
            continue
        tried.add((j, k, i))
        start = twins[i].embed(twins[j], p.state)
        for effort in (SHORT, LONG):
            got = fixed_points(twins[i], [start], known=found[i], effort=effort)
            if got:
                break
        added += _add(found[i], got)
        for q in got:  # the same branch, one step on: carrying it back would find p again
            if np.max(np.abs(q.state[shares] - p.state[shares])) <= LINK:
                m = next(m for m, r in enumerate(found[i]) if r is q)
                tried.add((i, m, j))
    return added


def _divides(twins, found, searched: set[tuple[int, int]]) -> int:
    """At the first value where two stable states coexist with nothing unstable between
    them, look for the point that divides their basins (the middle of an S-shaped diagram)
    from mixes of the two weighted towards the quieter one, where the divide usually lies;
    on to the next such value only if none is found. Returns how many points were added."""
    level = twins[0].index["expression"]
    for i, points in enumerate(found):
        stable = sorted((p for p in points if p.stable), key=lambda p: p.state[level])
        if len(stable) < 2 or (i, len(stable)) in searched:
            continue
        searched.add((i, len(stable)))
        low, high = stable[0].state[level], stable[-1].state[level]
        if any(not p.stable and low < p.state[level] < high for p in points):
            continue
        mixes = [w * stable[0].state + (1 - w) * stable[-1].state for w in (0.85, 0.6)]
        added = _add(points, fixed_points(twins[i], mixes, known=points, effort=100))
        if added:
            return added
    return 0


# -- branches -----------------------------------------------------------------------------
def _shares(twin) -> list[int]:
    """The stocks two points of one branch are compared by: shares, in [0, 1]."""
    if twin.form != "loop":
        return list(twin.index.values())
    return [twin.index[k] for k in ("need", "trust", "expression", "participation")]


def _link(twins: list[Any], points: list[list[FixedPoint]]) -> list[list[int]]:
    """A branch number for every point: points at neighbouring values are joined
    closest pair first, when no share differs by more than :data:`LINK`."""
    ids: list[list[int]] = []
    count = 0
    for i, here in enumerate(points):
        mine = [-1] * len(here)
        if i:
            shares = _shares(twins[i])
            pairs = sorted((float(np.max(np.abs(a.state[shares] - b.state[shares]))), ka, kb)
                           for ka, a in enumerate(points[i - 1]) for kb, b in enumerate(here))
            taken: set[int] = set()
            for gap, ka, kb in pairs:
                if gap <= LINK and ka not in taken and mine[kb] < 0:
                    taken.add(ka)
                    mine[kb] = ids[i - 1][ka]
        for kb in range(len(here)):
            if mine[kb] < 0:
                mine[kb], count = count, count + 1
        ids.append(mine)
    return ids
