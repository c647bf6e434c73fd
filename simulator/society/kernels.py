"""Compiled kernels for the society's hottest mechanisms, one small kernel each.

A step of the society is a few dozen numpy calls; on a grid of a few
thousand agents each call costs more in its fixed overhead than in its
arithmetic. These kernels, compiled with Numba, do the work of several calls
in one pass. Each has a plain-numpy reference that the society runs when the
kernels are off (``GOVSIM_KERNELS=numpy``), and that ``tests/test_kernels.py``
compares it with on random input:

* :func:`window_sum`: the neighbourhood sum of a grid field (reference:
  :func:`~simulator.society.grid.neighbourhood_sum`);
* :func:`window_add`: a few cells' weights added to a neighbourhood sum
  (reference: :func:`~simulator.society.grid.neighbourhood_add`);
* :func:`deterrence` and :func:`adopt`: a round of Epstein's expression rule,
  before and after the exponential, which stays with numpy's own ``exp``
  (references: ``rules.arrest_ratio``, ``rules.escape_chance`` and
  ``rules.expresses``), ``adopt`` also updating the count of expressers in
  view for those who changed, as :func:`window_add` does;
* :func:`need_and_trust`: need, trust and grievance for a step (references:
  ``rules.need_pull``, ``rules.trust_change``, ``rules.trust_recovery`` and
  ``rules.grievance`` as ``Society.step`` applies them);
* :func:`participate`: who uses the loop's services (reference:
  ``rules.participation_chance`` as ``Society._participate`` applies it);
* :func:`release`: the countdown of removal terms, and who is free and
  latent (reference: the numpy branch of ``Society._express``);
* :func:`district_counts` and :func:`district_sums`, or :func:`district_run_totals`:
  counts and sums per district for agents out of cell order, or in runs of
  cell order (references: ``numpy.bincount``; ``numpy.add.reduceat`` then
  ``numpy.bincount``).

Every kernel gives the numpy path's numbers to the bit, so a seed gives the
same run on either path: the neighbourhood sums are of whole numbers (exact
in float32 in any order), and the district sums add in numpy's own order
(agent by agent as ``bincount`` does, or run by run as ``add.reduceat`` does).
No random draw is made inside a kernel: the draws stay with the society's
one generator, in the same order on both paths.

Movement and patrols keep their kernels beside their numpy code
(``movement.py``, ``patrols.py``), compiled with :data:`jit` from here.

Compiled on first use (about 4 s, once after installing) and cached on disk
(``cache=True``), so a new process loads them in a fraction of a second.
"""

from __future__ import annotations

import os

import numba
import numpy as np

__all__ = ["ENABLED", "ROUNDING", "jit", "wrap", "half_widths", "window_sum", "window_add", "deterrence", "adopt",
           "need_and_trust", "participate", "release", "district_counts", "district_sums", "district_run_totals"]

#: Kernels on unless ``GOVSIM_KERNELS=numpy``; read when a society is built.
ENABLED = os.environ.get("GOVSIM_KERNELS", "numba") != "numpy"

# error_model="numpy": a division by zero gives inf or nan, as in numpy, instead of raising
jit = numba.njit(cache=True, nogil=True, error_model="numpy")

#: ``arrest_ratio``'s rounding, as a code a kernel can take
ROUNDING = {"none": 0, "round": 1, "floor": 2}


