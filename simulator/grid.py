"""Space: the toroidal grid, its districts, and neighbourhood sums.

The grid is ``side x side`` cells on a torus (no edges). It is cut into
``k x k`` rectangular districts, the grid-management cells of the loop.
Neighbourhood counts (how many expressers or patrols an agent can see) are
box sums over a square of radius ``vision``, computed for every cell at once
with cumulative sums, so their cost does not grow with the radius.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Grid", "box_sum", "cross_sum", "diamond_sum", "neighbourhood_sum"]


def box_sum(field: np.ndarray, radius: int) -> np.ndarray:
    """Sum of ``field`` over the (2r+1)^2 square around every cell, on a torus.

    The centre cell is included. ``field`` is a 2-D array; the result has
    the same shape and an integer or float dtype like the input.
    """
    if radius <= 0:
        return field.copy()
    # a window wider than the torus would count cells twice: clip it
    radius = min(radius, (min(field.shape) - 1) // 2)
    if radius <= 0:
        return field.copy()
    acc = field.dtype if field.dtype.kind == "f" else np.int32
    out = _line_sum(field.astype(acc, copy=False), radius, axis=0)
    return _line_sum(out, radius, axis=1)


def diamond_sum(field: np.ndarray, radius: int) -> np.ndarray:
    """Sum over the von Neumann diamond ``|dx| + |dy| <= r`` around every cell, on a torus.

    Built from one cumulative sum along each row: the diamond is a stack of
    horizontal segments whose half-width shrinks by one per row away from
    the centre, so the cost grows with the radius but stays vectorised.
    """
    radius = min(radius, (min(field.shape) - 1) // 2)
    if radius <= 0:
        return field.copy()
    acc = field.dtype if field.dtype.kind == "f" else np.int32
    field = field.astype(acc, copy=False)
    rows = [_line_sum(field, radius - abs(dy), axis=1) if radius - abs(dy) > 0 else field
            for dy in range(-radius, radius + 1)]
    out = np.zeros_like(field)
    for dy, row in zip(range(-radius, radius + 1), rows):
        out += np.roll(row, -dy, axis=0)
    return out


def cross_sum(field: np.ndarray, radius: int) -> np.ndarray:
    """Sum over the cross of ``radius`` cells north, south, east and west (Epstein's vision)."""
    radius = min(radius, (min(field.shape) - 1) // 2)
    if radius <= 0:
        return field.copy()
    acc = field.dtype if field.dtype.kind == "f" else np.int32
    field = field.astype(acc, copy=False)
    return _line_sum(field, radius, axis=0) + _line_sum(field, radius, axis=1) - field


def neighbourhood_sum(field: np.ndarray, radius: int, shape: str) -> np.ndarray:
    """Neighbourhood sum, centre included: square (moore), diamond (von_neumann) or cross."""
    if shape == "von_neumann":
        return diamond_sum(field, radius)
    if shape == "cross":
        return cross_sum(field, radius)
    return box_sum(field, radius)


def _line_sum(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Running window sum of width 2r+1 along one axis, wrapping around."""
    n = a.shape[axis]
    padded = np.concatenate((a.take(range(n - r - 1, n), axis=axis), a, a.take(range(r), axis=axis)), axis=axis)
    c = np.cumsum(padded, axis=axis)
    hi = c.take(range(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = c.take(range(0, n), axis=axis)
    return hi - lo


class Grid:
    """Geometry shared by the society and the loop.

    Parameters
    ----------
    agents : int
        Population size.
    density : float
        Share of cells occupied; sets the grid side.
    districts_per_side : int
        The grid is cut into this many districts per side.
    agencies : int
        Number of executing agencies; each covers a contiguous band of districts.
    """

    def __init__(self, *, agents: int, density: float, districts_per_side: int, agencies: int):
        self.side = max(districts_per_side, math.ceil(math.sqrt(agents / density)))
        self.cells = self.side * self.side
        self.k = districts_per_side
        self.districts = districts_per_side * districts_per_side
        band = np.arange(self.side) * districts_per_side // self.side
        self.district_of_cell = (band[:, None] * districts_per_side + band[None, :]).ravel().astype(np.int32)
        self.agency_of_district = (np.arange(self.districts) * agencies // self.districts).astype(np.int32)
        self.agencies = agencies

    def units(self, granularity: int) -> np.ndarray:
        """Management unit of every district when units are g x g districts."""
        row, col = np.divmod(np.arange(self.districts), self.k)
        per_side = self.k // granularity
        return ((row // granularity) * per_side + col // granularity).astype(np.int32)

    def window_cells(self, radius: int, shape: str = "moore") -> int:
        """Number of cells in a vision window (centre included)."""
        r = min(radius, (self.side - 1) // 2)
        if shape == "von_neumann":
            return 2 * r * (r + 1) + 1
        if shape == "cross":
            return 4 * r + 1
        return (2 * r + 1) ** 2
