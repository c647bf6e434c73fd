"""Movement: free agents try a random empty cell within vision (Epstein's movement).

Each free agent (with probability ``society.mobility``) picks a cell at a
random offset of at most ``vision`` rows and columns; the move is made only
if that cell was empty at the start of the step. Two movers wanting one
cell: the first in a random order wins. Nobody is moved towards or away
from anything: where an agent goes is a draw.

The society's positions, occupied cells and districts change in place; the
society then re-indexes its districts. The compiled kernels (:func:`free_targets`
and :func:`settle`) and the numpy code give the same moves, to the bit
(``tests/test_kernels.py``).
"""

from __future__ import annotations

import numpy as np

from .grid import Grid
from .kernels import jit, wrap

__all__ = ["Movement", "free_targets", "settle"]


class Movement:
    """Moves agents on ``grid`` with draws from ``rng``, with the compiled kernels when ``fast``."""

    def __init__(self, grid: Grid, rng: np.random.Generator, fast: bool = False):
        self.grid, self.rng, self.fast = grid, rng, fast
        if fast:
            self._claimed = np.zeros(grid.cells, dtype=bool)  # for movers' conflicts
        else:
            self._first_rank = np.empty(grid.cells, dtype=np.int32)

    def step(self, position: np.ndarray, occupied: np.ndarray, district: np.ndarray, free: np.ndarray,
             mobility: float, vision: int) -> None:
        """Move the ``free`` agents that draw a move (chance ``mobility``) and find their cell empty."""
        grid, rng = self.grid, self.rng
        # every draw is below a mobility of 1, so then the test is skipped, but the
        # draw is made: the same random stream
        draw = rng.random(position.size)
        movers = (free if mobility >= 1.0 else (draw < mobility) & free).nonzero()[0]
        if movers.size == 0:
            return
        r = vision
        dy = rng.integers(0, 2 * r + 1, movers.size)  # offsets -r..r, plus r
        dx = rng.integers(0, 2 * r + 1, movers.size)
        if self.fast:
            movers, target = free_targets(movers, position, dy, dx, r, grid.side,
                                                   grid.row_of_cell, grid.col_of_cell, occupied)
            order = rng.permutation(movers.size)
            settle(movers, target, order, occupied, position, district, grid.district_of_cell,
                           self._claimed)
            return
        target = grid.shifted(position[movers], dy, dx, r)
        # indices of the movers to empty cells, then two gathers: one scan of the
        # mask instead of two boolean indexings (about half the time)
        ok = (~occupied[target]).nonzero()[0]
        movers, target = movers[ok], target[ok]
        # two movers wanting one cell: the first in this random order wins
        # (each target cell keeps the smallest rank that asks for it: no sort)
        order = rng.permutation(movers.size)
        wanted, rank = target[order], np.arange(movers.size, dtype=np.int32)
        first = self._first_rank
        first.fill(movers.size)
        np.minimum.at(first, wanted, rank)
        chosen = order[first[wanted] == rank]
        movers, target = movers[chosen], target[chosen]
        occupied[position[movers]] = False
        occupied[target] = True
        position[movers] = target
        district[movers] = grid.district_of_cell[target]


@jit
def free_targets(movers, position, dy, dx, reach, side, row_of_cell, col_of_cell, occupied):  # pragma: no cover
    """The movers whose target cell (offset ``dy - reach``, ``dx - reach``) is empty, and those cells."""
    keep = np.empty(movers.size, dtype=np.intp)
    target = np.empty(movers.size, dtype=np.intp)
    count = 0
    for i in range(movers.size):
        cell = position[movers[i]]
        t = wrap(row_of_cell[cell] + dy[i] - reach, side) * side + wrap(col_of_cell[cell] + dx[i] - reach, side)
        keep[count] = movers[i]  # written always, kept only if empty: no branch to mispredict
        target[count] = t
        count += not occupied[t]
    return keep[:count], target[:count]


@jit
def settle(movers, target, order, occupied, position, district, district_of_cell,
           claimed):  # pragma: no cover  (compiled)
    """Move the movers, in ``order``: the first to ask for a cell gets it.

    ``claimed`` (one flag per cell, all False) is left all False again.
    Returns how many moved.
    """
    moved = 0
    for rank in range(order.size):
        i = order[rank]
        t = target[i]
        if not claimed[t]:
            claimed[t] = True
            m = movers[i]
            occupied[position[m]] = False
            occupied[t] = True
            position[m] = t
            district[m] = district_of_cell[t]
            moved += 1
    for i in range(target.size):
        claimed[target[i]] = False
    return moved