def half_widths(offsets: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Half-width of a vision window's row at each row offset ``-r .. r``.

    Every window (square, diamond, cross) is a stack of row segments
    centred on the column of its centre, so it is these ``2r + 1`` numbers.
    """
    dy, dx = offsets
    r = int(np.abs(dy).max())
    half = np.zeros(2 * r + 1, dtype=np.int64)
    np.maximum.at(half, dy + r, np.abs(dx))
    return half


@jit
def _add_shifted(out, row, shift):  # pragma: no cover  (compiled)
    """``out += row`` moved ``shift`` columns round the torus: two slices, each a vector loop."""
    cols = row.size
    s = shift % cols
    head, tail = out[:cols - s], out[cols - s:]  # out[x] += row[(x + s) % cols]
    moved, wrapped = row[s:], row[:s]
    for x in range(head.size):
        head[x] += moved[x]
    for x in range(tail.size):
        tail[x] += wrapped[x]


@jit
def _window_sum_direct(field, half, out):  # pragma: no cover  (compiled)
    """:func:`window_sum` for a small window: each of its cells' rows added in turn.

    Without the running totals' chain of dependent adds, faster for up to
    about 16 cells (radius 1 square: 1,000,000 cells 1.0 -> 0.4 ms).
    """
    rows = field.shape[0]
    r = (half.size - 1) // 2
    for y in range(rows):
        o = out[y]
        o[:] = 0.0
        for k in range(half.size):
            row = field[(y + k - r) % rows]
            for shift in range(-half[k], half[k] + 1):
                _add_shifted(o, row, shift)
    return out


@jit
def window_sum(field, half, out, prefix):  # pragma: no cover  (compiled)
    """Sum of ``field`` over the window of ``half`` around every cell of the torus, into ``out``.

    Each row is summed once into running totals with a wrapped border
    (``prefix``: rows x (cols + 2 reach + 1), float32), then each cell takes
    one difference of running totals per row of its window. Exact for
    whole-number fields, as the counts it is given are.
    """
    rows, cols = field.shape
    r = (half.size - 1) // 2
    reach = half.max()
    if half.size + 2 * half.sum() <= 16:  # a small window: its cells' rows added directly
        return _window_sum_direct(field, half, out)
    for y in range(rows):
        row, p = field[y], prefix[y]
        total = np.float32(0.0)
        p[0] = total
        j = 0
        for x in range(cols - reach, cols):  # the wrapped border, then the row, then the border
            total += row[x]
            j += 1
            p[j] = total
        for x in range(cols):
            total += row[x]
            j += 1
            p[j] = total
        for x in range(reach):
            total += row[x]
            j += 1
            p[j] = total
    for y in range(rows):
        o = out[y]
        o[:] = 0.0
        for k in range(half.size):
            h = half[k]
            p = prefix[(y + k - r) % rows]
            # slices, so that the loop's indices are known not to be negative:
            # then it compiles to vector instructions (about 3x faster)
            right, left = p[reach + h + 1:reach + h + 1 + cols], p[reach - h:reach - h + cols]
            for x in range(cols):
                o[x] += right[x] - left[x]
    return out


@jit
def wrap(i, n):  # pragma: no cover  (compiled)
    """``i % n`` for an ``i`` a few times ``n`` at most: integer modulo costs several times more."""
    while i < 0:
        i += n
    while i >= n:
        i -= n
    return i


@jit
def _window_add_one(out, cell, weight, dy, dx):  # pragma: no cover  (compiled)
    rows, cols = out.shape
    y, x = cell // cols, cell % cols
    for k in range(dy.size):
        out[wrap(y + dy[k], rows), wrap(x + dx[k], cols)] += weight


@jit
def window_add(out, cells, weights, dy, dx):  # pragma: no cover  (compiled)
    """Add ``weights[i]`` to every cell within the window ``(dy, dx)`` of ``cells[i]``."""
    for i in range(cells.size):
        _window_add_one(out, cells[i], np.float32(weights[i]), dy, dx)
    return out


@jit
def deterrence(seen, position, expressing, watched, contagion, rounding, k, out):  # pragma: no cover
    """``-k`` times the arrest ratio each agent judges, into ``out`` (float32).

    The operations of ``rules.arrest_ratio`` and the first of
    ``rules.escape_chance``, in the same order and in float32 (``contagion``
    and ``k`` are float32), so the numbers are numpy's to the bit:
    ``-k round((C + eyes) / (A c + 1))``, ``A`` the other expressers in view.
    """
    for i in range(out.size):
        crowd = (seen[position[i]] - np.float32(expressing[i])) * contagion + np.float32(1.0)
        ratio = watched[i] / crowd
        if rounding == 1:
            ratio = np.rint(ratio)
        elif rounding == 2:
            ratio = np.floor(ratio)
        out[i] = ratio * -k
    return out


@jit
def adopt(escape, risk_aversion, grievance, threshold, free, expressing, position, seen, dy, dx, limit,
          joined):  # pragma: no cover  (compiled)
    """Who expresses now (``rules.expresses``, for free agents), into ``expressing``.

    Expresses when ``escape ra + G - ra > threshold``. When the agents who
    changed, times the window, cover fewer than ``limit`` cells, each is
    added to ``seen`` (or taken away) over its window and the count of
    changes is returned; otherwise ``seen`` is left alone and minus the count
    is returned (the caller recounts). ``joined``: a work array of the agents.
    """
    changed = 0
    for i in range(joined.size):  # no branch: compiles to vector instructions
        net = escape[i] * risk_aversion[i]
        net += grievance[i]
        net -= risk_aversion[i]
        joined[i] = (net > threshold[i]) & free[i]
        changed += joined[i] != expressing[i]
    update = changed * dy.size < limit
    if changed and not update:
        expressing[:] = joined  # many changed: a copy, and the caller recounts
    elif changed:
        for i in range(joined.size):
            if joined[i] != expressing[i]:
                expressing[i] = joined[i]
                _window_add_one(seen, position[i], np.float32(1.0) if joined[i] else np.float32(-1.0), dy, dx)
    return changed if update else -changed


@jit
def need_and_trust(need, base, trust, anchor, grievance, noise, district, pressure, drain, gain,
                   rate, noise_scale, from_need, recovery):  # pragma: no cover  (compiled)
    """One step of need, trust and grievance for every agent, in place, in one pass.

    The operations of the rules, in their order, in float32 (the scalars are
    float32): need moves towards baseline plus its district's ``pressure``
    and takes its ``noise``; trust gains its district's ``gain`` and loses
    ``(drain + from_need need) trust``, ``drain`` the district's gain plus
    loss, then recovers towards its ``anchor``; both are clipped to [0, 1];
    grievance is ``(1 - trust) need``.
    """
    zero, one = np.float32(0.0), np.float32(1.0)
    for i in range(need.size):
        d = district[i]
        n = need[i] + (base[i] - need[i] + pressure[d]) * rate
        n += noise[i] * noise_scale
        n = zero if n < zero else (one if n > one else n)
        t = trust[i]
        t += gain[d] - (n * from_need + drain[d]) * t
        t += (anchor[i] - t) * recovery
        t = zero if t < zero else (one if t > one else t)
        need[i], trust[i] = n, t
        grievance[i] = (one - t) * n
    return need


@jit
def participate(trust, from_trust, offset, incentive, district, draw, free, out):  # pragma: no cover
    """Who uses the loop's services this step, into ``out`` (``rules.participation_chance``):
    ``draw < trust pt + (base - pt / 2) + incentive[d]``, for free agents; ``offset`` is
    ``base - pt / 2``, in float32 as numpy adds it."""
    for i in range(out.size):
        chance = trust[i] * from_trust
        chance += offset
        chance += incentive[district[i]]
        out[i] = (draw[i] < chance) & free[i]
    return out


@jit
def release(removal, free, grievance, threshold, latent):  # pragma: no cover  (compiled)
    """Removal terms count down; ``free`` when none is left; ``latent``: free with
    grievance above threshold."""
    for i in range(removal.size):
        left = max(removal[i] - 1, 0)
        removal[i] = left
        free[i] = left == 0
        latent[i] = (grievance[i] > threshold[i]) & (left == 0)
    return removal


@jit
def _pairwise(a, lo, n):  # pragma: no cover  (compiled)
    """The float64 sum of ``a[lo:lo + n]`` (float32) in numpy's pairwise order, to the bit.

    numpy's ``pairwise_sum`` (``loops_utils.h.src``): fewer than 8 values
    one by one from -0.0; up to 128 in 8 interleaved partial sums, joined as
    ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the rest one
    by one; more, split at a multiple of 8 near the half.
    """
    if n < 8:
        res = -0.0
        for i in range(n):
            res += np.float64(a[lo + i])
        return res
    if n <= 128:  # eight scalars, not an array: no allocation per run
        r0, r1, r2, r3 = np.float64(a[lo]), np.float64(a[lo + 1]), np.float64(a[lo + 2]), np.float64(a[lo + 3])
        r4, r5, r6, r7 = np.float64(a[lo + 4]), np.float64(a[lo + 5]), np.float64(a[lo + 6]), np.float64(a[lo + 7])
        i = 8
        while i < n - n % 8:
            r0 += a[lo + i]
            r1 += a[lo + i + 1]
            r2 += a[lo + i + 2]
            r3 += a[lo + i + 3]
            r4 += a[lo + i + 4]
            r5 += a[lo + i + 5]
            r6 += a[lo + i + 6]
            r7 += a[lo + i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[lo + i]
            i += 1
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(a, lo, half) + _pairwise(a, lo + half, n - half)


@jit
def _count(mask, lo, hi):  # pragma: no cover  (compiled)
    n = 0
    for i in range(lo, hi):
        n += mask[i]
    return n


@jit
def district_run_totals(run_start, run_district, a, b, c, d, x, y, z, count):  # pragma: no cover  (compiled)
    """For agents in runs of one district: how many agents of each district four
    boolean masks pick, (4, count), and the float64 sums of three float32 arrays,
    (3, count), in one pass over the runs.

    Each run's sum is made as ``numpy.add.reduceat`` makes it (its first
    value, plus the pairwise sum of the rest), then the runs of each district
    are added in run order, as ``numpy.bincount`` with weights does: numpy's
    numbers, to the bit.
    """
    counts = np.zeros((4, count))
    sums = np.zeros((3, count))
    for r in range(run_start.size):
        lo = run_start[r]
        hi = run_start[r + 1] if r + 1 < run_start.size else x.size
        k = run_district[r]
        counts[0, k] += _count(a, lo, hi)
        counts[1, k] += _count(b, lo, hi)
        counts[2, k] += _count(c, lo, hi)
        counts[3, k] += _count(d, lo, hi)
        sums[0, k] += np.float64(x[lo]) + _pairwise(x, lo + 1, hi - lo - 1)
        sums[1, k] += np.float64(y[lo]) + _pairwise(y, lo + 1, hi - lo - 1)
        sums[2, k] += np.float64(z[lo]) + _pairwise(z, lo + 1, hi - lo - 1)
    return counts, sums


@jit
def district_counts(district, a, b, c, d, count):  # pragma: no cover  (compiled)
    """How many agents of each district each of four boolean masks picks: (4, count), float64.

    (Arrays as separate arguments: a tuple indexed in the loop compiles to
    code 3x slower.)
    """
    counts = np.zeros((4, count))
    # counted in local integers while the district stays the same (runs of agents in cell
    # order), so that the loop does not load and store the table at every agent
    here, na, nb, nc, nd = district[0] if district.size else 0, 0, 0, 0, 0
    for i in range(district.size):
        k = district[i]
        if k != here:
            counts[0, here] += na
            counts[1, here] += nb
            counts[2, here] += nc
            counts[3, here] += nd
            here, na, nb, nc, nd = k, 0, 0, 0, 0
        na += a[i]
        nb += b[i]
        nc += c[i]
        nd += d[i]
    if district.size:
        counts[0, here] += na
        counts[1, here] += nb
        counts[2, here] += nc
        counts[3, here] += nd
    return counts


@jit
def district_sums(district, x, y, z, count):  # pragma: no cover  (compiled)
    """The float64 sums over each district of three float32 arrays: (3, count).

    The adds go in agent order, as ``numpy.bincount`` with weights does: the
    reference for agents that are not in cell order.
    """
    sums = np.zeros((3, count))
    for i in range(district.size):
        k = district[i]
        sums[0, k] += np.float64(x[i])
        sums[1, k] += np.float64(y[i])
        sums[2, k] += np.float64(z[i])
    return sums
