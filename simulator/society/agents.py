"""The society: N synthetic agents whose state lives in numpy arrays.

Every attribute is one array with one entry per agent; a step is a handful
of vectorised operations and there is no per-agent Python code. Agents are
generated from parametric distributions: there is no loader for records of
real people.

Per agent: baseline need and need, trust, risk aversion, a private
threshold, whether it expresses its grievance, whether it participates in
the loop's services, and how many steps of temporary removal it has left.
Per district: the unresolved *pressure* of each disturbance type, which is
where disturbances land and where accommodation acts.

The society never hands out anything per agent. :meth:`Society.aggregate`
is its only report, and it holds district means and shares.

The update rules are functions in ``rules.py``, shared with the
system-dynamics twin; this module applies them to the agents' arrays.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..config import Config
from ..loop.contracts import Delivery, DistrictState
from . import kernels, rules
from .districts import Districts
from .grid import Grid, neighbourhood_add, neighbourhood_sum, pad_work, window_offsets, window_table
from .movement import Movement
from .patrols import Patrols

__all__ = ["Society"]


def _plain(config: Config, group: str) -> SimpleNamespace:
    """One parameter group as plain attributes.

    A step reads about fifty parameters, and a checked ``Config`` lookup
    costs about a microsecond each time; the values never change in a run.
    """
    prefix = group + "."
    return SimpleNamespace(**{k[len(prefix):]: v for k, v in config.items() if k.startswith(prefix)})


class Society:
    """Synthetic agents on a toroidal grid, advanced one step at a time.

    For speed, agents are stored in the order of their cells: on a full grid
    agent ``i`` sits on cell ``i``, so a grid field *is* the per-agent array,
    and a district is a few runs of consecutive agents, so district sums and
    district-to-agent spreads need no scattered indexing. Per-agent
    arithmetic is in float32 and in place, in work arrays kept between steps.
    Hot calls use ndarray methods (``x.take``, ``x.nonzero()[0]``) rather than
    numpy's function wrappers, which cost about a microsecond more a call.
    """

    def __init__(self, config: Config, grid: Grid, rng: np.random.Generator):
        s = config.society
        self.config = config
        self._society, self._levers, self._disturbance, self._shock = (
            _plain(config, g) for g in ("society", "levers", "disturbance", "shock"))
        self.grid = grid
        self.rng = rng
        n = s.agents
        self.n = n
        f32 = np.float32

        # place agents on distinct cells, in cell order
        if n == grid.cells:
            position = np.arange(n)
        else:
            position = np.sort(rng.choice(grid.cells, size=n, replace=False))
        self.position = position.astype(np.intp)  # intp: fast as an index (see Grid)
        self.occupied = np.zeros(grid.cells, dtype=bool)
        self.occupied[self.position] = True
        self.district = grid.district_of_cell[self.position]
        self._dense = n == grid.cells  # agent i on cell i (nobody can move then)
        self.districts = Districts(self.district, grid.districts, s.mobility > 0 and not self._dense)
        self._by_district = self.districts.spread

        # work arrays, reused every step
        cells = (grid.side, grid.side)
        self._cells_in, self._seen, self._patrolled = (np.empty(cells, f32) for _ in range(3))
        self._scratch, self._scratch2, self._others = (np.empty(n, f32) for _ in range(3))
        self._window = window_offsets(s.vision, s.neighbourhood, grid.side)
        # compiled kernels (kernels.py), or their numpy references with their own work arrays
        self._kernels = kernels.ENABLED
        if self._kernels:
            self._half = kernels.half_widths(self._window)
            self._prefix = np.empty((grid.side, grid.side + 2 * int(self._half.max()) + 1), f32)
            self._joined = np.empty(n, dtype=bool)
        else:
            self._cells_work = np.empty(cells, f32)
            self._pad = pad_work(self._cells_in, s.vision)  # for the diamond sums
        # every cell's window, for the contagion rounds' updates: built on first
        # use, for windows of 25 cells or more (where working the windows out
        # costs most) and only up to 2**21 entries (8 MB; 1.1e6 at 100 x 100,
        # vision 7); the 1,000,000-agent grid never has one
        self._window_table: np.ndarray | None = None
        window = self._window[0].size
        self._use_table = not self._kernels and window >= 25 and grid.cells * window <= 2 ** 21
        self._free = np.ones(n, dtype=bool)  # not removed: kept equal to removal == 0

        def spread(mean: float, half: float) -> np.ndarray:
            draw = mean + half * (2.0 * rng.random(n, dtype=f32) - 1.0)
            return np.clip(draw, 0.0, 1.0).astype(f32)

        self.need_base = spread(s.need_base, s.need_spread)
        self.need = self.need_base.copy()
        self.trust_initial = spread(s.trust, s.trust_spread)
        self.trust = self.trust_initial.copy()
        self.risk_aversion = rng.random(n, dtype=f32)
        self.threshold = spread(s.threshold, s.threshold_spread)
        self.grievance = rules.grievance(self.need, self.trust)
        self.expressing = np.zeros(n, dtype=bool)
        self.expressed = np.zeros(n, dtype=bool)
        self.latent = self.grievance > self.threshold
        self.removal = np.zeros(n, dtype=np.int16)
        self.participating = np.zeros(n, dtype=bool)
        self._participate(np.zeros(grid.districts))

        d = config.disturbance
        self.types = d.types
        self.pressure = np.zeros((grid.districts, d.types))
        responses = min(config.levers.response_types, d.types)
        self.match = np.full(d.types, config.levers.unmatched_effect)
        self.match[:responses] = 1.0
        self._removed_share = np.zeros(grid.districts)
        self.shock_now = False
        self.patrols = Patrols(grid, rng, fast=self._kernels)
        self.movement = Movement(grid, rng, fast=self._kernels)
        self.state = self.aggregate()

    # -- one step -------------------------------------------------------------
    def step(self, step: int, delivery: Delivery, eyes: np.ndarray) -> DistrictState:
        """Advance the society by one step and return its district aggregates.

        Parameters
        ----------
        step : int
            The model step (for scheduled shocks).
        delivery : Delivery
            Lever intensities reaching each district this step.
        eyes : numpy.ndarray
            Visible monitoring per district, in expected observers within
            vision (the chilling effect).
        """
        s, lv = self._society, self._levers
        accommodation, constraint = rules.levers_felt(delivery.accommodate, delivery.constrain,
                                                      delivery.mobilise, lv.mobilise_effect)

        self._disturb(step, accommodation)
        self._legitimacy_shock(step)
        gain, loss = rules.trust_rates(accommodation, constraint, self._removed_share, lv.trust_from_accommodation,
                                       lv.trust_from_constraint, lv.trust_from_removal)
        self._need_and_trust(gain, loss)
        self._express(constraint, eyes, self._standing_enforcement(step))
        self._participate(delivery.incentivise)
        if s.mobility > 0:
            self.movement.step(self.position, self.occupied, self.district, self._free, s.mobility, s.vision)
            self.districts.reindex()
        self.state = self.aggregate()
        self._removed_share = self.state.removed  # felt as lost trust next step
        return self.state

    def _need_and_trust(self, gain: np.ndarray, loss: np.ndarray) -> None:
        """Need, trust and grievance for a step (``gain``, ``loss``: the district rates of trust)."""
        s, lv = self._society, self._levers
        if self._kernels:  # the same draw, then one pass instead of about twenty calls
            noise = self.rng.standard_normal(dtype=np.float32, out=self._scratch)
            f32 = np.float32
            kernels.need_and_trust(self.need, self.need_base, self.trust, self.trust_initial, self.grievance,
                                   noise, self.district, self.pressure.sum(axis=1).astype(f32),
                                   (gain + loss).astype(f32), np.asarray(gain, dtype=f32), f32(s.need_rate),
                                   f32(s.need_noise), f32(lv.trust_from_need), f32(s.trust_recovery))
            return
        # per-agent arithmetic in float32, in place (the rules write into work arrays)
        need, trust, tmp = self.need, self.trust, self._scratch

        # need follows baseline plus local unresolved pressure
        pressure = self._by_district(self.pressure.sum(axis=1))
        need += rules.need_pull(need, self.need_base, pressure, s.need_rate, out=tmp)
        noise = self.rng.standard_normal(dtype=np.float32, out=tmp)
        noise *= s.need_noise
        need += noise
        np.clip(need, 0.0, 1.0, out=need)

        # trust: met needs build it; constraint, unmet need and removals erode it
        trust += rules.trust_change(trust, need, gain, loss, lv.trust_from_need, spread=self._by_district, out=tmp)
        trust += rules.trust_recovery(trust, self.trust_initial, s.trust_recovery, out=tmp)
        np.clip(trust, 0.0, 1.0, out=trust)
        self.grievance = rules.grievance(need, trust, out=self.grievance)

    def _disturb(self, step: int, accommodation: np.ndarray) -> None:
        """Disturbances and shocks add pressure; accommodation resolves it."""
        d, sh = self._disturbance, self._shock
        rng = self.rng
        shape = self.pressure.shape
        arrivals = (rng.random(shape) < d.rate) * rng.exponential(d.size, shape)
        self.shock_now = self._scheduled_shock(step) or (sh.rate > 0 and rng.random() < sh.rate)
        if self.shock_now:
            hit = self._shock_districts()
            kind = rng.integers(shape[1])
            arrivals[hit, kind] += sh.size
            # a shock is felt at once (hardship), not only through pressure
            self.need += self._by_district(hit * sh.size)
            np.minimum(self.need, 1.0, out=self.need)
        effect = rules.accommodation_effect(step, self._levers.accommodation_effect, sh.accommodation_drop,
                                            sh.accommodation_drop_step, sh.accommodation_drop_duration)
        relief = np.exp(-rules.relief_rate(accommodation[:, None], self.match, effect))
        self.pressure = (self.pressure + arrivals) * (1.0 - d.decay) * relief

    def _shock_districts(self) -> np.ndarray:
        """Which districts a shock hits: scattered at random, or one square region."""
        sh, rng, k = self._shock, self.rng, self.grid.k
        if sh.pattern == "scattered":
            return rng.random(k * k) < sh.reach
        side = round(np.sqrt(sh.reach) * k)
        row, col = rng.integers(k, size=2)
        rows, cols = (row + np.arange(side)) % k, (col + np.arange(side)) % k
        hit = np.zeros((k, k), dtype=bool)
        hit[np.ix_(rows, cols)] = True  # the grid is a torus: the block wraps round
        return hit.reshape(-1)

    def _scheduled_shock(self, step: int) -> bool:
        return rules.scheduled_shock(step, self._shock.at_step, self._shock.every)

    def _legitimacy_shock(self, step: int) -> None:
        """A fall in everyone's trust, sudden or spread over several steps."""
        sh = self._shock
        fall = np.float32(rules.legitimacy_fall(step, sh.trust_drop, sh.trust_drop_step, sh.trust_drop_duration))
        if fall:
            for arr in (self.trust, self.trust_initial):
                arr -= fall
                np.clip(arr, 0.0, 1.0, out=arr)

    def _standing_enforcement(self, step: int) -> float:
        """Standing enforcement presence at ``step``, less any scheduled cut."""
        s, sh = self._society, self._shock
        return rules.standing_enforcement(step, s.enforcement, sh.enforcement_drop, sh.enforcement_drop_step,
                                          sh.enforcement_drop_duration)

    def _express(self, constraint: np.ndarray, eyes: np.ndarray, enforcement: float) -> None:
        """Threshold rule with contagion, deterrence and random removal (``enforcement``
        the standing presence this step)."""
        s, rng = self._society, self.rng
        removal, free = self.removal, self._free

        # released agents come back; those still removed count down; who holds a grievance
        # above their threshold while free (the latent)
        if self._kernels:
            kernels.release(removal, free, self.grievance, self.threshold, self.latent)
        else:
            removal -= 1
            np.maximum(removal, 0, out=removal)
            np.equal(removal, 0, out=free)
            np.greater(self.grievance, self.threshold, out=self.latent)
            self.latent &= free

        # patrols within vision, then expressers within vision: at first those of
        # the last step; with several contagion rounds, those who have just
        # joined count too, so a cascade can spread within one step
        density = rules.patrol_density(constraint, enforcement, self._levers.presence)
        patrols = self.patrols.step(density, walk=s.vision, cells=self._cells_in)
        presence = self._at_agents(self._within_vision(patrols, out=self._patrolled))
        watched = np.add(presence, self._by_district(eyes), out=self._scratch2)
        # seen: expressers within vision of every cell, kept equal to a recount of
        # self.expressing. After the first round only the few agents who joined
        # or left are added to it or taken away (exact: whole numbers in float32),
        # and rounds stop once nobody changes: each would repeat the last.
        seen = None
        expressing = self.expressing
        for _ in range(s.contagion_rounds):
            if seen is None:
                seen = self._within_vision(self._on_cells(expressing), out=self._seen)
            changed, kept = self._round(seen, watched)
            if changed == 0:
                break
            if not kept:
                seen = None  # many changed: a recount is cheaper than updating
        # what was expressed this step, including by those removed for it below
        np.copyto(self.expressed, self.expressing)

        # temporary removal: a random draw from local enforcement presence; each
        # patrol can take about one of the expressers it sees now (Epstein's cops)
        if s.removal_term > 0 and s.removal_rate > 0:
            idx = self.expressing.nonzero()[0]
            if seen is None:
                seen = self._within_vision(self._on_cells(self.expressing), out=self._seen)
            crowd_now = seen.reshape(-1)[self.position[idx]]
            chance = rules.removal_chance(presence[idx], crowd_now, s.removal_rate)
            hit = idx[rng.random(idx.size) < chance]
            removal[hit] = rules.removal_terms(rng, hit.size, s.removal_term)
            self.expressing[hit] = False
            free[hit] = False

    def _round(self, seen: np.ndarray, watched: np.ndarray) -> tuple[int, bool]:
        """One round of the expression rule: who expresses now, given ``seen``.

        Updates ``self.expressing``, and ``seen`` for the agents who joined or
        left when few did (exact: whole numbers in float32). Returns how many
        changed, and whether ``seen`` is still the count of expressers in view.
        """
        # with the window table an update costs about half a recount's per cell
        limit = 2 * self.grid.cells if self._use_table else self.grid.cells
        if self._kernels:  # three calls instead of a dozen; the same numbers
            s = self._society
            escape = kernels.deterrence(seen.reshape(-1), self.position, self.expressing, watched,
                                        np.float32(s.contagion), kernels.ROUNDING[s.arrest_rounding],
                                        np.float32(s.arrest_k), self._others)
            np.exp(escape, out=escape)
            changed = kernels.adopt(escape, self.risk_aversion, self.grievance, self.threshold, self._free,
                                    self.expressing, self.position, seen, *self._window, limit, self._joined)
            return abs(changed), changed >= 0
        joined = self._decide(seen, watched)
        changed = (joined != self.expressing).nonzero()[0]
        np.copyto(self.expressing, joined)
        if changed.size == 0 or changed.size * self._window[0].size >= limit:
            return changed.size, changed.size == 0
        sign = np.where(joined[changed], 1.0, -1.0)
        if self._use_table and self._window_table is None:
            self._window_table = window_table(self.grid.side, self._window)
        neighbourhood_add(seen, self.position[changed], sign, self._window, table=self._window_table)
        return changed.size, True

    def _decide(self, seen: np.ndarray, watched: np.ndarray) -> np.ndarray:
        """Who would express with ``seen`` expressers in view (Epstein's rule; numpy)."""
        s, flat = self._society, seen.reshape(-1)
        if self._dense:
            others = self._others
            np.copyto(others, flat)
        else:
            # mode="clip" (positions are always valid): with out=, the default
            # mode="raise" works on a copy and is about 3x slower
            others = flat.take(self.position, out=self._others, mode="clip")
        others -= self.expressing
        # all in the work array of ``others``, in place
        ratio = rules.arrest_ratio(watched, others, s.contagion, s.arrest_rounding, out=others)
        escape = rules.escape_chance(ratio, s.arrest_k, out=others)
        joined = rules.expresses(self.grievance, self.risk_aversion, escape, self.threshold, out=others)
        joined &= self._free
        return joined

    def _participate(self, incentive: np.ndarray) -> None:
        s, lv = self._society, self._levers
        if self._kernels:  # the same draw, then one pass
            draw = self.rng.random(dtype=np.float32, out=self._scratch2)
            kernels.participate(self.trust, np.float32(s.participation_trust),
                                np.float32(s.participation - 0.5 * s.participation_trust),
                                np.asarray(lv.incentive_effect * incentive, dtype=np.float32), self.district,
                                draw, self._free, self.participating)
            return
        chance = rules.participation_chance(self.trust, s.participation, s.participation_trust,
                                      self._by_district(lv.incentive_effect * incentive), out=self._scratch)
        draw = self.rng.random(dtype=np.float32, out=self._scratch2)
        np.less(draw, chance, out=self.participating)
        self.participating &= self._free  # removed agents use no services

    # -- space --------------------------------------------------------------
    def _on_cells(self, values: np.ndarray) -> np.ndarray:
        """A per-agent array laid out on the grid (empty cells 0), in a work array."""
        cells = self._cells_in
        if self._dense:
            np.copyto(cells.reshape(-1), values)
        else:
            cells.fill(0.0)
            cells.reshape(-1)[self.position] = values
        return cells

    def _within_vision(self, cells: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Sum of a grid field over the vision window around every cell, into ``out``."""
        if self._kernels:
            return kernels.window_sum(cells, self._half, out, self._prefix)
        s = self._society
        return neighbourhood_sum(cells, s.vision, s.neighbourhood, out=out, work=self._cells_work,
                                pad=self._pad)

    def _at_agents(self, cells: np.ndarray) -> np.ndarray:
        """Each agent's value of a grid field (a view when agent i is on cell i)."""
        flat = cells.reshape(-1)
        return flat if self._dense else flat.take(self.position)

    # -- the only report ------------------------------------------------------
    def aggregate(self) -> DistrictState:
        """District aggregates (the society's only output)."""
        districts = self.districts
        pop = districts.population_floor

        def mean(values: np.ndarray) -> np.ndarray:
            return districts.sum(values) / pop

        masks = (self.expressed, self.latent, self.participating, self._free)
        if self._kernels:  # one pass (or two) instead of a call or two per array
            values = (self.need, self.trust, self.grievance)
            if districts.scattered:
                counts = kernels.district_counts(self.district, *masks, districts.count)
                sums = kernels.district_sums(self.district, *values, districts.count)
            else:
                counts, sums = kernels.district_run_totals(districts.run_start, districts.run_district, *masks,
                                                           *values, districts.count)
            expressed, latent, participating, free = counts
            need, trust, grievance = sums / pop
        else:
            expressed, latent, participating, free = districts.counts(masks)
            need, trust, grievance = mean(self.need), mean(self.trust), mean(self.grievance)
        return DistrictState(
            population=districts.population.copy(),
            expression=expressed / pop,
            latent=latent / pop,
            need=need,
            trust=trust,
            grievance=grievance,
            participation=participating / pop,
            removed=(districts.population - free) / pop,
        )
