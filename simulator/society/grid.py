"""Space: the toroidal grid, its districts, and neighbourhood sums.

The grid is ``side x side`` cells on a torus (no edges). It is cut into
``k x k`` rectangular districts, the grid-management cells of the loop.
Neighbourhood counts (how many expressers or patrols an agent can see) are
sums over a window of radius ``vision`` (a square, a diamond or a cross),
computed for every cell at once from shifted copies of the grid, added in
place: the cost grows linearly with the radius, not with the window's area.
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["Grid", "box_sum", "cross_sum", "diamond_sum", "neighbourhood_add",
           "neighbourhood_sum", "pad_work",
           "window_offsets", "window_table", "wrap_table"]


def box_sum(field: np.ndarray, radius: int, *, out: np.ndarray | None = None,
            work: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``field`` over the (2r+1)^2 square around every cell, on a torus.

    The centre cell is included. ``field`` is a 2-D array; the result has
    the same shape and an integer or float dtype like the input. ``out``
    (the result) and ``work`` (an intermediate) may be passed in, with the
    field's shape, so that a caller in a loop does not allocate them again.
    """
    # a window wider than the torus would count cells twice: clip it
    radius = _clip(field, radius)
    if radius <= 0:
        return _copy(field, out)
    work = _like(field, work)
    _line_sum(field, radius, 0, work)
    return _line_sum(work, radius, 1, _like(field, out))


