"""Patrols: enforcement presence that walks the grid.

Constraint (and any standing enforcement) is delivered per district as a
*density*: the share of the district's cells under patrol. The patrols
themselves are anonymous markers that take a random walk within vision each
step, so that a quiet corner stays quiet for a few steps and a crowd can
form there, which is what gives Epstein's model its bursts. After the walk,
each district's patrol count is brought to ``round(density x cells)`` by
dropping random patrols or placing new ones on random cells of the district.

Patrols never look at an agent's state: they go where the district's
intensity puts them, at random. The compiled kernels (:func:`shift_cells`,
:func:`per_district`, :func:`trim`, :func:`per_cell`) and the numpy code give
the same patrols, to the bit (``tests/test_kernels.py``).
"""

from __future__ import annotations

import numpy as np

from .grid import Grid
from .kernels import jit, wrap

__all__ = ["Patrols", "shift_cells", "per_district", "trim", "per_cell"]


class Patrols:
    """Positions of patrols (cell indices) and their per-cell counts."""

    def __init__(self, grid: Grid, rng: np.random.Generator, fast: bool = False):
        self.grid = grid
        self.rng = rng
        self.fast = fast  # the compiled kernels (kernels.py): the same numbers
        self.positions = np.empty(0, dtype=np.intp)  # intp: fast as an index
        district = grid.district_of_cell
        self._cells_by_district = np.argsort(district, kind="stable")
        self._size = np.bincount(district, minlength=grid.districts)
        self._first_cell = np.concatenate(([0], np.cumsum(self._size)[:-1]))

    def step(self, density: np.ndarray, walk: int, cells: np.ndarray) -> np.ndarray:
        """Walk, then match each district's count to ``density``; the patrols per cell into ``cells``."""
        grid, rng = self.grid, self.rng
        target = np.rint(np.clip(density, 0.0, 1.0) * self._size).astype(np.int64)
        pos = self.positions
        if pos.size and walk > 0:
            dy = rng.integers(0, 2 * walk + 1, pos.size)  # offsets -walk..walk, plus walk
            dx = rng.integers(0, 2 * walk + 1, pos.size)
            pos = (shift_cells(pos, dy, dx, walk, grid.side, grid.row_of_cell, grid.col_of_cell) if self.fast
                   else grid.shifted(pos, dy, dx, walk))
        if self.fast:
            have = per_district(pos, grid.district_of_cell, grid.districts)
            if (have > target).any():
                pos = trim(pos, rng.permutation(pos.size), grid.district_of_cell, have, target)
                have = np.minimum(have, target)
        else:
            district = grid.district_of_cell[pos]
            have = np.bincount(district, minlength=grid.districts)
            if (have > target).any():
                pos = self._trim(pos, district, have, target)
                have = np.minimum(have, target)
        missing = target - have
        if missing.any():
            where = np.arange(grid.districts).repeat(missing)
            offset = (rng.random(where.size) * self._size[where]).astype(np.int64)
            fresh = self._cells_by_district[self._first_cell[where] + offset]
            pos = np.concatenate((pos, fresh))
        self.positions = pos.astype(np.intp, copy=False)
        if self.fast:
            return per_cell(self.positions, cells)
        np.copyto(cells, np.bincount(self.positions, minlength=grid.cells).reshape(cells.shape))  # as float32
        return cells

    def _trim(self, pos: np.ndarray, district: np.ndarray, have: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Keep a random subset of each district's patrols, up to its target."""
        shuffled = self.rng.permutation(pos.size)
        keys = district[shuffled]
        if self.grid.districts <= 256:  # a stable sort of bytes is a radix sort: faster
            keys = keys.astype(np.uint8)
        order = keys.argsort(kind="stable")
        grouped, in_district = shuffled[order], keys[order]
        start = np.concatenate(([0], have.cumsum()[:-1]))
        rank = np.arange(pos.size) - start[in_district]
        return pos[grouped[rank < target[in_district]]]


@jit
def shift_cells(cells, dy, dx, reach, side, row_of_cell, col_of_cell):  # pragma: no cover  (compiled)
    """The cells moved by ``dy - reach`` rows and ``dx - reach`` columns, round the torus (a new array)."""
    moved = np.empty_like(cells)
    for i in range(cells.size):
        c = cells[i]
        moved[i] = wrap(row_of_cell[c] + dy[i] - reach, side) * side + wrap(col_of_cell[c] + dx[i] - reach, side)
    return moved


@jit
def per_district(cells, district_of_cell, count):  # pragma: no cover  (compiled)
    """How many of ``cells`` (patrols' positions) lie in each district."""
    have = np.zeros(count, dtype=np.int64)
    for i in range(cells.size):
        have[district_of_cell[cells[i]]] += 1
    return have


@jit
def trim(cells, shuffled, district_of_cell, have, target):  # pragma: no cover  (compiled)
    """Keep, of each district's patrols, the first ``target`` in the order ``shuffled``.

    The kept patrols come district by district, each district's in the
    shuffled order: the order of numpy's stable sort by district.
    """
    start = np.zeros(have.size, dtype=np.int64)
    for d in range(1, have.size):
        start[d] = start[d - 1] + have[d - 1]
    slot = start.copy()
    grouped = np.empty(cells.size, dtype=np.int64)
    for j in range(shuffled.size):
        i = shuffled[j]
        d = district_of_cell[cells[i]]
        grouped[slot[d]] = i
        slot[d] += 1
    kept = np.empty(cells.size, dtype=cells.dtype)
    count = 0
    for d in range(have.size):
        for r in range(min(have[d], target[d])):
            kept[count] = cells[grouped[start[d] + r]]
            count += 1
    return kept[:count]


@jit
def per_cell(cells, grid):  # pragma: no cover  (compiled)
    """How many of ``cells`` are on each cell of ``grid`` (float32, written in place)."""
    flat = grid.reshape(-1)
    flat[:] = 0.0
    for i in range(cells.size):
        flat[cells[i]] += 1.0
    return grid
