"""Districts as the society sees them: sums over districts, and spreads back to agents.

Agents are stored in the order of their cells, so a district is a few
hundred runs of consecutive agents (one per grid row it spans): district
sums and district-to-agent spreads need no scattered indexing. Agents that
move scatter across the runs, so with mobility the work goes agent by agent
instead.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Districts"]


class Districts:
    """Which district each agent is in, with fast sums and spreads.

    Parameters
    ----------
    district : numpy.ndarray
        District of each agent; the society changes it in place when agents
        move, then calls :meth:`reindex`.
    count : int
        Number of districts.
    scattered : bool
        Agents may leave cell order (they move on a grid with empty cells).
    """

    def __init__(self, district: np.ndarray, count: int, scattered: bool):
        self.district = district
        self.count = count
        self.scattered = scattered
        # for counts (see counts), made on first use
        self._bits: np.ndarray | None = None
        self._shifted: np.ndarray | None = None
        self._code: np.ndarray | None = None
        self._has_bit: np.ndarray | None = None
        self.reindex()

    def reindex(self) -> None:
        """District populations, and runs of consecutive agents in one district."""
        d = self.district
        self.population = np.bincount(d, minlength=self.count).astype(float)
        self.population_floor = np.maximum(self.population, 1.0)
        if self.scattered:
            self._run_start = None
            return
        self._run_start = np.flatnonzero(np.diff(d, prepend=-1))
        self._run_district = d[self._run_start]
        self._run_length = np.diff(self._run_start, append=d.size)

    @property
    def run_start(self) -> np.ndarray | None:
        """First agent of each run of consecutive agents in one district (None when scattered)."""
        return self._run_start

    @property
    def run_district(self) -> np.ndarray | None:
        """The district of each run."""
        return self._run_district if self._run_start is not None else None

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of a per-agent array over each district (float64)."""
        if self._run_start is None:
            return np.bincount(self.district, weights=values, minlength=self.count)
        # sum each run, then the runs of each district
        exact = np.int32 if values.dtype == bool else np.float64
        per_run = np.add.reduceat(values, self._run_start, dtype=exact)
        return np.bincount(self._run_district, weights=per_run, minlength=self.count)

    def counts(self, masks: tuple[np.ndarray, ...]) -> list[np.ndarray]:
        """Agents per district picked by each of a few boolean masks.

        Agents scattered (no runs): one bincount of district x pattern of the
        masks' bits instead of one weighted bincount per mask, about half the
        time for four masks. Whole numbers, so the same as the sums.
        """
        if self._run_start is not None:
            return [self.sum(m) for m in masks]
        n = self.district.size
        patterns = 1 << len(masks)
        bits, shifted, code, has_bit = self._bits, self._shifted, self._code, self._has_bit
        if bits is None or shifted is None or code is None or has_bit is None or has_bit.shape[1] != len(masks):
            bits, shifted = self._bits, self._shifted = np.empty(n, np.uint8), np.empty(n, np.uint8)
            code = self._code = np.empty(n, np.intp)
            has_bit = self._has_bit = (np.arange(patterns)[:, None] >> np.arange(len(masks))) & 1
        np.copyto(bits, masks[0].view(np.uint8))
        for b, mask in enumerate(masks[1:], 1):
            np.left_shift(mask.view(np.uint8), b, out=shifted)
            bits |= shifted
        np.multiply(self.district, patterns, out=code)
        code += bits
        per_pattern = np.bincount(code, minlength=patterns * self.count)
        return list((per_pattern.reshape(-1, patterns) @ has_bit).T)

    def spread(self, values: np.ndarray) -> np.ndarray | np.float32:
        """Each agent's entry of a per-district array, in float32.

        A new array; or a scalar when every district has the same value,
        which numpy broadcasts for free.
        """
        values = np.asarray(values, dtype=np.float32)
        if (values == values[0]).all():
            return values[0]
        if self._run_start is None:
            return values.take(self.district)  # take: about twice as fast as [ ]
        return values[self._run_district].repeat(self._run_length)
