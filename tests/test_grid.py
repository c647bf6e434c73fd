"""Neighbourhood sums on the torus, tested against a plain reference.

Every fast neighbourhood count in ``simulator.society.grid`` (shifted adds, a padded
grid, flat adds that wrap a row into the next, wrap tables, window tables) is
compared with ``scipy.ndimage.correlate(..., mode="wrap")`` and the matching
footprint, on random grids of many shapes and radii.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from simulator.society.grid import (
    Grid,
    box_sum,
    cross_sum,
    diamond_sum,
    neighbourhood_add,
    neighbourhood_sum,
    pad_work,
    window_offsets,
    window_table,
    wrap_table,
)

SHAPES = ("moore", "von_neumann", "cross")
PROPERTY = settings(max_examples=60, deadline=None)


def footprint(radius: int, shape: str) -> np.ndarray:
    """The window as a boolean mask, written out by hand."""
    dy, dx = np.mgrid[-radius:radius + 1, -radius:radius + 1]
    if shape == "von_neumann":
        return np.abs(dy) + np.abs(dx) <= radius
    if shape == "cross":
        return (dy == 0) | (dx == 0)
    return np.ones(dy.shape, dtype=bool)


def reference(field: np.ndarray, radius: int, shape: str) -> np.ndarray:
    """The plain sum: the radius clipped so no cell is counted twice, as documented."""
    r = min(radius, (min(field.shape) - 1) // 2)
    return ndimage.correlate(field.astype(float), footprint(r, shape).astype(float), mode="wrap")


def random_field(seed: int, rows: int, cols: int, kind: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "bool":
        return rng.random((rows, cols)) < 0.4
    if kind == "int":
        return rng.integers(0, 5, (rows, cols))
    # whole numbers in float32, as the society's fields: sums are exact
    return rng.integers(0, 7, (rows, cols)).astype(np.float32)


SUMS = {"moore": box_sum, "von_neumann": diamond_sum, "cross": cross_sum}


@PROPERTY
@given(rows=st.integers(1, 23), cols=st.integers(1, 23), radius=st.integers(0, 12),
       shape=st.sampled_from(SHAPES), kind=st.sampled_from(("bool", "int", "float32")),
       seed=st.integers(0, 2**31 - 1))
def test_every_neighbourhood_sum_matches_scipy_on_a_torus(rows, cols, radius, shape, kind, seed):
    field = random_field(seed, rows, cols, kind)
    expected = reference(field, radius, shape)
    np.testing.assert_allclose(neighbourhood_sum(field, radius, shape), expected)
    np.testing.assert_allclose(SUMS[shape](field, radius), expected)


@PROPERTY
@given(rows=st.integers(1, 20), cols=st.integers(1, 20), radius=st.integers(0, 9),
       shape=st.sampled_from(SHAPES), seed=st.integers(0, 2**31 - 1))
def test_sums_into_reused_work_arrays_match_scipy(rows, cols, radius, shape, seed):
    # the society calls the sums again and again with the same out, work and pad
    # arrays: stale contents from an earlier call must not leak into the next
    out = np.full((rows, cols), 99.0, np.float32)
    work = np.full((rows, cols), -7.0, np.float32)
    pad = pad_work(out, radius)
    for p in pad:
        p.fill(13.0)
    for k in range(3):
        field = random_field(seed + k, rows, cols, "float32")
        got = neighbourhood_sum(field, radius, shape, out=out, work=work, pad=pad)
        assert got is out
        np.testing.assert_allclose(got, reference(field, radius, shape))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("radius", [1, 3, 7])
def test_the_edges_of_a_30_by_30_grid_wrap_round(shape, radius):
    # the society's usual size: every edge cell, row and column wrap included
    field = random_field(12, 30, 30, "float32")
    got = neighbourhood_sum(field, radius, shape)
    np.testing.assert_array_equal(got, reference(field, radius, shape))


@PROPERTY
@given(side=st.integers(1, 25), radius=st.integers(0, 12), shape=st.sampled_from(SHAPES),
       changed=st.integers(1, 40), seed=st.integers(0, 2**31 - 1), use_table=st.booleans())
def test_neighbourhood_add_equals_a_recount(side, radius, shape, changed, seed, use_table):
    # the incremental update: add the windows of a few cells with +-1 weights
    rng = np.random.default_rng(seed)
    before = (rng.random((side, side)) < 0.3).astype(np.float32)
    offsets = window_offsets(radius, shape, side)
    cells = rng.choice(side * side, size=min(changed, side * side), replace=False)
    weights = np.where(before.reshape(-1)[cells] > 0, -1.0, 1.0)  # flip those cells
    after = before.copy()
    after.reshape(-1)[cells] += weights
    seen = neighbourhood_sum(before, radius, shape)
    table = window_table(side, offsets) if use_table else None
    neighbourhood_add(seen, cells, weights, offsets, table=table)
    np.testing.assert_array_equal(seen, reference(after, radius, shape))


@PROPERTY
@given(side=st.integers(1, 25), radius=st.integers(0, 12), shape=st.sampled_from(SHAPES))
def test_window_offsets_and_table_list_each_cells_window_once(side, radius, shape):
    dy, dx = window_offsets(radius, shape, side)
    r = min(radius, (side - 1) // 2)
    mask = np.zeros((2 * r + 1, 2 * r + 1), dtype=bool)
    mask[dy + r, dx + r] = True
    np.testing.assert_array_equal(mask, footprint(r, shape))
    assert dy.size == mask.sum() == Grid(agents=side * side, density=1.0, districts_per_side=1,
                                         agencies=1).window_cells(radius, shape)
    table = window_table(side, (dy, dx))
    y, x = np.divmod(np.arange(side * side), side)
    expected = ((y[:, None] + dy) % side) * side + (x[:, None] + dx) % side
    np.testing.assert_array_equal(table, expected)
    # no cell of a window is listed twice (the radius is clipped to fit the torus)
    assert all(np.unique(row).size == row.size for row in table)


@given(side=st.integers(1, 40), reach=st.integers(0, 40))
@settings(max_examples=40, deadline=None)
def test_wrap_table_is_modulo(side, reach):
    i = np.arange(-reach, side + reach)
    np.testing.assert_array_equal(wrap_table(side, reach)[i + reach], i % side)


@given(agents=st.integers(4, 900), radius=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
@settings(max_examples=40, deadline=None)
def test_grid_shifted_moves_cells_round_the_torus(agents, radius, seed):
    grid = Grid(agents=agents, density=1.0, districts_per_side=1, agencies=1)
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, grid.cells, 50)
    dy, dx = rng.integers(0, 2 * radius + 1, 50), rng.integers(0, 2 * radius + 1, 50)
    y, x = np.divmod(cells, grid.side)
    expected = ((y + dy - radius) % grid.side) * grid.side + (x + dx - radius) % grid.side
    np.testing.assert_array_equal(grid.shifted(cells, dy, dx, radius), expected)