def diamond_sum(field: np.ndarray, radius: int, *, out: np.ndarray | None = None,
                work: np.ndarray | None = None, pad: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
    """Sum over the von Neumann diamond ``|dx| + |dy| <= r`` around every cell, on a torus.

    The diamond is a stack of horizontal segments whose half-width shrinks
    by one per row away from the centre. Each segment sum is the previous
    one plus two shifted copies, and is added at the rows above and below,
    so the cost grows linearly with the radius. ``out`` and ``work`` as in
    :func:`box_sum` (``work`` is not needed here); ``pad`` (see :func:`pad_work`)
    is reused between calls.

    The field is first copied into a wrapped border of ``r`` cells, so that
    every shift, along a row or down a column, is one add over the flat
    arrays: about 30 numpy calls for r = 7 instead of about 80 with the wrap
    done edge by edge (the adds, and their order, are those of the unpadded
    sum, so the result is the same to the bit).
    """
    radius = _clip(field, radius)
    if radius <= 0:
        return _copy(field, out)
    out = _like(field, out)
    src, acc, row = pad if pad is not None else pad_work(field, radius)
    r = radius
    width = field.shape[1] + 2 * r
    src[r:-r, r:-r] = field  # the field, with a wrapped border of r cells
    src[r:-r, :r] = field[:, -r:]
    src[r:-r, -r:] = field[:, :r]
    src[:r] = src[-2 * r:-r]
    src[-r:] = src[r:2 * r]
    s, a, w = src.reshape(-1), acc.reshape(-1), row.reshape(-1)
    # border cells of acc and row get wrong sums from the flat shifts; only the
    # inner cells are read, and their shifts never leave the padded array
    np.copyto(w, s)  # the segment of half-width 0
    for half in range(r + 1):
        if half:
            w[half:] += s[:-half]
            w[:-half] += s[half:]
        shift = (r - half) * width
        if half == 0:  # the first add into zeros is a copy
            a[:-shift] = w[shift:]
            a[-shift:] = 0.0
            a[shift:] += w[:-shift]
        elif shift:
            a[shift:] += w[:-shift]
            a[:-shift] += w[shift:]
        else:
            a += w
    np.copyto(out, acc[r:-r, r:-r])
    return out


def pad_work(field: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Work arrays for :func:`diamond_sum`: three grids with a border of ``radius`` cells."""
    radius = _clip(field, radius)
    shape = (field.shape[0] + 2 * radius, field.shape[1] + 2 * radius)
    dtype = field.dtype if field.dtype.kind == "f" else np.int32
    return np.empty(shape, dtype), np.empty(shape, dtype), np.empty(shape, dtype)


def cross_sum(field: np.ndarray, radius: int, *, out: np.ndarray | None = None,
              work: np.ndarray | None = None) -> np.ndarray:
    """Sum over the cross of ``radius`` cells north, south, east and west (Epstein's vision)."""
    radius = _clip(field, radius)
    if radius <= 0:
        return _copy(field, out)
    out = _line_sum(field, radius, 0, _like(field, out))
    out += _line_sum(field, radius, 1, _like(field, work))
    out -= field  # the centre was counted twice
    return out


def neighbourhood_sum(field: np.ndarray, radius: int, shape: str, *,
                      out: np.ndarray | None = None, work: np.ndarray | None = None,
                      pad: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
    """Neighbourhood sum, centre included: square (moore), diamond (von_neumann) or cross.

    ``pad``: work arrays from :func:`pad_work`, used by the diamond only.
    """
    if shape == "von_neumann":
        return diamond_sum(field, radius, out=out, work=work, pad=pad)
    if shape == "cross":
        return cross_sum(field, radius, out=out, work=work)
    return box_sum(field, radius, out=out, work=work)


def window_offsets(radius: int, shape: str, side: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column offsets of the cells of a vision window, centre included.

    The radius is clipped as in :func:`neighbourhood_sum`, so that no cell
    of a ``side x side`` torus is counted twice.
    """
    r = min(radius, (side - 1) // 2)
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    if shape == "von_neumann":
        keep = np.abs(dy) + np.abs(dx) <= r
    elif shape == "cross":
        keep = (dy == 0) | (dx == 0)
    else:
        keep = np.ones(dy.shape, dtype=bool)
    return dy[keep], dx[keep]


def neighbourhood_add(out: np.ndarray, cells: np.ndarray, weights: np.ndarray,
                      offsets: tuple[np.ndarray, np.ndarray],
                      table: np.ndarray | None = None) -> np.ndarray:
    """Add to ``out`` the neighbourhood sum of a field that is ``weights`` at ``cells``, 0 elsewhere.

    ``out`` is a ``side x side`` grid, ``cells`` flat cell indices and
    ``offsets`` the window from :func:`window_offsets` (windows are
    symmetric, so each listed cell adds its weight to every cell that sees
    it). The cost grows with ``cells.size`` times the window, not with the
    grid: for a few changed cells it is much cheaper than a new sum. With
    whole-number weights the result equals a full recount exactly.
    ``table``: the windows of all cells, from :func:`window_table`; looking
    the cells up in it is several times faster than working them out.
    """
    if table is not None:
        seen_from = table[cells]
        np.add.at(out.reshape(-1), seen_from.ravel(), weights.astype(out.dtype).repeat(table.shape[1]))
        return out
    side = out.shape[0]
    dy, dx = offsets
    r = int(max(np.abs(dy).max(), np.abs(dx).max()))
    wrap = wrap_table(side, r)
    y, x = np.divmod(cells, side)
    # a lookup in a short table instead of integer modulo (several times faster)
    seen_from = wrap[y[:, None] + (dy + r)] * side + wrap[x[:, None] + (dx + r)]
    np.add.at(out.reshape(-1), seen_from.ravel(), np.repeat(weights.astype(out.dtype), dy.size))
    return out


def window_table(side: int, offsets: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The flat cells of the window around every cell: row ``c`` lists cell ``c``'s window.

    ``side**2 x window`` int32 entries (4.5 MB for a 100 x 100 grid and a
    diamond of radius 7), so callers build it only for small grids. Built one
    offset at a time, so that no temporary is larger than the grid.
    """
    dy, dx = offsets
    r = int(max(np.abs(dy).max(), np.abs(dx).max()))
    wrap = wrap_table(side, r)
    y, x = np.divmod(np.arange(side * side), side)
    table = np.empty((side * side, dy.size), dtype=np.int32)
    for k in range(dy.size):
        table[:, k] = wrap[y + (dy[k] + r)] * side + wrap[x + (dx[k] + r)]
    return table


@functools.lru_cache(maxsize=16)
def wrap_table(side: int, reach: int) -> np.ndarray:
    """``wrap_table(side, r)[i + r] == i % side`` for ``-r <= i < side + r``.

    Moving a row or column index by at most ``r`` and wrapping it round the
    torus is then one lookup: integer modulo costs several times more. The
    table is read-only, as it is shared.
    """
    table = np.arange(-reach, side + reach) % side
    table.flags.writeable = False
    return table


def _line_sum(a: np.ndarray, r: int, axis: int, out: np.ndarray) -> np.ndarray:
    """Running window sum of width 2r+1 along one axis, wrapping around, into ``out``."""
    # 2r shifted adds: for a vision of at most 10 this beats cumulative sums,
    # which need padded copies and scattered reads along the rows
    np.copyto(out, a)
    for s in range(1, r + 1):
        _add_rolled(out, a, s, axis)
        _add_rolled(out, a, -s, axis)
    return out


def _add_rolled(out: np.ndarray, a: np.ndarray, shift: int, axis: int) -> None:
    """``out += np.roll(a, shift, axis)`` for a 2-D ``a``, without the rolled copy."""
    n = a.shape[axis]
    shift %= n
    if shift > n // 2:
        shift -= n  # roll the shorter way round (only the edges differ)
    if shift == 0:
        out += a
    elif axis == 0:
        out[shift:] += a[:-shift]
        out[:shift] += a[-shift:]
    elif out.flags.c_contiguous and a.flags.c_contiguous:
        # along rows, one add over the flat arrays is several times faster than
        # a 2-D slice, but it wraps the edge columns from the next or previous
        # row: keep their right values aside and put them back
        edge, source = (slice(None, shift), slice(-shift, None)) if shift > 0 else \
            (slice(shift, None), slice(None, -shift))
        kept = out[:, edge] + a[:, source]
        flat_out, flat_a = out.reshape(-1), a.reshape(-1)
        if shift > 0:
            flat_out[shift:] += flat_a[:-shift]
        else:
            flat_out[:shift] += flat_a[-shift:]
        out[:, edge] = kept
    else:
        out[:, shift:] += a[:, :-shift]
        out[:, :shift] += a[:, -shift:]


def _clip(field: np.ndarray, radius: int) -> int:
    return min(radius, (min(field.shape) - 1) // 2)


def _like(field: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``out``, or a new array for a sum of ``field`` (integer sums in int32)."""
    if out is not None:
        return out
    return np.empty(field.shape, field.dtype if field.dtype.kind == "f" else np.int32)


def _copy(field: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None:
        return field.copy()
    np.copyto(out, field)
    return out


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
        # index arrays in numpy's own index type (intp): numpy converts an int32
        # index on every use, which makes a lookup 2-5x slower
        self.district_of_cell = (band[:, None] * districts_per_side + band[None, :]).ravel().astype(np.intp)
        self.agency_of_district = (np.arange(self.districts) * agencies // self.districts).astype(np.int32)
        self.agencies = agencies
        # (values, not indices: int32 costs nothing here and halves the memory)
        self.row_of_cell, self.col_of_cell = np.divmod(np.arange(self.cells, dtype=np.int32), self.side)
        self._units: dict[int, np.ndarray] = {}

    def shifted(self, cells: np.ndarray, dy: np.ndarray, dx: np.ndarray, reach: int) -> np.ndarray:
        """Cells moved by ``dy - reach`` rows and ``dx - reach`` columns, round the torus.

        ``dy`` and ``dx`` are in ``0 .. 2 reach`` (offsets shifted to start at
        0, as ``rng.integers(0, 2 r + 1)`` draws them, the same draws as
        ``rng.integers(-r, r + 1)`` plus r). Table lookups instead of
        ``divmod`` and integer modulo, which cost several times more.
        """
        wrap = wrap_table(self.side, reach)
        return wrap[self.row_of_cell[cells] + dy] * self.side + wrap[self.col_of_cell[cells] + dx]

    def units(self, granularity: int) -> np.ndarray:
        """Management unit of every district when units are g x g districts (read-only).

        Worked out once per granularity: Plan asks every step.
        """
        known = self._units.get(granularity)
        if known is None:
            row, col = np.divmod(np.arange(self.districts), self.k)
            per_side = self.k // granularity
            known = ((row // granularity) * per_side + col // granularity).astype(np.int32)
            known.setflags(write=False)
            self._units[granularity] = known
        return known

    def window_cells(self, radius: int, shape: str = "moore") -> int:
        """Number of cells in a vision window (centre included)."""
        r = min(radius, (self.side - 1) // 2)
        if shape == "von_neumann":
            return 2 * r * (r + 1) + 1
        if shape == "cross":
            return 4 * r + 1
        return (2 * r + 1) ** 2
